import type { ClientBase } from 'pg';
import type { Transaction } from 'sequelize';
import { clientOfTransaction, type Database } from '../../models/database.ts';
import { explainUnknownHeader, kindOfHeader, normalizeHeaderName, type AccountRow, type BillingFileKind } from './file-kinds.ts';
import { describeEncodingProblem } from './encoding-problems.ts';
import { UnreadableEncoding } from './file-encoding.ts';
import { CsvFormatError, lineNumbers, openCsv, type BillingSource, type Delimiter, type OpenedCsv, type TextEncoding } from './read-csv.ts';
import { BadRecords, RecordChecker, unsafeCharacterIn } from './record-checker.ts';
import type { Repeat } from './repeated-keys.ts';
import { keysOnly, nowhere, openDestination, type Destination, type DestinationStats } from './row-destination.ts';

export interface BadLine {
  /** 1 is the header; 0 is the file as a whole (it cannot be read). */
  line: number;
  reason: string;
}

export type ImportOutcome =
  | {
      kind: 'imported';
      fileKind: BillingFileKind;
      encoding: TextEncoding;
      delimiter: Delimiter;
      /** Data lines in the file. */
      rows: number;
      inserted: number;
      updated: number;
      /** Lines whose row was already in the database exactly so. */
      unchanged: number;
      /**
       * Accounts files: lines whose address could not be read into street and house (the first `maxErrors`).
       * They are imported all the same; their accounts are not matched to outages until the address is fixed.
       */
      unreadAddresses?: BadLine[];
      moreUnreadAddresses?: number;
    }
  | {
      kind: 'rejected';
      fileKind?: BillingFileKind;
      /** The first `maxErrors` bad lines, in file order. */
      errors: BadLine[];
      /** Bad lines found beyond those listed. */
      moreErrors: number;
    };

export interface ImportOptions {
  /** Rows per statement on the incremental path; on the bulk path, at most this many per piece of the COPY. */
  batchSize?: number;
  /** Bad lines listed in a rejection; the rest are only counted. */
  maxErrors?: number;
  /** Filled in as the file goes: how many rows were held at once and in how many batches they went. */
  stats?: DestinationStats;
}

async function rejection(source: BillingSource, bad: BadRecords, max: number, fileKind?: BillingFileKind): Promise<ImportOutcome> {
  const wanted = new Set(bad.listed.flatMap((b) => (b.sameAs === undefined ? [b.ordinal] : [b.ordinal, b.sameAs])));
  const lineOf = await lineNumbers(source, wanted);
  const errors: BadLine[] = bad.listed.map((b) => ({
    line: lineOf.get(b.ordinal) ?? 0,
    reason: b.sameAs === undefined ? b.reason : `${b.reason} of line ${lineOf.get(b.sameAs) ?? '?'}`,
  }));
  if (bad.broken) errors.push(bad.broken);
  const listed = errors.slice(0, max);
  return { kind: 'rejected', ...(fileKind ? { fileKind } : {}), errors: listed, moreErrors: bad.count - listed.length };
}

