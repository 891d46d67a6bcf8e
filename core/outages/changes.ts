import { QueryTypes, type Transaction } from 'sequelize';
import { addDays, localDate } from '../calendar.ts';
import type { Database } from '../../models/database.ts';
import { instantOfLocal } from './local-time.ts';
import type { OutageChange, OutageKind, OutageSettings } from './types.ts';

/** A planned outage announced later than this before it starts gets no evening-before notice: the start one follows too soon. */
export const BEFORE_NOTICE_MIN_LEAD_MS = 60 * 60_000;

/** The evening before planned works start, at `eveningHour` local time. */
export function eveningBefore(startsAt: Date, settings: Pick<OutageSettings, 'timeZone' | 'eveningHour'>): Date {
  const day = addDays(localDate(startsAt, settings.timeZone), -1);
  // An hour skipped by a clock change: the hour after it.
  return instantOfLocal(day, settings.eveningHour, 0, settings.timeZone) ?? instantOfLocal(day, settings.eveningHour + 1, 0, settings.timeZone)!;
}

/**
 * The notices a new outage owes, each with the time it is due. An emergency: one, at once. Planned works: the
 * evening before (at once if that evening has passed, unless the start is less than an hour away) and when they
 * start. Quiet hours are not decided here: the delivery holds a planned notice back while they last.
 */
export function initialChanges(outage: { kind: OutageKind; startsAt: Date }, now: Date, settings: Pick<OutageSettings, 'timeZone' | 'eveningHour'>): { change: OutageChange; dueAt: Date }[] {
  if (outage.kind === 'emergency') return [{ change: 'start', dueAt: now }];
  const changes: { change: OutageChange; dueAt: Date }[] = [];
  if (outage.startsAt.getTime() - now.getTime() >= BEFORE_NOTICE_MIN_LEAD_MS) {
    const evening = eveningBefore(outage.startsAt, settings);
    changes.push({ change: 'before', dueAt: evening > now ? evening : now });
  }
  changes.push({ change: 'start', dueAt: outage.startsAt > now ? outage.startsAt : now });
  return changes;
}

export async function insertChanges(db: Database, outageId: number, changes: { change: OutageChange; dueAt: Date }[], now: Date, transaction: Transaction): Promise<void> {
  if (changes.length === 0) return;
  await db.sequelize.query(
    `INSERT INTO outage_changes (outage_id, change, due_at, created_at)
     SELECT :outageId, c, d, :now FROM unnest(ARRAY[:changes]::text[], ARRAY[:dues]::timestamptz[]) AS u(c, d)
     ON CONFLICT (outage_id, change) DO NOTHING`,
    { replacements: { outageId, changes: changes.map((c) => c.change), dues: changes.map((c) => c.dueAt), now }, transaction },
  );
}

/** Whether any notice of the outage has gone out (or is going out): only then are an update and the restoration news. */
export async function anyNoticeStarted(db: Database, outageId: number, transaction: Transaction): Promise<boolean> {
  const rows = await db.sequelize.query(
    `SELECT 1 FROM outage_notices WHERE outage_id = :outageId AND status IN ('claimed', 'sent') LIMIT 1`,
    { replacements: { outageId }, type: QueryTypes.SELECT, transaction },
  );
  return rows.length > 0;
}

/** Pending notices that a newer change makes pointless: they stop where they are (a pass walking one sees it). */
export async function dropPending(db: Database, outageId: number, which: 'updates' | 'all', now: Date, transaction: Transaction): Promise<void> {
  await db.sequelize.query(
    `UPDATE outage_changes SET status = 'dropped', done_at = :now
      WHERE outage_id = :outageId AND status = 'pending' ${which === 'updates' ? `AND change LIKE 'update-%'` : ''}`,
    { replacements: { outageId, now }, transaction },
  );
}
