import type { ClientBase } from 'pg';
import type { Transaction } from 'sequelize';
import type { Database } from '../../models/database.ts';
import {
  explainUnknownHeader,
  kindOfHeader,
  normalizeHeaderName,
  type AccountRow,
  type AnyKindSpec,
  type BillingFileKind,
  type ChargeRow,
  type MeterRow,
  type PaymentRow,
} from './file-kinds.ts';
import { CsvFormatError, lineNumbers, openCsv, type BillingSource, type CsvRow, type Delimiter, type TextEncoding } from './read-csv.ts';
import { insertPayments, upsertAccounts, upsertCharges, upsertMeters, type BatchCounts, type Resolved } from './upsert-batch.ts';

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
  /** Rows per INSERT statement. */
  batchSize?: number;
  /** Bad lines listed in a rejection; the rest are only counted. */
  maxErrors?: number;
}

/** A bad record, named by its position until the rejection is written out with line numbers. */
interface BadRecord {
  ordinal: number;
  reason: string;
  /** The earlier record this one repeats. */
  sameAs?: number;
}

class BadRecords {
  readonly listed: BadRecord[] = [];
  /** A broken CSV has its line from the parser, and nothing after it is read. */
  broken: BadLine | null = null;
  count = 0;
  constructor(private readonly max: number) {}
  add(ordinal: number, reason: string, sameAs?: number): void {
    this.count += 1;
    if (this.listed.length < this.max) this.listed.push({ ordinal, reason, ...(sameAs === undefined ? {} : { sameAs }) });
  }
  addBroken(line: number, reason: string): void {
    this.count += 1;
    this.broken = { line, reason };
  }
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

/** Sequelize keeps the transaction's own `pg` client here; bulk statements go to it directly. */
function clientOf(transaction: Transaction): ClientBase {
  return (transaction as unknown as { connection: ClientBase }).connection;
}

/**
 * Writes one kind's rows in batches, one statement in flight while the next batch is parsed. Once any line
 * is bad nothing more is sent: the transaction will be rolled back, and only the error listing goes on.
 */
class BatchWriter<Row> {
  private buffered: Row[] = [];
  private inFlight: Promise<BatchCounts> | null = null;
  readonly totals: BatchCounts = { inserted: 0, updated: 0 };
  constructor(
    private readonly batchSize: number,
    private readonly write: (rows: Row[]) => Promise<BatchCounts>,
  ) {}

  add(row: Row): void {
    this.buffered.push(row);
  }

  discard(): void {
    this.buffered = [];
  }

  async flush(force: boolean): Promise<void> {
    while (this.buffered.length >= this.batchSize || (force && this.buffered.length > 0)) {
      await this.settle();
      const batch = this.buffered.splice(0, this.batchSize);
      this.inFlight = this.write(batch);
      // Awaited in settle(); marked handled so a failure waits there instead of crashing the process.
      this.inFlight.catch(() => undefined);
    }
    if (force) await this.settle();
  }

  /** Waits for the statement in flight; with `ignoreFailure` after a failure elsewhere, so it is not left dangling. */
  async settle(ignoreFailure = false): Promise<void> {
    const pending = this.inFlight;
    this.inFlight = null;
    if (!pending) return;
    try {
      const counts = await pending;
      this.totals.inserted += counts.inserted;
      this.totals.updated += counts.updated;
    } catch (error) {
      if (!ignoreFailure) throw error;
    }
  }
}

interface RowSink {
  /** Checks what only the database knows (the account exists); null when the row is accepted. */
  accept(row: unknown): string | null;
  writer: BatchWriter<unknown>;
}

async function accountIds(client: ClientBase): Promise<Map<string, number>> {
  const result = await client.query<{ number: string; id: number }>('SELECT number, id FROM accounts');
  return new Map(result.rows.map((r) => [r.number, r.id]));
}

async function sinkFor(spec: AnyKindSpec, header: string[], client: ClientBase, batchSize: number): Promise<RowSink> {
  if (spec.kind === 'accounts') {
    const withPhone = header.includes('phone');
    const writer = new BatchWriter<AccountRow>(batchSize, (rows) => upsertAccounts(client, rows, { withPhone }));
    return { writer: writer as BatchWriter<unknown>, accept: (row) => (writer.add(row as AccountRow), null) };
  }
  const ids = await accountIds(client);
  const referencing = <Row extends { account: string }>(write: (client: ClientBase, rows: Resolved<Row>[]) => Promise<BatchCounts>): RowSink => {
    const writer = new BatchWriter<Resolved<Row>>(batchSize, (rows) => write(client, rows));
    return {
      writer: writer as BatchWriter<unknown>,
      accept: (value) => {
        const row = value as Row;
        const accountId = ids.get(row.account);
        if (accountId === undefined) return `account ${row.account} is not in the database (import its accounts file first)`;
        writer.add({ row, accountId });
        return null;
      },
    };
  };
  switch (spec.kind) {
    case 'meters':
      return referencing<MeterRow>(upsertMeters);
    case 'payments':
      return referencing<PaymentRow>(insertPayments);
    case 'charges':
      return referencing<ChargeRow>(upsertCharges);
  }
}

/**
 * Imports one billing export in one transaction: every line is checked, and a file with any bad line is
 * rejected whole, listing each bad line, with nothing of it written. Rows are upserted on their natural
 * key, so importing the same file again changes nothing.
 */
export async function importBillingFile(db: Database, source: BillingSource, options: ImportOptions = {}): Promise<ImportOutcome> {
  const batchSize = options.batchSize ?? 10_000;
  const maxErrors = options.maxErrors ?? 100;
  const errors = new BadRecords(maxErrors);

  let csv;
  try {
    csv = await openCsv(source, batchSize);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!code) throw error;
    return { kind: 'rejected', errors: [{ line: 0, reason: `cannot read the file (${code})` }], moreErrors: 0 };
  }

