import { QueryTypes, type Sequelize } from 'sequelize';
import { Coalescer } from '../core/coalescer.ts';

export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** The most tokens the bucket holds: how many may go at once after a quiet spell. */
  burst: number;
}

/**
 * A token bucket kept in PostgreSQL: every instance draws from the same row, so "30 messages a second"
 * means 30 for the deployment, not 30 per process. Taking always succeeds and may leave the bucket in
 * debt; the debt is the taker's wait, so takers queue up in the order the row lock hands them their
 * turn and the sustained rate is exactly `perSecond`. Nothing is held across the wait.
 */
export class SharedRateLimiter {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Reserves the next slot of `key` and waits for it. */
  async take(key: string, limit: RateLimit): Promise<void> {
    const waitMs = await this.reserve(key, limit);
    if (waitMs > 0) await this.sleep(waitMs);
  }

  /** Reserves the next slot of `key`; returns how many ms from now it comes (0: now). */
  async reserve(key: string, limit: RateLimit): Promise<number> {
    const [row] = await this.sequelize.query<{ tokens: number }>(
      `INSERT INTO rate_buckets AS b (key, tokens, updated_at)
         VALUES (:key, :burst::double precision - 1, clock_timestamp())
       ON CONFLICT (key) DO UPDATE SET
         tokens = LEAST(:burst::double precision,
                        b.tokens + EXTRACT(EPOCH FROM clock_timestamp() - b.updated_at)::double precision * :perSecond) - 1,
         updated_at = clock_timestamp()
       RETURNING tokens`,
      { replacements: { key, burst: limit.burst, perSecond: limit.perSecond }, type: QueryTypes.SELECT },
    );
    if (!row) throw new Error('rate bucket did not answer');
    return row.tokens >= 0 ? 0 : Math.ceil((-row.tokens / limit.perSecond) * 1000);
  }

  /**
   * Reserves the next `count` slots of `key` in one statement (one commit on the shared row however many): the
   * ms from now until each comes, in order (0: now). The same bucket arithmetic as `count` calls of `reserve`.
   */
  async reserveMany(key: string, limit: RateLimit, count: number): Promise<number[]> {
    if (!Number.isInteger(count) || count < 1) throw new Error('count must be a positive integer');
    const [row] = await this.sequelize.query<{ tokens: number }>(
      `INSERT INTO rate_buckets AS b (key, tokens, updated_at)
         VALUES (:key, :burst::double precision - :count, clock_timestamp())
       ON CONFLICT (key) DO UPDATE SET
         tokens = LEAST(:burst::double precision,
                        b.tokens + EXTRACT(EPOCH FROM clock_timestamp() - b.updated_at)::double precision * :perSecond) - :count,
         updated_at = clock_timestamp()
       RETURNING tokens`,
      { replacements: { key, burst: limit.burst, perSecond: limit.perSecond, count }, type: QueryTypes.SELECT },
    );
    if (!row) throw new Error('rate bucket did not answer');
    const after = Number(row.tokens);
    // The i-th token leaves the bucket at after + (count - 1 - i): in debt, it comes when the refill pays that back.
    return Array.from({ length: count }, (_, i) => {
      const balance = after + (count - 1 - i);
      return balance >= 0 ? 0 : Math.ceil((-balance / limit.perSecond) * 1000);
    });
  }

  /**
   * Takes a token only if one is free now; a refusal changes nothing and says how long until one will be.
   * For work that can be put back (an outbox entry) rather than held waiting for minutes.
   */
  async tryTake(key: string, limit: RateLimit): Promise<{ taken: true } | { taken: false; waitMs: number }> {
    // One statement: the row lock makes instances take turns; the very first take creates the bucket, less itself.
    const [row] = await this.sequelize.query<{ available: number; taken: boolean }>(
      `WITH seeded AS (
         INSERT INTO rate_buckets (key, tokens, updated_at) VALUES (:key, :burst::double precision - 1, clock_timestamp())
         ON CONFLICT (key) DO NOTHING
         RETURNING key
       ), cur AS (
         SELECT key, LEAST(:burst::double precision,
                           tokens + EXTRACT(EPOCH FROM clock_timestamp() - updated_at)::double precision * :perSecond) AS available
           FROM rate_buckets WHERE key = :key FOR UPDATE
       ), took AS (
         UPDATE rate_buckets b SET tokens = cur.available - 1, updated_at = clock_timestamp()
           FROM cur WHERE b.key = cur.key AND cur.available >= 1
         RETURNING b.key
       )
       SELECT COALESCE((SELECT available FROM cur), :burst::double precision) AS available,
              EXISTS (SELECT 1 FROM took) OR EXISTS (SELECT 1 FROM seeded) AS taken`,
      { replacements: { key, burst: limit.burst, perSecond: limit.perSecond }, type: QueryTypes.SELECT },
    );
    if (!row) throw new Error('rate bucket did not answer');
    if (row.taken) return { taken: true };
    return { taken: false, waitMs: Math.max(1, Math.ceil(((1 - Number(row.available)) / limit.perSecond) * 1000)) };
  }
}

/**
 * `take` for many concurrent takers in one process (the reminder workers): the takers waiting at the same
 * moment reserve their slots in one statement (`reserveMany`), so the shared row sees one commit per batch, not
 * per message. Every slot reserved has a taker waiting for it, so none is wasted and the bucket's arithmetic,
 * and with it the deployment-wide rate, is unchanged.
 */
export class BatchingRateLimiter {
  private readonly byKey = new Map<string, Coalescer<RateLimit, number>>();

  constructor(
    private readonly limiter: SharedRateLimiter,
    private readonly options: { maxBatch?: number; sleep?: (ms: number) => Promise<void> } = {},
  ) {}

  async take(key: string, limit: RateLimit): Promise<void> {
    let coalescer = this.byKey.get(key);
    if (!coalescer) {
      // A batch is reserved under the limit its first taker gives; takers of one key pass the same one.
      coalescer = new Coalescer<RateLimit, number>((limits) => this.limiter.reserveMany(key, limits[0]!, limits.length), this.options.maxBatch ?? 100);
      this.byKey.set(key, coalescer);
    }
    const waitMs = await coalescer.submit(limit);
    if (waitMs > 0) await (this.options.sleep ?? defaultSleep)(waitMs);
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
