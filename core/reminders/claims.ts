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

/**
 * Takes the right to send this slot's reminder, in one statement that the unique key decides: a new row is
 * ours; an existing one is ours again only if its claim went stale (the sender died before settling) or its
 * send failed and tries are left. Two instances on the same row: the second waits for the first's row lock,
 * then sees a fresh claim and gets nothing.
 */
export async function claimReminder(
  db: Database,
  key: ReminderKey,
  options: { now: Date; leaseMs: number; maxAttempts: number },
): Promise<Claim | null> {
  const [row] = await db.sequelize.query<{ attempts: number }>(
    `INSERT INTO reminders_sent AS r (subscriber_id, period, slot, status, attempts, claimed_at)
     VALUES (:subscriberId, :period, :slot, 'claimed', 1, :now)
     ON CONFLICT (subscriber_id, period, slot) DO UPDATE
        SET status = 'claimed', attempts = r.attempts + 1, claimed_at = EXCLUDED.claimed_at, error = NULL
      WHERE (r.status = 'claimed' AND r.claimed_at < :staleBefore)
         OR (r.status = 'failed' AND r.attempts < :maxAttempts)
     RETURNING attempts`,
    {
      replacements: {
        ...key,
        now: options.now,
        staleBefore: new Date(options.now.getTime() - options.leaseMs),
        maxAttempts: options.maxAttempts,
      },
      type: QueryTypes.SELECT,
    },
  );
  return row ? { ...key, attempt: row.attempts } : null;
}

export async function settleReminder(
  db: Database,
  claim: Claim,
  result: { status: 'sent' | 'failed' | 'blocked' | 'skipped'; at: Date; error?: string },
): Promise<void> {
  await db.sequelize.query(
    `UPDATE reminders_sent
        SET status = :status, sent_at = CASE WHEN :status = 'sent' THEN CAST(:at AS timestamptz) END, error = :error
      WHERE subscriber_id = :subscriberId AND period = :period AND slot = :slot AND attempts = :attempt AND status = 'claimed'`,
    {
      replacements: {
        subscriberId: claim.subscriberId,
        period: claim.period,
        slot: claim.slot,
        attempt: claim.attempt,
        status: result.status,
        at: result.at,
        error: result.error?.slice(0, 1000) ?? null,
      },
    },
  );
}
