import { QueryTypes, type Sequelize } from 'sequelize';

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