async function accountIds(client: ClientBase): Promise<Map<string, number>> {
  // One text of "number<TAB>id" lines rather than a row each: it is read for every file that refers to
  // accounts, a hundred thousand of them. A number with a line break in it could never match a checked one.
  const result = await client.query<{ pairs: string | null }>(
    `SELECT string_agg(number || E'\t' || id, E'\n') AS pairs FROM accounts WHERE strpos(number, E'\n') = 0`,
  );
  const ids = new Map<string, number>();
  const pairs = result.rows[0]?.pairs ?? '';
  // Walked with indexOf rather than split into lines: no string per line, no string per id.
  for (let from = 0; from < pairs.length; ) {
    let end = pairs.indexOf('\n', from);
    if (end === -1) end = pairs.length;
    const tab = pairs.lastIndexOf('\t', end);
    let id = 0;
    for (let at = tab + 1; at < end; at += 1) id = id * 10 + pairs.charCodeAt(at) - 48;
    ids.set(pairs.slice(from, tab), id);
    from = end + 1;
  }
  return ids;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

type Settings = Required<Omit<ImportOptions, 'stats'>> & { stats: DestinationStats };

/**
 * Records parsed and checked at a time. Few enough that they are written before the garbage collector moves
 * them out of its young generation: with ten thousand at a time, collecting took a third of a meters import.
 */
const RECORDS_PER_READ = 1000;

/**
 * The writing pass found the file bad: it stops there (the bulk path leaves repeated keys to the unique indexes
 * it rebuilds, and neither path writes past a bad line), and the file is read again with every check on, to
 * list all its bad lines. `otherwise` answers if that finds none (the accounts changed in between, say).
 */
type Recheck = { kind: 'recheck'; otherwise: () => Promise<ImportOutcome> };
/** A check pass found nothing wrong. */
type Clean = { kind: 'clean' };

/**
 * One reading of the file in one transaction. `write`: checks and writes, then commits, or rolls back
 * on the first sign of a bad line; `check`: only checks (with every check on), to list the bad lines.
 */
async function readOnce(db: Database, source: BillingSource, settings: Settings, pass: 'write'): Promise<ImportOutcome | Recheck>;
async function readOnce(db: Database, source: BillingSource, settings: Settings, pass: 'check'): Promise<ImportOutcome | Clean>;
async function readOnce(db: Database, source: BillingSource, settings: Settings, pass: 'write' | 'check'): Promise<ImportOutcome | Recheck | Clean> {
  const errors = new BadRecords(settings.maxErrors);
  let csv: OpenedCsv;
  try {
    csv = await openCsv(source, Math.min(settings.batchSize, RECORDS_PER_READ));
  } catch (error) {
    if (error instanceof UnreadableEncoding) return { kind: 'rejected', ...describeEncodingProblem(error.verdict, settings.maxErrors) };
    if (error instanceof CsvFormatError) return { kind: 'rejected', errors: [{ line: error.line, reason: `the CSV cannot be read: ${error.message}` }], moreErrors: 0 };
    const code = (error as NodeJS.ErrnoException).code;
    if (!code) throw error;
    return { kind: 'rejected', errors: [{ line: 0, reason: `cannot read the file (${code})` }], moreErrors: 0 };
  }

  let fileKind: BillingFileKind | null = null;
  let transaction: Transaction | null = null;
  let destination: Destination = nowhere;
  let checker: RecordChecker | null = null;
  const unread: { ordinal: number; reason: string }[] = [];
  let unreadCount = 0;
  const giveUp = async () => {
    await destination.abandon();
    await transaction?.rollback();
  };

  try {
    for await (const { firstOrdinal, records, mayHoldUnsafe } of csv.batches) {
      let from = 0;
      if (!checker) {
        const header = records[0]!;
        const unsafe = header.map((name) => unsafeCharacterIn(name)).find((found) => found !== null);
        if (unsafe) {
          errors.add(firstOrdinal, `the header has ${unsafe}`);
          return rejection(source, errors, settings.maxErrors);
        }
        const spec = kindOfHeader(header);
        if (!spec) {
          errors.add(firstOrdinal, explainUnknownHeader(header));
          return rejection(source, errors, settings.maxErrors);
        }
        fileKind = spec.kind;
        const names = header.map(normalizeHeaderName);
        transaction = await db.sequelize.transaction();
        // Bulk statements go to the transaction's own `pg` client directly.
        const client = clientOfTransaction(transaction);
        const onRepeats = (repeats: Repeat[]) => {
          for (const { ordinal, first } of repeats) errors.add(ordinal, `repeats the ${spec.keyDescription}`, first);
        };
        const keyOf = (row: unknown) => checker!.keyOf(row);
        const options = { batchSize: settings.batchSize, keyOf, onRepeats, stats: settings.stats };
        // The path is picked (and the bulk path's locks taken) before the accounts are read.
        destination = pass === 'write' ? await openDestination(client, spec.kind, names, options) : keysOnly(client, options);
        const ids = spec.kind === 'accounts' ? null : await accountIds(client);
        checker = new RecordChecker(spec, names, errors, { accountIds: ids });
        from = 1;
      }
      for (let i = from; i < records.length; i += 1) {
        const ordinal = firstOrdinal + i;
        const row = checker.check(records[i]!, ordinal, mayHoldUnsafe);
        const addressUnread = fileKind === 'accounts' && row !== null ? (row as AccountRow).addressUnread : null;
        if (addressUnread !== null && pass === 'write') {
          unreadCount += 1;
          if (unread.length < settings.maxErrors) unread.push({ ordinal, reason: addressUnread });
        }
        // Once the file is known to be bad, the writing pass only finishes its batch; the check pass goes on
        // registering keys, to find every repeat.
        if (row !== null && (errors.count === 0 || pass === 'check')) destination.add({ row, ordinal });
      }
      await destination.afterBatch(errors.count > 0 && pass === 'write');
      // What the writing pass finds is not the whole listing: the check pass reads the file again.
      if (errors.count > 0 && pass === 'write') break;
    }
  } catch (error) {
    if (!(error instanceof CsvFormatError)) {
      await giveUp();
      throw error;
    }
    errors.addBroken(error.line, `the CSV cannot be read from here on: ${error.message}`);
  }

  if (!fileKind || !checker) {
    if (errors.count > 0) return rejection(source, errors, settings.maxErrors);
    return { kind: 'rejected', errors: [{ line: 1, reason: 'the file is empty (expected a header line and rows)' }], moreErrors: 0 };
  }
  let counts;
  try {
    // On the check pass, the last keys; on the writing pass, the last rows (and their keys, where a repeat may
    // still turn up).
    counts = errors.count > 0 && pass === 'write' ? null : await destination.finish();
  } catch (error) {
    await giveUp();
    if (destination.bulk && isUniqueViolation(error)) return { kind: 'recheck', otherwise: () => Promise.reject(error) };
    throw error;
  }
  if (errors.count > 0) {
    await giveUp();
    const listing = () => rejection(source, errors, settings.maxErrors, fileKind ?? undefined);
    return pass === 'write' ? { kind: 'recheck', otherwise: listing } : listing();
  }
  if (pass === 'check' || !counts) {
    await giveUp();
    return { kind: 'clean' };
  }
  await transaction!.commit();
  const rows = checker.rows;
  const unreadLines = unread.length > 0 ? await lineNumbers(source, new Set(unread.map((u) => u.ordinal))) : null;
  return {
    kind: 'imported',
    fileKind,
    encoding: csv.encoding,
    delimiter: csv.delimiter,
    rows,
    inserted: counts.inserted,
    updated: counts.updated,
    unchanged: rows - counts.inserted - counts.updated,
    ...(fileKind === 'accounts'
      ? {
          unreadAddresses: unread.map((u) => ({ line: unreadLines?.get(u.ordinal) ?? 0, reason: u.reason })),
          moreUnreadAddresses: unreadCount - unread.length,
        }
      : {}),
  };
}

/**
 * Imports one billing export in one transaction: every line is checked, and a file with any bad line is
 * rejected whole, listing each bad line, with nothing of it written. Rows are upserted on their natural
 * key, so importing the same file again changes nothing. Into an empty table the rows are bulk-loaded
 * (see bulk-load.ts); a file found bad there is read a second time, with every check on, to list its bad lines.
 */
export async function importBillingFile(db: Database, source: BillingSource, options: ImportOptions = {}): Promise<ImportOutcome> {
  const settings: Settings = {
    batchSize: options.batchSize ?? 10_000,
    maxErrors: options.maxErrors ?? 100,
    stats: options.stats ?? { batches: 0, mostHeld: 0 },
  };
  const outcome = await readOnce(db, source, settings, 'write');
  if (outcome.kind !== 'recheck') return outcome;
  const listing = await readOnce(db, source, settings, 'check');
  return listing.kind === 'rejected' ? listing : outcome.otherwise();
}
