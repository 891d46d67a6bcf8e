import { QueryTypes } from 'sequelize';
import type { Database } from '../../models/database.ts';
import type { OutageChange } from './types.ts';

// The claims of outage notices, one row per outage, change and subscriber (outage_notices), the way
// core/reminders/claims.ts does it for reminders: claimed before the send, settled after, in batched statements
// whose rows are taken in key order (two instances on the same change wait on each other, never deadlock).

export interface NoticeKey {
  outageId: number;
  change: OutageChange;
}

export interface NoticeClaim extends NoticeKey {
  subscriberId: number;
  attempt: number;
}

export interface ClaimOptions {
  now: Date;
  leaseMs: number;
  maxAttempts: number;
}

export type NoticeStatus = 'sent' | 'failed' | 'blocked' | 'skipped';

/** Takes the right to send this change's notice to each subscriber given; those held by someone else, or done, are not returned. */
export async function claimNotices(db: Database, key: NoticeKey, subscriberIds: number[], options: ClaimOptions): Promise<NoticeClaim[]> {
  const ids = [...new Set(subscriberIds)].sort((a, b) => a - b);
  if (ids.length === 0) return [];
  const rows = await db.sequelize.query<{ subscriber_id: number; attempts: number }>(
    `INSERT INTO outage_notices AS n (outage_id, change, subscriber_id, status, attempts, claimed_at)
     SELECT :outageId, :change, id, 'claimed', 1, :now FROM unnest(ARRAY[:ids]::integer[]) AS id ORDER BY id
     ON CONFLICT (outage_id, change, subscriber_id) DO UPDATE
        SET status = 'claimed', attempts = n.attempts + 1, claimed_at = EXCLUDED.claimed_at, error = NULL
      WHERE (n.status = 'claimed' AND n.claimed_at < :staleBefore)
         OR (n.status = 'failed' AND n.attempts < :maxAttempts)
     RETURNING subscriber_id, attempts`,
    {
      replacements: { outageId: key.outageId, change: key.change, ids, now: options.now, staleBefore: new Date(options.now.getTime() - options.leaseMs), maxAttempts: options.maxAttempts },
      type: QueryTypes.SELECT,
    },
  );
  return rows.map((row) => ({ outageId: key.outageId, change: key.change, subscriberId: row.subscriber_id, attempt: row.attempts }));
}

export interface Settled {
  claim: NoticeClaim;
  status: NoticeStatus;
  at: Date;
  error?: string;
}

/** Records what became of many claims in one statement; each lands only under the attempt that sent it. */
export async function settleNotices(db: Database, settled: Settled[]): Promise<void> {
  if (settled.length === 0) return;
  const column = <T>(pick: (s: Settled) => T) => settled.map(pick);
  await db.sequelize.query(
    `WITH settled AS (
       SELECT * FROM unnest(ARRAY[:outageIds]::integer[], ARRAY[:changes]::text[], ARRAY[:ids]::integer[], ARRAY[:attempts]::integer[],
                            ARRAY[:statuses]::text[], ARRAY[:ats]::timestamptz[], ARRAY[:errors]::text[])
           AS s(outage_id, change, subscriber_id, attempt, status, at, error)
     ), locked AS (
       SELECT n.outage_id, n.change, n.subscriber_id, s.status, s.at, s.error
         FROM outage_notices n
         JOIN settled s ON s.outage_id = n.outage_id AND s.change = n.change AND s.subscriber_id = n.subscriber_id
        WHERE n.attempts = s.attempt AND n.status = 'claimed'
        ORDER BY n.outage_id, n.change, n.subscriber_id
          FOR UPDATE OF n
     )
     UPDATE outage_notices n
        SET status = l.status, sent_at = CASE WHEN l.status = 'sent' THEN l.at END, error = l.error
       FROM locked l
      WHERE n.outage_id = l.outage_id AND n.change = l.change AND n.subscriber_id = l.subscriber_id`,
    {
      replacements: {
        outageIds: column((s) => s.claim.outageId),
        changes: column((s) => s.claim.change),
        ids: column((s) => s.claim.subscriberId),
        attempts: column((s) => s.claim.attempt),
        statuses: column((s) => s.status),
        ats: column((s) => s.at),
        errors: column((s) => s.error?.slice(0, 1000) ?? null),
      },
    },
  );
}

/**
 * Takes over, for a change, claims whose sender died (the lease ran out) and failed sends with tries left
 * (after `retryAfterMs`), up to `limit`; rows another instance is taking over right now are skipped. A claim
 * whose senders died `maxAttempts` times is given up as failed first.
 */
export async function reclaimNotices(db: Database, key: NoticeKey, limit: number, options: ClaimOptions & { retryAfterMs: number }): Promise<NoticeClaim[]> {
  const staleBefore = new Date(options.now.getTime() - options.leaseMs);
  const retryBefore = new Date(options.now.getTime() - options.retryAfterMs);
  await db.sequelize.query(
    `UPDATE outage_notices SET status = 'failed', error = 'the sender died before settling, ' || attempts || ' times'
      WHERE outage_id = :outageId AND change = :change AND status = 'claimed' AND claimed_at < :staleBefore AND attempts >= :maxAttempts`,
    { replacements: { outageId: key.outageId, change: key.change, staleBefore, maxAttempts: options.maxAttempts } },
  );
  const rows = await db.sequelize.query<{ subscriber_id: number; attempts: number }>(
    `WITH stale AS (
       SELECT outage_id, change, subscriber_id FROM outage_notices
        WHERE outage_id = :outageId AND change = :change
          AND ((status = 'claimed' AND claimed_at < :staleBefore) OR (status = 'failed' AND attempts < :maxAttempts AND claimed_at < :retryBefore))
        ORDER BY outage_id, change, subscriber_id
        LIMIT :limit
          FOR UPDATE SKIP LOCKED
     )
     UPDATE outage_notices n SET status = 'claimed', attempts = n.attempts + 1, claimed_at = :now, error = NULL
       FROM stale s
      WHERE n.outage_id = s.outage_id AND n.change = s.change AND n.subscriber_id = s.subscriber_id
     RETURNING n.subscriber_id, n.attempts`,
    { replacements: { outageId: key.outageId, change: key.change, staleBefore, retryBefore, maxAttempts: options.maxAttempts, limit, now: options.now }, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ outageId: key.outageId, change: key.change, subscriberId: row.subscriber_id, attempt: row.attempts }));
}

/** Notices of a change still to settle or retry: while any is left, the change is not done. */
export async function unsettledNotices(db: Database, key: NoticeKey, maxAttempts: number): Promise<number> {
  const [row] = await db.sequelize.query<{ open: number }>(
    `SELECT count(*)::integer AS open FROM outage_notices
      WHERE outage_id = :outageId AND change = :change AND (status = 'claimed' OR (status = 'failed' AND attempts < :maxAttempts))`,
    { replacements: { outageId: key.outageId, change: key.change, maxAttempts }, type: QueryTypes.SELECT },
  );
  return row?.open ?? 0;
}
