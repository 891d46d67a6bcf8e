import { QueryTypes } from 'sequelize';
import type { LocalDate } from '../calendar.ts';
import type { Database } from '../../models/database.ts';

export interface ReminderKey {
  subscriberId: number;
  period: LocalDate;
  slot: string;
}

export interface Claim extends ReminderKey {
  /** Which try this is: the settle only lands if nobody re-claimed the row since (a stale lease). */
  attempt: number;
}

export interface ClaimOptions {
  now: Date;
  leaseMs: number;
  maxAttempts: number;
}

/**
 * Takes the right to send this slot's reminder to each of many subscribers, in ONE statement that the unique key
 * decides row by row: a new row is ours; an existing one is ours again only if its claim went stale (the sender
 * died before settling) or its send failed and tries are left. Rows are taken in subscriber order, so two
 * instances claiming overlapping batches wait on each other instead of deadlocking; a subscriber someone else
 * holds is simply not returned.
 */
export async function claimReminders(
  db: Database,
  batch: { period: LocalDate; slot: string; subscriberIds: number[] },
  options: ClaimOptions,
): Promise<Claim[]> {
  const ids = [...new Set(batch.subscriberIds)].sort((a, b) => a - b);
  if (ids.length === 0) return [];
  const rows = await db.sequelize.query<{ subscriber_id: number; attempts: number }>(
    `INSERT INTO reminders_sent AS r (subscriber_id, period, slot, status, attempts, claimed_at)
     SELECT id, :period, :slot, 'claimed', 1, :now FROM unnest(ARRAY[:ids]::integer[]) AS id ORDER BY id
     ON CONFLICT (subscriber_id, period, slot) DO UPDATE
        SET status = 'claimed', attempts = r.attempts + 1, claimed_at = EXCLUDED.claimed_at, error = NULL
      WHERE (r.status = 'claimed' AND r.claimed_at < :staleBefore)
         OR (r.status = 'failed' AND r.attempts < :maxAttempts)
     RETURNING subscriber_id, attempts`,
    {
      replacements: {
        ids,
        period: batch.period,
        slot: batch.slot,
        now: options.now,
        staleBefore: new Date(options.now.getTime() - options.leaseMs),
        maxAttempts: options.maxAttempts,
      },
      type: QueryTypes.SELECT,
    },
  );
  return rows.map((row) => ({ subscriberId: row.subscriber_id, period: batch.period, slot: batch.slot, attempt: row.attempts }));
}

export type SettleResult = { status: 'sent' | 'failed' | 'blocked' | 'skipped'; at: Date; error?: string };

/**
 * Records what became of many claims in ONE statement. Each row lands only under the claim (attempt) that sent
 * it, so a late answer from a dead instance cannot overwrite a newer claim. The rows are locked in key order
 * first, for the same reason as in claimReminders.
 */
export async function settleReminders(db: Database, settled: { claim: Claim; result: SettleResult }[]): Promise<void> {
  if (settled.length === 0) return;
  const column = <T>(pick: (s: { claim: Claim; result: SettleResult }) => T) => settled.map(pick);
  await db.sequelize.query(
    `WITH settled AS (
       SELECT * FROM unnest(ARRAY[:ids]::integer[], ARRAY[:periods]::date[], ARRAY[:slots]::text[], ARRAY[:attempts]::integer[],
                            ARRAY[:statuses]::text[], ARRAY[:ats]::timestamptz[], ARRAY[:errors]::text[])
           AS s(subscriber_id, period, slot, attempt, status, at, error)
     ), locked AS (
       SELECT r.subscriber_id, r.period, r.slot, s.status, s.at, s.error
         FROM reminders_sent r
         JOIN settled s ON s.subscriber_id = r.subscriber_id AND s.period = r.period AND s.slot = r.slot
        WHERE r.attempts = s.attempt AND r.status = 'claimed'
        ORDER BY r.subscriber_id, r.period, r.slot
          FOR UPDATE OF r
     )
     UPDATE reminders_sent r
        SET status = l.status, sent_at = CASE WHEN l.status = 'sent' THEN l.at END, error = l.error
       FROM locked l
      WHERE r.subscriber_id = l.subscriber_id AND r.period = l.period AND r.slot = l.slot`,
    {
      replacements: {
        ids: column((s) => s.claim.subscriberId),
        periods: column((s) => s.claim.period),
        slots: column((s) => s.claim.slot),
        attempts: column((s) => s.claim.attempt),
        statuses: column((s) => s.result.status),
        ats: column((s) => s.result.at),
        errors: column((s) => s.result.error?.slice(0, 1000) ?? null),
      },
    },
  );
}

/**
 * Takes over claims of `period` whose lease ran out (their sender died between claiming and settling), up to
 * `limit`, in ONE statement: each is ours with a new attempt, so a late settle from the dead sender cannot land
 * over it. Rows another sweep holds right now are skipped, not waited for. A claim whose senders died
 * `maxAttempts` times is given up as failed first, so one reminder that kills its sender cannot keep a slot
 * unsettled for ever.
 */
export async function reclaimExpired(
  db: Database,
  query: { period: LocalDate; limit: number },
  options: ClaimOptions,
): Promise<Claim[]> {
  const staleBefore = new Date(options.now.getTime() - options.leaseMs);
  await db.sequelize.query(
    `UPDATE reminders_sent SET status = 'failed', error = 'the sender died before settling, ' || attempts || ' times'
      WHERE status = 'claimed' AND claimed_at < :staleBefore AND period = :period AND attempts >= :maxAttempts`,
    { replacements: { staleBefore, period: query.period, maxAttempts: options.maxAttempts } },
  );
  const rows = await db.sequelize.query<{ subscriber_id: number; slot: string; attempts: number }>(
    `WITH stale AS (
       SELECT subscriber_id, period, slot FROM reminders_sent
        WHERE status = 'claimed' AND claimed_at < :staleBefore AND period = :period
        ORDER BY subscriber_id, period, slot
        LIMIT :limit
          FOR UPDATE SKIP LOCKED
     )
     UPDATE reminders_sent r SET attempts = r.attempts + 1, claimed_at = :now
       FROM stale s
      WHERE r.subscriber_id = s.subscriber_id AND r.period = s.period AND r.slot = s.slot
     RETURNING r.subscriber_id, r.slot, r.attempts`,
    { replacements: { staleBefore, period: query.period, limit: query.limit, now: options.now }, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ subscriberId: row.subscriber_id, period: query.period, slot: row.slot, attempt: row.attempts }));
}

/** Claims of a slot not settled yet: sends in flight somewhere, or senders that died (sent again after the lease). */
export async function openClaims(db: Database, key: { period: LocalDate; slot: string }): Promise<number> {
  const [row] = await db.sequelize.query<{ open: number }>(
    `SELECT count(*)::integer AS open FROM reminders_sent WHERE slot = :slot AND period = :period AND status = 'claimed'`,
    { replacements: key, type: QueryTypes.SELECT },
  );
  return row?.open ?? 0;
}
