import { createHash } from 'node:crypto';
import { loadStreetAliases } from '../addresses/aliases.ts';
import { formatHouseList, parseHouseList, type HouseSpec } from '../addresses/houses.ts';
import { normalizeStreetName } from '../addresses/street-names.ts';
import type { CoreDeps } from '../deps.ts';
import type { BadLine } from '../billing/import-file.ts';
import type { BillingSource } from '../billing/read-csv.ts';
import { readSmallCsv } from '../billing/small-csv.ts';
import { draftProblems, insertOutage, outageByKey, updateWithin } from './announce.ts';
import { parseOutageTime } from './local-time.ts';
import { OUTAGE_TEXT_MAX, type DraftProblem, type OutageDraft, type OutageKind } from './types.ts';

/** The columns of an outages file, in any order: `street;houses;kind;starts_at;ends_at;text`. */
export const OUTAGES_HEADER = ['street', 'houses', 'kind', 'starts_at', 'ends_at', 'text'] as const;

export type OutageImportOutcome =
  | { kind: 'imported'; rows: number; announced: number; updated: number; unchanged: number }
  | { kind: 'rejected'; errors: BadLine[]; moreErrors: number };

export function isOutagesHeader(header: readonly string[]): boolean {
  return header.length === OUTAGES_HEADER.length && OUTAGES_HEADER.every((name) => header.includes(name));
}

const KINDS: Record<string, OutageKind> = { planned: 'planned', emergency: 'emergency', 'планове': 'planned', 'аварійне': 'emergency' };

const DRAFT_PROBLEMS: Record<DraftProblem['kind'], string> = {
  'no-targets': 'no street',
  'bad-time': 'a time is not valid',
  'ends-before-start': 'ends_at is not after starts_at',
  'already-over': 'ends_at has passed: the outage is already over',
  'no-affects': 'nothing affected',
  'text-too-long': `text is longer than ${OUTAGE_TEXT_MAX} characters`,
};

interface Line {
  line: number;
  key: string;
  draft: OutageDraft;
}

/**
 * One line's outage, or its problems. Its identity (street, houses, kind, start) makes the idempotency key: the
 * same line imported again is the same outage, and a line that differs only in ends_at or text updates it.
 */
function readLine(cell: (column: string) => string, timeZone: string): { key: string; draft: OutageDraft } | string[] {
  const problems: string[] = [];
  const street = cell('street');
  if (normalizeStreetName(street).replace(/[\d\s-]/g, '') === '') problems.push(street === '' ? 'street is empty' : `street "${street}" has no name in it`);
  let houses: HouseSpec[] | null = null;
  if (cell('houses') !== '') {
    const list = parseHouseList(cell('houses'));
    if (list.ok) houses = list.houses;
    else problems.push(`houses "${cell('houses')}" is not a list like 1-25, 30, 12а (${list.problem.kind === 'empty' ? 'empty' : `"${list.problem.item}"`})`);
  }
  const kind = KINDS[cell('kind').toLocaleLowerCase('uk')];
  if (!kind) problems.push(`kind "${cell('kind')}" is not planned, emergency, планове or аварійне`);
  const startsAt = parseOutageTime(cell('starts_at'), timeZone);
  if (!startsAt) problems.push(`starts_at "${cell('starts_at')}" is not a time (YYYY-MM-DD HH:MM local, or ISO 8601)`);
  const endsAt = cell('ends_at') === '' ? null : parseOutageTime(cell('ends_at'), timeZone);
  if (cell('ends_at') !== '' && !endsAt) problems.push(`ends_at "${cell('ends_at')}" is not a time (YYYY-MM-DD HH:MM local, or ISO 8601)`);
  if (problems.length > 0) return problems;
  const draft: OutageDraft = {
    targets: [{ street, houses }],
    kind: kind!,
    startsAt: startsAt!.toISOString(),
    endsAt: endsAt?.toISOString() ?? null,
    affects: ['cold-water'],
    text: cell('text'),
  };
  const identity = [normalizeStreetName(street), formatHouseList(houses), kind, draft.startsAt].join('|');
  return { key: `import:${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`, draft };
}

/**
 * Imports an outages file (`npm run cli -- import outages.csv`) the way billing files are imported: every line
 * is checked first, and a file with any bad line is rejected whole with its bad lines listed; a good file is
 * applied in one transaction. A line already imported changes nothing; the same line with another ends_at (or
 * text) updates its outage, which tells whoever was told. The outages announced reach subscribers through the
 * delivery schedule, like those staff announce.
 */
export async function importOutagesFile(deps: CoreDeps, source: BillingSource, options: { by?: string; maxErrors?: number } = {}): Promise<OutageImportOutcome> {
  const maxErrors = options.maxErrors ?? 100;
  const csv = await readSmallCsv(source, maxErrors);
  if (csv.kind === 'unreadable') return { kind: 'rejected', errors: csv.errors, moreErrors: csv.moreErrors };
  if (!isOutagesHeader(csv.header)) {
    return { kind: 'rejected', errors: [{ line: 1, reason: `unknown header "${csv.header.join(';')}": expected ${OUTAGES_HEADER.join(';')}` }], moreErrors: 0 };
  }
  const now = deps.clock.now();
  const errors: BadLine[] = [];
  const lines: Line[] = [];
  const firstLineOf = new Map<string, number>();
  for (const record of csv.records) {
    const read = readLine(record.cell, deps.settings.timeZone);
    if (Array.isArray(read)) {
      errors.push({ line: record.line, reason: read.join('; ') });
      continue;
    }
    const problems = draftProblems(read.draft, now).filter((p) => p.kind !== 'bad-time');
    if (read.draft.text.length > OUTAGE_TEXT_MAX && !problems.some((p) => p.kind === 'text-too-long')) problems.push({ kind: 'text-too-long', max: OUTAGE_TEXT_MAX });
    const first = firstLineOf.get(read.key);
    if (first !== undefined) {
      errors.push({ line: record.line, reason: `repeats the street, houses, kind and starts_at of line ${first}` });
      continue;
    }
    firstLineOf.set(read.key, record.line);
    // A file imported again after its outages ended: those lines are known, and change nothing.
    if (problems.length === 1 && problems[0]!.kind === 'already-over' && (await outageByKey(deps, read.key))) continue;
    if (problems.length > 0) {
      errors.push({ line: record.line, reason: problems.map((p) => DRAFT_PROBLEMS[p.kind]).join('; ') });
      continue;
    }
    lines.push({ line: record.line, ...read });
  }
  if (errors.length > 0) return { kind: 'rejected', errors: errors.slice(0, maxErrors), moreErrors: Math.max(0, errors.length - maxErrors) };

  const aliases = await loadStreetAliases(deps.db);
  const counts = { announced: 0, updated: 0, unchanged: 0 };
  const by = options.by ?? 'import';
  const outcome = await deps.db.sequelize.transaction(async (transaction) => {
    for (const { key, draft } of lines) {
      const existing = await outageByKey(deps, key, transaction);
      if (!existing) {
        const stored = await insertOutage(deps, draft, { idempotencyKey: key, by, source: 'import' }, aliases, transaction);
        counts[stored ? 'announced' : 'unchanged'] += 1;
        continue;
      }
      const updated = await updateWithin(deps, existing.id, { endsAt: draft.endsAt, text: draft.text }, transaction);
      counts[updated.kind === 'updated' ? 'updated' : 'unchanged'] += 1;
    }
    return { kind: 'imported' as const, rows: csv.records.length, ...counts, unchanged: counts.unchanged + csv.records.length - lines.length };
  });
  return outcome;
}
