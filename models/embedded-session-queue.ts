import type { PGlite } from '@electric-sql/pglite';

/**
 * The order in which the embedded server hands its connections' protocol messages to PGlite's one session.
 *
 * pglite-socket (0.2.17) queues single messages and keeps a connection's turn only inside an explicit
 * transaction. An extended-protocol query (Parse, Bind, Describe, Execute, Sync) is in no transaction between its
 * messages, so two connections querying at once interleave: one's Parse replaces the other's unnamed statement,
 * which then binds to the wrong SQL — "unnamed prepared statement does not exist" at best, rows of another query
 * at worst. And a message PGlite throws on leaves that queue stopped for good. Both are open upstream
 * (electric-sql/pglite#1046); until a release fixes them, this queue takes the library's place.
 *
 * A connection keeps its turn from its first message until it reaches a point where the session is idle: after a
 * Sync, a simple Query or a start-up message, when no transaction block is open.
 */
export class EmbeddedSessionQueue {
  private readonly waiting: QueuedMessage[] = [];
  private running = false;
  /** The connection whose turn it is; null when the session is idle and any may go. */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.run();
    });
  }

  getQueueLength(): number {
    return this.waiting.length;
  }

  /** A connection went away: what it still had queued is dropped. */
  clearQueueForHandler(handlerId: number): void {
    for (let i = this.waiting.length - 1; i >= 0; i -= 1) {
      const item = this.waiting[i]!;
      if (item.handlerId !== handlerId) continue;
      this.waiting.splice(i, 1);
      item.reject(new Error('the connection closed'));
    }
  }

  /**
   * A connection went away: if it was in its turn, what it left open — a transaction, or a query sent in part — is
   * rolled back, as a server rolls back a dropped connection's work, before anyone else goes on.
   */
  clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiting.unshift({ handlerId, abandon: true, resolve: () => resolve(), reject: () => resolve() });
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        if (item.abandon) {
          if (this.owner === item.handlerId) await this.rollBackAbandoned();
          this.owner = null;
          item.resolve(0);
          continue;
        }
        this.owner = item.handlerId;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
          item.resolve(bytes);
        } catch (error) {
          item.reject(error);
        }
        this.owner = endsTurn(item.message) && !this.db.isInTransaction() ? null : item.handlerId;
      }
    } finally {
      this.running = false;
    }
  }

  private async rollBackAbandoned(): Promise<void> {
    // ROLLBACK as a simple query also aborts the implicit transaction of a half-sent extended query; the Sync after
    // it ends the skipping a backend does after an error in one (during which it would have ignored the ROLLBACK).
    for (const message of [ROLLBACK, SYNC]) {
      await this.db.runExclusive(() => this.db.execProtocolRaw(message)).catch(() => undefined);
    }
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => undefined);
  }

  /** The owner's next message (none yet: wait for it), or anyone's when the session is idle. */
  private next(): QueuedMessage | undefined {
    if (this.owner === null) return this.waiting.shift();
    const at = this.waiting.findIndex((item) => item.handlerId === this.owner);
    return at === -1 ? undefined : this.waiting.splice(at, 1)[0];
  }
}

type QueuedMessage =
  | { handlerId: number; abandon?: false; message: Uint8Array; onData: (data: Uint8Array) => void; resolve: (bytes: number) => void; reject: (error: unknown) => void }
  | { handlerId: number; abandon: true; resolve: (bytes: number) => void; reject: (error: unknown) => void };

const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);
const ROLLBACK = simpleQuery('ROLLBACK');

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message.write('Q', 0, 'ascii');
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return new Uint8Array(message);
}

/** Sync ('S'), a simple Query ('Q'), Terminate ('X'), or a start-up message (no type byte: it opens with its length). */
function endsTurn(message: Uint8Array): boolean {
  const type = message[0];
  return type === 0x53 || type === 0x51 || type === 0x58 || type === 0;
}
