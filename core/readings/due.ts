import { QueryTypes } from 'sequelize';
import { addDays, periodOf, type LocalDate } from '../calendar.ts';
import type { Database } from '../../models/database.ts';
import type { Channel } from '../../models/models.ts';
import type { DueSubscriber } from './types.ts';

interface Row {
  subscriber_id: number;
  channel: Channel;
  channel_user_id: string;
  account_number: string;
  meter_serial: string;
  meter_id: number;
}

/** The first and last day of the billing period (month) a day belongs to. */
export function periodBounds(day: LocalDate): { periodStart: LocalDate; periodEnd: LocalDate } {
  const periodStart = periodOf(day);
  const nextMonth = periodOf(addDays(periodStart, 31));
  return { periodStart, periodEnd: addDays(nextMonth, -1) };
}

export interface DueQuery {
  /** First and last local day of the period; a reading on any day between counts. */
  periodStart: LocalDate;
  periodEnd: LocalDate;
  /** Subscribers per page. */
  limit: number;
  /** Keyset: the last subscriber id of the previous page (0 for the first). */
  afterSubscriberId: number;
  /** When given, meters whose verification date is before this day are left out: they take no readings. */
  skipVerificationOverdueOn?: LocalDate | null;
}

/**
 * Who to remind: subscribers with reminders on and not blocked, with the meters of their linked accounts
 * that have no accepted reading in the period. One page, ordered by subscriber id.
 */
export async function subscribersDueForReadings(db: Database, query: DueQuery): Promise<DueSubscriber[]> {
  const rows = await db.sequelize.query<Row>(
    `WITH due AS (
       SELECT s.id AS subscriber_id, s.channel, s.channel_user_id, a.number AS account_number, m.serial AS meter_serial, m.id AS meter_id
         FROM subscribers s
         JOIN links l ON l.subscriber_id = s.id
         JOIN accounts a ON a.id = l.account_id
         JOIN meters m ON m.account_id = a.id
        WHERE s.reminders_enabled AND s.blocked_at IS NULL AND s.id > :after
          AND (CAST(:overdueOn AS date) IS NULL OR m.verification_due IS NULL OR m.verification_due >= CAST(:overdueOn AS date))
          AND NOT EXISTS (SELECT 1 FROM readings r
                           WHERE r.meter_id = m.id AND r.local_date BETWEEN :periodStart AND :periodEnd)
     ), page AS (
       SELECT DISTINCT subscriber_id FROM due ORDER BY subscriber_id LIMIT :limit
     )
     SELECT due.* FROM due JOIN page USING (subscriber_id)
      ORDER BY subscriber_id, account_number, meter_serial, meter_id`,
    {
      replacements: {
        after: query.afterSubscriberId,
        overdueOn: query.skipVerificationOverdueOn ?? null,
        periodStart: query.periodStart,
        periodEnd: query.periodEnd,
        limit: query.limit,
      },
      type: QueryTypes.SELECT,
    },
  );
  const subscribers: DueSubscriber[] = [];
  for (const row of rows) {
    let last = subscribers.at(-1);
    if (!last || last.subscriberId !== row.subscriber_id) {
      last = { subscriberId: row.subscriber_id, channel: row.channel, channelUserId: row.channel_user_id, meters: [] };
      subscribers.push(last);
    }
    last.meters.push({ accountNumber: row.account_number, meterSerial: row.meter_serial, meterId: row.meter_id });
  }
  return subscribers;
}
