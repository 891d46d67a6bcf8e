import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../models/database.ts';

/** Where one subscriber is in a flow: plain JSON, kept in viber_conversations. */
export interface FlowState {
  flow: string;
  step: string;
  data: Record<string, unknown>;
}

export class SubscriberBusyError extends Error {
  constructor(readonly viberUserId: string) {
    super('another handler kept this Viber subscriber too long');
    this.name = 'SubscriberBusyError';
  }
}

export interface ViberStateStore {
  /** True the first time a message token is seen, false for a redelivery. */
  claimToken(token: string): Promise<boolean>;
  /**
   * Runs `work` while this subscriber is leased to it (one handler at a time, across instances) and saves the
   * state it returns (null ends the flow). A failed `work` keeps the previous state.
   */
  withSubscriber<T>(viberUserId: string, work: (state: FlowState | null) => Promise<{ state: FlowState | null; result: T }>): Promise<T>;
  /** Forgets tokens older than the redelivery horizon; also done now and then by claimToken. */
  pruneTokens(): Promise<number>;
}

export interface StateStoreOptions {
  db: Database;
  clock: Clock;
  /** How long a flow waits for the subscriber's next step before it is forgotten. */
  flowTtlMs?: number;
  /** A handler that dies keeps the subscriber at most this long. */
  leaseMs?: number;
  /** How long a second handler waits for the lease before giving up. */
  waitMs?: number;
  tokenRetentionMs?: number;
}

interface ConversationRow {
  flow: string | null;
  step: string | null;
  data: Record<string, unknown> | null;
  expires_at: Date | null;
}

/**
 * Leases are rows, not transactions or advisory locks: a handler calls core use cases that open their own
 * transactions, and the embedded database runs one transaction at a time, so no transaction may stay open
 * around a handler. Lease times use the database's clock (two instances agree on it); flow expiry uses the
 * injected clock, like every other rule.
 */
export function createStateStore(options: StateStoreOptions): ViberStateStore {
  const { db, clock } = options;
  const flowTtlMs = options.flowTtlMs ?? 24 * 3_600_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const waitMs = options.waitMs ?? 30_000;
  const tokenRetentionMs = options.tokenRetentionMs ?? 7 * 24 * 3_600_000;
  // Within one instance handlers of one subscriber queue here, so only other instances ever wait on the lease.
  const queues = new Map<string, Promise<unknown>>();
  let claimsSincePrune = 0;

  async function acquire(viberUserId: string, owner: string): Promise<FlowState | null> {
    const deadline = Date.now() + waitMs;
    let pause = 25;
    for (;;) {
      const rows = await db.sequelize.query<ConversationRow>(
        `INSERT INTO viber_conversations (viber_user_id, lease_owner, lease_until, updated_at)
         VALUES (:viberUserId, :owner, clock_timestamp() + make_interval(secs => :leaseSeconds), :now)
         ON CONFLICT (viber_user_id) DO UPDATE
           SET lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until
           WHERE viber_conversations.lease_until IS NULL OR viber_conversations.lease_until < clock_timestamp()
         RETURNING flow, step, data, expires_at`,
        { replacements: { viberUserId, owner, leaseSeconds: leaseMs / 1000, now: clock.now() }, type: QueryTypes.SELECT },
      );
      const row = rows[0];
      if (row) {
        if (!row.flow || !row.step) return null;
        if (row.expires_at && new Date(row.expires_at).getTime() <= clock.now().getTime()) return null;
        return { flow: row.flow, step: row.step, data: row.data ?? {} };
      }
      if (Date.now() >= deadline) throw new SubscriberBusyError(viberUserId);
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 500);
    }
  }

  async function release(viberUserId: string, owner: string, state: FlowState | null | undefined): Promise<boolean> {
    const now = clock.now();
    const keep = state === undefined;
    const rows = await db.sequelize.query<{ viber_user_id: string }>(
      keep
        ? `UPDATE viber_conversations SET lease_owner = NULL, lease_until = NULL
           WHERE viber_user_id = :viberUserId AND lease_owner = :owner RETURNING viber_user_id`
        : `UPDATE viber_conversations
           SET flow = :flow, step = :step, data = CAST(:data AS jsonb), updated_at = :now, expires_at = :expiresAt,
               lease_owner = NULL, lease_until = NULL
           WHERE viber_user_id = :viberUserId AND lease_owner = :owner RETURNING viber_user_id`,
      {
        replacements: {
          viberUserId,
          owner,
          flow: state?.flow ?? null,
          step: state?.step ?? null,
          data: JSON.stringify(state?.data ?? {}),
          now,
          expiresAt: state ? new Date(now.getTime() + flowTtlMs) : null,
        },
        type: QueryTypes.SELECT,
      },
    );
    return rows.length > 0;
  }

  async function pruneTokens(): Promise<number> {
    const cutoff = new Date(clock.now().getTime() - tokenRetentionMs);
    const [row] = await db.sequelize.query<{ n: number }>(
      `WITH gone AS (DELETE FROM viber_processed_tokens WHERE processed_at < :cutoff RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      { replacements: { cutoff }, type: QueryTypes.SELECT },
    );
    return row?.n ?? 0;
  }

  return {
    async claimToken(token) {
      const rows = await db.sequelize.query<{ message_token: string }>(
        `INSERT INTO viber_processed_tokens (message_token, processed_at) VALUES (:token, :now)
         ON CONFLICT (message_token) DO NOTHING RETURNING message_token`,
        { replacements: { token, now: clock.now() }, type: QueryTypes.SELECT },
      );
      claimsSincePrune += 1;
      if (claimsSincePrune >= 1000) {
        claimsSincePrune = 0;
        await pruneTokens();
      }
      return rows.length > 0;
    },

    withSubscriber(viberUserId, work) {
      const previous = queues.get(viberUserId) ?? Promise.resolve();
      const run = previous.then(async () => {
        const owner = randomUUID();
        const state = await acquire(viberUserId, owner);
        let outcome: Awaited<ReturnType<typeof work>>;
        try {
          outcome = await work(state);
        } catch (error) {
          await release(viberUserId, owner, undefined).catch(() => undefined);
          throw error;
        }
        await release(viberUserId, owner, outcome.state);
        return outcome.result;
      });
      const settled = run.catch(() => undefined);
      queues.set(viberUserId, settled);
      void settled.then(() => {
        if (queues.get(viberUserId) === settled) queues.delete(viberUserId);
      });
      return run;
    },

    pruneTokens,
  };
}
