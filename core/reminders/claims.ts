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