  let spec: AnyKindSpec | null = null;
  let columns = new Map<string, number>();
  let headerWidth = 0;
  let transaction: Transaction | null = null;
  let sink: RowSink | null = null;
  const seen = new Map<string, Map<string, number>>();
  let rows = 0;

  const checkRow = (current: AnyKindSpec, { ordinal, fields }: CsvRow): void => {
    rows += 1;
    if (fields.length !== headerWidth) {
      errors.add(ordinal, `has ${fields.length} columns where the header has ${headerWidth} (check the delimiter and quotes)`);
      return;
    }
    const parsed = current.parse((column) => {
      const at = columns.get(column);
      return at === undefined ? '' : fields[at]!.trim();
    });
    if (Array.isArray(parsed)) {
      errors.add(ordinal, parsed.join('; '));
      return;
    }
    const [outer, inner] = (current.key as (row: unknown) => [string, string])(parsed);
    let keys = seen.get(outer);
    if (!keys) seen.set(outer, (keys = new Map()));
    const first = keys.get(inner);
    if (first !== undefined) {
      errors.add(ordinal, `repeats the ${current.keyDescription}`, first);
      return;
    }
    keys.set(inner, ordinal);
    const problem = sink!.accept(parsed);
    if (problem !== null) errors.add(ordinal, problem);
  };

  try {
    for await (const batch of csv.batches) {
      let from = 0;
      if (!spec) {
        const header = batch[0]!;
        spec = kindOfHeader(header.fields);
        if (!spec) {
          errors.add(header.ordinal, explainUnknownHeader(header.fields));
          return rejection(source, errors, maxErrors);
        }
        const names = header.fields.map(normalizeHeaderName);
        columns = new Map(names.map((name, i) => [name, i]));
        headerWidth = names.length;
        transaction = await db.sequelize.transaction();
        sink = await sinkFor(spec, names, clientOf(transaction), batchSize);
        from = 1;
      }
      for (let i = from; i < batch.length; i += 1) checkRow(spec, batch[i]!);
      if (errors.count > 0) sink!.writer.discard();
      else await sink!.writer.flush(false);
    }
  } catch (error) {
    if (!(error instanceof CsvFormatError)) {
      await sink?.writer.settle(true);
      await transaction?.rollback();
      throw error;
    }
    errors.addBroken(error.line, `the CSV cannot be read from here on: ${error.message}`);
  }

  if (!spec) {
    if (errors.count > 0) return rejection(source, errors, maxErrors);
    return { kind: 'rejected', errors: [{ line: 1, reason: 'the file is empty (expected a header line and rows)' }], moreErrors: 0 };
  }
  try {
    if (errors.count === 0) await sink!.writer.flush(true);
  } catch (error) {
    await transaction!.rollback();
    throw error;
  }
  if (errors.count > 0) {
    await sink!.writer.settle(true);
    await transaction!.rollback();
    return rejection(source, errors, maxErrors, spec.kind);
  }
  await transaction!.commit();
  const { inserted, updated } = sink!.writer.totals;
  return {
    kind: 'imported',
    fileKind: spec.kind,
    encoding: csv.encoding,
    delimiter: csv.delimiter,
    rows,
    inserted,
    updated,
    unchanged: rows - inserted - updated,
  };
}
