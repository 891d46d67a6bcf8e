import type { ClientBase } from 'pg';
import { openAppend, type TableAppend } from './append-rows.ts';
import { tableOf, type BillingTable, type Resolved } from './billing-tables.ts';
import { beginBulkLoad } from './bulk-load.ts';
import type { AccountRow, BillingFileKind, ChargeRow, MeterRow, PaymentRow } from './file-kinds.ts';
import { insertPayments, upsertAccounts, upsertCharges, upsertMeters, type BatchCounts } from './upsert-batch.ts';

/**
 * Where the checked rows of one file go, inside the import's transaction: upserted into a table that has rows
 * (the incremental path), or loaded into an empty one with its keys rebuilt afterwards (the bulk path).
 */
export interface Destination {
  /** The bulk path: the table was empty, and has no unique index until finish(). */
  bulk: boolean;
  add(row: unknown): void;
  /** After each batch of records; once the file is known to be bad (`failed`), its rows are dropped and nothing more goes out. */
  afterBatch(failed: boolean): Promise<void>;
  /** Every row written, and on the bulk path the keys and indexes back: ready to commit. */
  finish(): Promise<BatchCounts>;
  /** Stops what is in flight, so the transaction can be rolled back. */
  abandon(): Promise<void>;
}

/** For a reading that only checks: nothing is written. */
export const nowhere: Destination = {
  bulk: false,
  add: () => undefined,
  afterBatch: async () => undefined,
  finish: async () => ({ inserted: 0, updated: 0 }),
  abandon: async () => undefined,
};

/** On the bulk path rows are handed on a read's worth at a time, to become COPY text while they are young. */
const ROWS_PER_APPEND = 1000;

/** Batches rows, one batch in flight while the next is checked. */
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
      const batch = this.buffered.length <= this.batchSize ? this.buffered : this.buffered.slice(0, this.batchSize);
      this.buffered = batch === this.buffered ? [] : this.buffered.slice(this.batchSize);
      this.inFlight = this.write(batch);
      // Awaited in settle(); marked handled so a failure waits there instead of crashing the process.
      this.inFlight.catch(() => undefined);
    }
    if (force) await this.settle();
  }

  /** Waits for the batch in flight; with `ignoreFailure` after a failure elsewhere, so it is not left dangling. */
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

function destination<Row>(
  batchSize: number,
  write: (rows: Row[]) => Promise<BatchCounts>,
  bulk: { append: TableAppend<Row>; restore(): Promise<void> } | null,
): Destination {
  const writer = new BatchWriter<Row>(batchSize, write);
  return {
    bulk: bulk !== null,
    add: (row) => writer.add(row as Row),
    async afterBatch(failed) {
      if (failed) writer.discard();
      else await writer.flush(false);
    },
    async finish() {
      await writer.flush(true);
      if (bulk) {
        await bulk.append.end();
        await bulk.restore();
      }
      return writer.totals;
    },
    async abandon() {
      writer.discard();
      await bulk?.append.abort();
      await writer.settle(true);
    },
  };
}

function upsert(client: ClientBase, kind: BillingFileKind, header: readonly string[]): (rows: unknown[]) => Promise<BatchCounts> {
  switch (kind) {
    case 'accounts': {
      const withPhone = header.includes('phone');
      return (rows) => upsertAccounts(client, rows as AccountRow[], { withPhone });
    }
    case 'meters':
      return (rows) => upsertMeters(client, rows as Resolved<MeterRow>[]);
    case 'payments':
      return (rows) => insertPayments(client, rows as Resolved<PaymentRow>[]);
    case 'charges':
      return (rows) => upsertCharges(client, rows as Resolved<ChargeRow>[]);
  }
}

/** Picks the path for the kind's table; call before reading anything the bulk path's lock should cover. */
export async function openDestination(client: ClientBase, kind: BillingFileKind, header: readonly string[], batchSize: number): Promise<Destination> {
  const table: BillingTable<unknown> = tableOf[kind];
  const load = await beginBulkLoad(client, table.name);
  if (!load) return destination(batchSize, upsert(client, kind, header), null);
  const append = await openAppend(client, table, batchSize);
  const write = async (rows: unknown[]): Promise<BatchCounts> => {
    await append.write(rows);
    return { inserted: rows.length, updated: 0 };
  };
  return destination(Math.min(batchSize, ROWS_PER_APPEND), write, { append, restore: () => load.restore() });
}
