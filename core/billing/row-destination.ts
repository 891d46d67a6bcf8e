import type { ClientBase } from 'pg';
import { openAppend, type TableAppend } from './append-rows.ts';
import { tableOf, type BillingTable, type Resolved } from './billing-tables.ts';
import { beginBulkLoad } from './bulk-load.ts';
import type { AccountRow, BillingFileKind, ChargeRow, MeterRow, PaymentRow } from './file-kinds.ts';
import { KeyRegister, type CheckedRow, type KeyOf, type Repeat } from './repeated-keys.ts';
import { insertPayments, upsertAccounts, upsertCharges, upsertMeters, type BatchCounts } from './upsert-batch.ts';

export type { CheckedRow } from './repeated-keys.ts';

/**
 * Where the checked rows of one file go, inside the import's transaction: upserted into a table that has rows
 * (the incremental path), or loaded into an empty one with its keys rebuilt afterwards (the bulk path). Rows
 * are held a batch at a time, never the file's.
 */
export interface Destination {
  /** The bulk path: the table was empty, and has no unique index until finish(). */
  bulk: boolean;
  add(row: CheckedRow): void;
  /** After each batch of records; once the file is known to be bad (`failed`), its rows are dropped and nothing more goes out. */
  afterBatch(failed: boolean): Promise<void>;
  /** Every row written, and on the bulk path the keys and indexes back: ready to commit, unless a repeat was found. */
  finish(): Promise<BatchCounts>;
  /** Stops what is in flight, so the transaction can be rolled back. */
  abandon(): Promise<void>;
}

/** Before the header is read: nothing to write or stop. */
export const nowhere: Destination = {
  bulk: false,
  add: () => undefined,
  afterBatch: async () => undefined,
  finish: async () => ({ inserted: 0, updated: 0 }),
  abandon: async () => undefined,
};

/** Rows the destination took in and the batches it sent: what holds memory, for tests and the bench to watch. */
export interface DestinationStats {
  batches: number;
  /** The most rows held at once, waiting for their batch or in it. */
  mostHeld: number;
}

/** On the bulk path rows are handed on a read's worth at a time, to become COPY text while they are young. */
const ROWS_PER_APPEND = 1000;

/** Batches rows, one batch in flight while the next is checked. */
class BatchWriter<Row> {
  private buffered: Row[] = [];
  private inFlight: Promise<BatchCounts> | null = null;
  private inFlightRows = 0;
  readonly totals: BatchCounts = { inserted: 0, updated: 0 };
  constructor(
    private readonly batchSize: number,
    private readonly write: (rows: Row[]) => Promise<BatchCounts>,
    private readonly stats: DestinationStats,
  ) {}

  add(row: Row): void {
    this.buffered.push(row);
    const held = this.buffered.length + this.inFlightRows;
    if (held > this.stats.mostHeld) this.stats.mostHeld = held;
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
      this.inFlightRows = batch.length;
      this.stats.batches += 1;
      // Awaited in settle(); marked handled so a failure waits there instead of crashing the process.
      this.inFlight.catch(() => undefined);
    }
    if (force) await this.settle();
  }

  /** Waits for the batch in flight; with `ignoreFailure` after a failure elsewhere, so it is not left dangling. */
  async settle(ignoreFailure = false): Promise<void> {
    const pending = this.inFlight;
    this.inFlight = null;
    this.inFlightRows = 0;
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

function destination(
  batchSize: number,
  write: (rows: CheckedRow[]) => Promise<BatchCounts>,
  bulk: { append: TableAppend<unknown>; restore(): Promise<void> } | null,
  stats: DestinationStats,
): Destination {
  const writer = new BatchWriter<CheckedRow>(batchSize, write, stats);
  return {
    bulk: bulk !== null,
    add: (row) => writer.add(row),
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

const noCounts = (): BatchCounts => ({ inserted: 0, updated: 0 });

export interface DestinationOptions {
  batchSize: number;
  keyOf: KeyOf;
  /** Told of records whose key an earlier record of the file had (the file is bad then). */
  onRepeats(repeats: Repeat[]): void;
  stats: DestinationStats;
}

/**
 * Picks the path for the kind's table; call before reading anything the bulk path's lock should cover. On the
 * incremental path each batch's keys are registered first (see KeyRegister): a batch with a repeat is not
 * written, as an upsert cannot take one key twice. The bulk path leaves repeats to the unique indexes it rebuilds.
 */
export async function openDestination(client: ClientBase, kind: BillingFileKind, header: readonly string[], options: DestinationOptions): Promise<Destination> {
  const table: BillingTable<unknown> = tableOf[kind];
  const load = await beginBulkLoad(client, table.name);
  if (!load) {
    const keys = new KeyRegister(client, options.keyOf);
    const write = upsert(client, kind, header);
    const registerThenWrite = async (rows: CheckedRow[]): Promise<BatchCounts> => {
      const repeats = await keys.register(rows);
      if (repeats.length === 0) return write(rows.map((r) => r.row));
      options.onRepeats(repeats);
      return noCounts();
    };
    return destination(options.batchSize, registerThenWrite, null, options.stats);
  }
  const append = await openAppend(client, table, options.batchSize);
  const write = async (rows: CheckedRow[]): Promise<BatchCounts> => {
    await append.write(rows.map((r) => r.row));
    return { inserted: rows.length, updated: 0 };
  };
  return destination(Math.min(options.batchSize, ROWS_PER_APPEND), write, { append, restore: () => load.restore() }, options.stats);
}

/** For a reading that only checks: nothing is written, but every key is registered, to find each repeat. */
export function keysOnly(client: ClientBase, options: DestinationOptions): Destination {
  const keys = new KeyRegister(client, options.keyOf);
  const register = async (rows: CheckedRow[]): Promise<BatchCounts> => {
    const repeats = await keys.register(rows);
    if (repeats.length > 0) options.onRepeats(repeats);
    return noCounts();
  };
  return destination(options.batchSize, register, null, options.stats);
}
