import { QueryTypes } from 'sequelize';
import type { LocalDate } from '../calendar.ts';
import type { Database } from '../../models/database.ts';
import type { ReminderCounts, ReminderRunOutcome, ReminderRunView } from './types.ts';

interface RunRow {
  id: number;
  slot: string;
  period: string;
  started_at: Date;
  finished_at: Date | null;
  outcome: ReminderRunOutcome | null;
  due: number;
  sent: number;
  failed: number;
  blocked: number;
  skipped: number;
  already_done: number;
  rate_limited: number;
  error: string | null;
}

export async function startRun(db: Database, run: { slot: string; period: LocalDate; startedAt: Date }): Promise<number> {
  const [row] = await db.sequelize.query<{ id: number }>(
    `INSERT INTO reminder_runs (slot, period, started_at) VALUES (:slot, :period, :startedAt) RETURNING id`,
    { replacements: run, type: QueryTypes.SELECT },
  );
  return row!.id;
}

/** Counts are written as the pass goes (each page), so a pass that dies still shows how far it got. */
export async function recordProgress(
  db: Database,
  runId: number,
  counts: ReminderCounts,
  end?: { outcome: ReminderRunOutcome; finishedAt: Date; error?: string },
): Promise<void> {
  await db.sequelize.query(
    `UPDATE reminder_runs
        SET due = :due, sent = :sent, failed = :failed, blocked = :blocked, skipped = :skipped,
            already_done = :alreadyDone, rate_limited = :rateLimited,
            outcome = COALESCE(:outcome, outcome), finished_at = COALESCE(:finishedAt, finished_at),
            error = COALESCE(:error, error)
      WHERE id = :runId`,
    {
      replacements: {
        ...counts,
        runId,
        outcome: end?.outcome ?? null,
        finishedAt: end?.finishedAt ?? null,
        error: end?.error?.slice(0, 1000) ?? null,
      },
    },
  );
}

function toView(row: RunRow): ReminderRunView {
  return {
    runId: row.id,
    slot: row.slot,
    period: row.period,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    outcome: row.outcome,
    due: row.due,
    sent: row.sent,
    failed: row.failed,
    blocked: row.blocked,
    skipped: row.skipped,
    alreadyDone: row.already_done,
    rateLimited: row.rate_limited,
    error: row.error,
  };
}

/** The latest pass started (any slot, scheduled or manual), or null before the first. */
export async function lastReminderRun(db: Database): Promise<ReminderRunView | null> {
  const [row] = await db.sequelize.query<RunRow>(`SELECT * FROM reminder_runs ORDER BY started_at DESC, id DESC LIMIT 1`, {
    type: QueryTypes.SELECT,
  });
  return row ? toView(row) : null;
}

/**
 * Scheduled slots of `day` whose passes all ended without finishing (the instance died, was shut down, hit a
 * database error, or left claims unsettled): a restart picks the latest of them up again. A slot that completed, or stopped for quiet
 * hours, is done: what it left waits for the next slot.
 */
export async function unfinishedSlotsOn(db: Database, day: LocalDate): Promise<string[]> {
  const rows = await db.sequelize.query<{ slot: string }>(
    `SELECT slot FROM reminder_runs
      WHERE slot LIKE :prefix
      GROUP BY slot
     HAVING bool_and(outcome IS NULL OR outcome IN ('stopped', 'error', 'unsettled'))
      ORDER BY max(started_at) DESC`,
    { replacements: { prefix: `${day}T%` }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.slot);
}
