import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Database } from '../../models/database.ts';
import type { FlowState } from '../flows/runner.ts';

// Viber's callbacks, kept in PostgreSQL before the webhook answers 200 (viber_inbox), and handled from there in
// each subscriber's order. One handler at a time works on a subscriber, across instances, through a lease on
// the subscriber's viber_conversations row: a row, not a transaction or an advisory lock, because a handler calls
// core use cases that open transactions of their own, and the embedded database runs one transaction at a time.
// Lease times use the database's clock, which every instance shares.

/** One kept callback, as the handler takes it. */
export interface InboxEntry {
  token: string;
  /** The callback as parsed at the webhook (plain JSON). */
  event: unknown;
  /** Failed attempts so far. */
  attempts: number;
}

export type InboxOutcome = 'handled' | 'answered-error' | 'gave-up';

/** A subscriber held by this handler: their conversation's state and their kept callbacks, oldest first. */
export interface SubscriberLease {
  readonly viberUserId: string;
  /** The stored state of the subscriber's flow (null: none), as the last finished callback left it. */
  readonly state: FlowState | null;
  /** The oldest callback not handled yet, or null when there is none or it must wait for a retry. */
  next(): Promise<InboxEntry | null>;
  /**
   * Stores the state and marks the callback done, in one statement, so neither is kept without the other.
   * False when the lease was lost (another handler took the subscriber after it ran out): nothing is written.
   */
  finish(entry: InboxEntry, state: FlowState | null, outcome: InboxOutcome): Promise<boolean>;
  /** Leaves the callback to be handled again after `delayMs` (and everything after it waits). */
  retryLater(entry: InboxEntry, delayMs: number): Promise<void>;
  release(): Promise<void>;
}

export interface ViberInbox {
  /** Keeps a callback for a subscriber; false when a callback with this token was kept before (a redelivery). */
  keep(token: string, viberUserId: string, event: unknown): Promise<boolean>;
  /** Leases the subscriber to the caller, or null while another handler holds them. */
  lease(viberUserId: string): Promise<SubscriberLease | null>;
  /** Whether the subscriber has a callback that could be handled now. */
  hasReady(viberUserId: string): Promise<boolean>;
  /** Subscribers with callbacks that could be handled now and no live lease (a dead instance's, or never taken). */
  orphans(limit: number): Promise<string[]>;
  /** Forgets handled callbacks older than the redelivery horizon. */
  prune(olderThanMs: number): Promise<number>;
}

export interface InboxOptions {
  db: Database;
  /** A handler that dies keeps its subscriber at most this long. */
  leaseMs: number;
}

interface InboxRow {
  message_token: string;
  event: unknown;
  attempts: number;
  ready: boolean;
}

