import { QueryTypes } from 'sequelize';
import type { Database } from '../../models/database.ts';
import type { BadLine } from '../billing/import-file.ts';
import type { BillingSource } from '../billing/read-csv.ts';
import { readSmallCsv } from '../billing/small-csv.ts';
import { normalizeStreetName, type StreetAliases } from './street-names.ts';

/** The header of a street-aliases file: `alias;street` (the other name; the name in use). */
export const STREET_ALIASES_HEADER = ['alias', 'street'] as const;

export type AliasImportOutcome =
  | { kind: 'imported'; rows: number; inserted: number; updated: number; unchanged: number }
  | { kind: 'rejected'; errors: BadLine[]; moreErrors: number };

/** Every alias, normalised, to the normalised name in use. Small (a city's renamings): read whole. */
export async function loadStreetAliases(db: Database): Promise<StreetAliases> {
  const rows = await db.sequelize.query<{ alias_norm: string; street_norm: string }>(
    'SELECT alias_norm, street_norm FROM street_aliases',
    { type: QueryTypes.SELECT },
  );
  return new Map(rows.map((row) => [row.alias_norm, row.street_norm]));
}

/** Whether a header (lower-cased names) is a street-aliases file's. */
export function isStreetAliasesHeader(header: readonly string[]): boolean {
  return header.length === 2 && header[0] === 'alias' && header[1] === 'street';
}

/**
 * Imports a street-aliases file (`alias;street`, e.g. `Леніна;Соборна`) in one transaction: each alias is
 * added or repointed; aliases already stored and not in the file stay. Rejected whole, listing the bad lines,
 * when a line has an empty name, names a street by itself, gives one alias two streets, or makes a chain go
 * round in a circle. Chains (`A;B` and `B;C`) are followed to their end, so an alias always points at a name in use.
 */
export async function importStreetAliases(db: Database, source: BillingSource, options: { maxErrors?: number } = {}): Promise<AliasImportOutcome> {
  const maxErrors = options.maxErrors ?? 100;
  const csv = await readSmallCsv(source, maxErrors);
  if (csv.kind === 'unreadable') return { kind: 'rejected', errors: csv.errors, moreErrors: csv.moreErrors };
  if (!isStreetAliasesHeader(csv.header)) {
    return { kind: 'rejected', errors: [{ line: 1, reason: `unknown header "${csv.header.join(';')}": expected alias;street` }], moreErrors: 0 };
  }
  const errors: BadLine[] = [];
  const wanted = new Map<string, { aliasNorm: string; streetNorm: string; alias: string; street: string; line: number }>();
  for (const record of csv.records) {
    const alias = record.cell('alias');
    const street = record.cell('street');
    const aliasNorm = normalizeStreetName(alias);
    const streetNorm = normalizeStreetName(street);
    const problems: string[] = [];
    if (aliasNorm === '') problems.push('alias is empty');
    if (streetNorm === '') problems.push('street is empty');
    if (problems.length === 0 && aliasNorm === streetNorm) problems.push(`"${alias}" and "${street}" are the same name`);
    const earlier = wanted.get(aliasNorm);
    if (problems.length === 0 && earlier && earlier.streetNorm !== streetNorm) problems.push(`gives "${alias}" another street than line ${earlier.line}`);
    if (problems.length > 0) {
      errors.push({ line: record.line, reason: problems.join('; ') });
      continue;
    }
    wanted.set(aliasNorm, { aliasNorm, streetNorm, alias, street, line: record.line });
  }
  if (errors.length > 0) return { kind: 'rejected', errors: errors.slice(0, maxErrors), moreErrors: Math.max(0, errors.length - maxErrors) };

  return db.sequelize.transaction(async (transaction) => {
    // One import at a time: two files resolving chains against each other's half would leave a chain behind.
    await db.sequelize.query('LOCK TABLE street_aliases IN SHARE ROW EXCLUSIVE MODE', { transaction });
    const stored = await db.sequelize.query<{ alias_norm: string; street_norm: string; alias: string; street: string }>(
      'SELECT alias_norm, street_norm, alias, street FROM street_aliases',
      { type: QueryTypes.SELECT, transaction },
    );
    const all = new Map(stored.map((row) => [row.alias_norm, { streetNorm: row.street_norm, street: row.street, alias: row.alias, line: 0 }]));
    for (const row of wanted.values()) all.set(row.aliasNorm, { streetNorm: row.streetNorm, street: row.street, alias: row.alias, line: row.line });
    // Follow each chain to the name in use; a chain that comes back to where it started is a circle.
    const resolved = new Map<string, { streetNorm: string; street: string }>();
    const circles: BadLine[] = [];
    for (const [aliasNorm, entry] of all) {
      let target = { streetNorm: entry.streetNorm, street: entry.street };
      const seen = new Set([aliasNorm]);
      while (all.has(target.streetNorm)) {
        if (seen.has(target.streetNorm)) {
          circles.push({ line: entry.line, reason: `"${entry.alias}" leads back to itself through other aliases` });
          break;
        }
        seen.add(target.streetNorm);
        const next = all.get(target.streetNorm)!;
        target = { streetNorm: next.streetNorm, street: next.street };
      }
      resolved.set(aliasNorm, target);
    }
    if (circles.length > 0) {
      const listed = circles.filter((c) => c.line > 0).sort((a, b) => a.line - b.line);
      return { kind: 'rejected' as const, errors: listed.slice(0, maxErrors), moreErrors: Math.max(0, listed.length - maxErrors) };
    }
    let inserted = 0;
    let updated = 0;
    for (const [aliasNorm, target] of resolved) {
      const entry = all.get(aliasNorm)!;
      const [rows] = await db.sequelize.query(
        `INSERT INTO street_aliases AS a (alias_norm, street_norm, alias, street) VALUES (:aliasNorm, :streetNorm, :alias, :street)
         ON CONFLICT (alias_norm) DO UPDATE SET street_norm = EXCLUDED.street_norm, street = EXCLUDED.street, alias = EXCLUDED.alias, updated_at = now()
          WHERE (a.street_norm, a.street, a.alias) IS DISTINCT FROM (EXCLUDED.street_norm, EXCLUDED.street, EXCLUDED.alias)
         RETURNING (xmax = 0) AS inserted`,
        { replacements: { aliasNorm, streetNorm: target.streetNorm, alias: entry.alias, street: target.street }, transaction },
      );
      const row = (rows as { inserted: boolean }[])[0];
      if (row?.inserted === true) inserted += 1;
      else if (row) updated += 1;
    }
    const rows = csv.records.length;
    return { kind: 'imported' as const, rows, inserted, updated, unchanged: Math.max(0, wanted.size - inserted - updated) };
  });
}