export function createViberInbox(options: InboxOptions): ViberInbox {
  const { db } = options;
  const leaseSeconds = options.leaseMs / 1000;
  const select = <T extends object>(sql: string, replacements: Record<string, unknown>) =>
    db.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });

  async function lease(viberUserId: string): Promise<SubscriberLease | null> {
    const owner = randomUUID();
    const [row] = await select<{ state: FlowState | null }>(
      `INSERT INTO viber_conversations (viber_user_id, lease_owner, lease_until, updated_at)
       VALUES (:viberUserId, :owner, clock_timestamp() + make_interval(secs => :leaseSeconds), now())
       ON CONFLICT (viber_user_id) DO UPDATE
         SET lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until
         WHERE viber_conversations.lease_until IS NULL OR viber_conversations.lease_until < clock_timestamp()
       RETURNING state`,
      { viberUserId, owner, leaseSeconds },
    );
    if (!row) return null;
    let state = row.state ?? null;
    return {
      viberUserId,
      get state() {
        return state;
      },
      async next() {
        const [entry] = await select<InboxRow>(
          `SELECT message_token, event, attempts, (not_before IS NULL OR not_before <= clock_timestamp()) AS ready
           FROM viber_inbox WHERE viber_user_id = :viberUserId AND done_at IS NULL ORDER BY seq LIMIT 1`,
          { viberUserId },
        );
        // `seq` is the order the callbacks were kept in, which is Viber's order for one subscriber (Viber posts a
        // subscriber's callbacks one after another). A callback waiting for its retry holds back the ones after it.
        return entry && entry.ready ? { token: entry.message_token, event: entry.event, attempts: entry.attempts } : null;
      },
      async finish(entry, next, outcome) {
        // One statement: the state and the done mark commit together, and only while the lease is ours and the
        // callback is still open (a handler that outlived its lease must not overwrite the newer holder's work).
        const rows = await select<{ message_token: string }>(
          `WITH open AS (
             SELECT 1 FROM viber_inbox WHERE message_token = :token AND done_at IS NULL
           ), conversation AS (
             UPDATE viber_conversations
             SET state = CAST(:state AS jsonb), updated_at = now(),
                 lease_until = clock_timestamp() + make_interval(secs => :leaseSeconds)
             WHERE viber_user_id = :viberUserId AND lease_owner = :owner AND EXISTS (SELECT 1 FROM open)
             RETURNING 1
           )
           UPDATE viber_inbox SET done_at = clock_timestamp(), outcome = :outcome
           WHERE message_token = :token AND done_at IS NULL AND EXISTS (SELECT 1 FROM conversation)
           RETURNING message_token`,
          { token: entry.token, state: next === null ? null : JSON.stringify(next), leaseSeconds, viberUserId, owner, outcome },
        );
        if (rows.length === 0) return false;
        state = next;
        return true;
      },
      async retryLater(entry, delayMs) {
        await db.sequelize.query(
          `UPDATE viber_inbox SET attempts = attempts + 1, not_before = clock_timestamp() + make_interval(secs => :seconds)
           WHERE message_token = :token AND done_at IS NULL`,
          { replacements: { token: entry.token, seconds: delayMs / 1000 } },
        );
      },
      async release() {
        await db.sequelize.query(
          `UPDATE viber_conversations SET lease_owner = NULL, lease_until = NULL WHERE viber_user_id = :viberUserId AND lease_owner = :owner`,
          { replacements: { viberUserId, owner } },
        );
      },
    };
  }

  return {
    async keep(token, viberUserId, event) {
      const rows = await select<{ message_token: string }>(
        `INSERT INTO viber_inbox (message_token, viber_user_id, event) VALUES (:token, :viberUserId, CAST(:event AS jsonb))
         ON CONFLICT (message_token) DO NOTHING RETURNING message_token`,
        { token, viberUserId, event: JSON.stringify(event) },
      );
      return rows.length > 0;
    },
    lease,
    async hasReady(viberUserId) {
      const rows = await select<{ one: number }>(
        `SELECT 1 AS one FROM viber_inbox
         WHERE viber_user_id = :viberUserId AND done_at IS NULL AND (not_before IS NULL OR not_before <= clock_timestamp()) LIMIT 1`,
        { viberUserId },
      );
      return rows.length > 0;
    },
    async orphans(limit) {
      const rows = await select<{ viber_user_id: string }>(
        `SELECT DISTINCT i.viber_user_id FROM viber_inbox i
         WHERE i.done_at IS NULL AND (i.not_before IS NULL OR i.not_before <= clock_timestamp())
           AND NOT EXISTS (SELECT 1 FROM viber_conversations c
                           WHERE c.viber_user_id = i.viber_user_id AND c.lease_until >= clock_timestamp())
         LIMIT :limit`,
        { limit },
      );
      return rows.map((r) => r.viber_user_id);
    },
    async prune(olderThanMs) {
      const [row] = await select<{ n: number }>(
        `WITH gone AS (DELETE FROM viber_inbox WHERE done_at < clock_timestamp() - make_interval(secs => :seconds) RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        { seconds: olderThanMs / 1000 },
      );
      return row?.n ?? 0;
    },
  };
}
