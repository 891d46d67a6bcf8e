import { QueryTypes } from 'sequelize';
import type { LocalDate } from '../calendar.ts';
import { periodBounds } from '../calendar.ts';
import type { DueSubscriber } from '../readings/types.ts';
import type { Database } from '../../models/database.ts';
import type { Channel } from '../../models/models.ts';

/*
 * Who is due (the rule the reminders own; core/readings/due.ts runs the query): a subscriber with reminders on,
 * who has not blocked the bot, and with at least one meter on their linked accounts without an accepted reading
 * (a subscriber's own or a staff correction) dated in the current period, the calendar month of today in the
 * reminders' zone. Meters past their verification date take no readings, so they are left out when the readings
 * rules refuse them.
 *
 * The page is chosen first, walking subscribers by id from the keyset and stopping at `limit` due ones, so each
 * page costs about its own size whatever the total (a query that finds every due meter and then cuts a page out
 * of it costs the whole table per page: quadratic over a pass).
 */

interface Row {
  subscriber_id: number;
  channel: Channel;
  channel_user_id: string;
  account_number: string;
  meter_serial: string;
  meter_id: number;
}

const METER_DUE = `
  (CAST(:overdueOn AS date) IS NULL OR m.verification_due IS NULL OR m.verification_due >= CAST(:overdueOn AS date))
  AND NOT EXISTS (SELECT 1 FROM readings r WHERE r.meter_id = m.id AND r.local_date BETWEEN :periodStart AND :periodEnd)`;

/** Which subscribers a due query looks at: the next keyset page, or exactly these ids (a claim being resent). */
type Pick = { afterSubscriberId: number; limit: number } | { subscriberIds: number[] };

async function dueSubscribers(
  db: Database,
  query: { periodStart: LocalDate; periodEnd: LocalDate; overdueOn: LocalDate | null },
  pick: Pick,
): Promise<DueSubscriber[]> {
  const byIds = 'subscriberIds' in pick;
  if (byIds && pick.subscriberIds.length === 0) return [];
  const rows = await db.sequelize.query<Row>(
    `WITH page AS (
       SELECT s.id, s.channel, s.channel_user_id FROM subscribers s
        WHERE ${byIds ? 's.id = ANY(ARRAY[:ids]::integer[])' : 's.id > :after'} AND s.reminders_enabled AND s.blocked_at IS NULL
          AND EXISTS (SELECT 1 FROM links l JOIN meters m ON m.account_id = l.account_id
                       WHERE l.subscriber_id = s.id AND ${METER_DUE})
        ORDER BY s.id
        LIMIT :limit
     )
     SELECT p.id AS subscriber_id, p.channel, p.channel_user_id, a.number AS account_number, m.serial AS meter_serial, m.id AS meter_id
       FROM page p
       JOIN links l ON l.subscriber_id = p.id
       JOIN accounts a ON a.id = l.account_id
       JOIN meters m ON m.account_id = a.id
      WHERE ${METER_DUE}
      ORDER BY p.id, a.number, m.serial, m.id`,
    {
      replacements: {
        ...(byIds ? { ids: pick.subscriberIds, limit: pick.subscriberIds.length } : { after: pick.afterSubscriberId, limit: pick.limit }),
        overdueOn: query.overdueOn,
        periodStart: query.periodStart,
        periodEnd: query.periodEnd,
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

export function dueSubscribersPage(
  db: Database,
  query: { periodStart: LocalDate; periodEnd: LocalDate; limit: number; afterSubscriberId: number; overdueOn: LocalDate | null },
): Promise<DueSubscriber[]> {
  return dueSubscribers(db, query, { afterSubscriberId: query.afterSubscriberId, limit: query.limit });
}

/** Which of these subscribers are still due (the same rule as the pass): a resent claim goes only to them. */
export function dueAmong(
  db: Database,
  query: { periodStart: LocalDate; periodEnd: LocalDate; overdueOn: LocalDate | null; subscriberIds: number[] },
): Promise<DueSubscriber[]> {
  return dueSubscribers(db, query, { subscriberIds: [...new Set(query.subscriberIds)] });
}

/**
 * Due subscribers one keyset page at a time, with the next page fetched while the current one is being sent:
 * memory holds at most two pages whatever the total, and the senders do not stall at page ends.
 */
export class DueFeed {
  private buffer: DueSubscriber[] = [];
  private index = 0;
  private after = 0;
  private exhausted = false;
  private fetching: Promise<void> | undefined;
  private readonly bounds: { periodStart: LocalDate; periodEnd: LocalDate };

  constructor(
    private readonly db: Database,
    private readonly options: { today: LocalDate; pageSize: number; skipVerificationOverdue: boolean; prefetchBelow: number },
  ) {
    this.bounds = periodBounds(options.today);
  }

  async next(): Promise<DueSubscriber | undefined> {
    while (this.index >= this.buffer.length) {
      if (this.exhausted && !this.fetching) return undefined;
      await (this.fetching ?? this.fill());
    }
    const item = this.buffer[this.index++];
    if (this.buffer.length - this.index < this.options.prefetchBelow && !this.exhausted && !this.fetching) {
      // A failure here surfaces to whichever worker next awaits a page (the rejection is kept, not lost).
      this.fill().catch(() => undefined);
    }
    return item;
  }

  private fill(): Promise<void> {
    const fetching = (async () => {
      const page = await dueSubscribersPage(this.db, {
        ...this.bounds,
        limit: this.options.pageSize,
        afterSubscriberId: this.after,
        overdueOn: this.options.skipVerificationOverdue ? this.options.today : null,
      });
      if (page.length < this.options.pageSize) this.exhausted = true;
      if (page.length > 0) this.after = page[page.length - 1]!.subscriberId;
      this.buffer = [...this.buffer.slice(this.index), ...page];
      this.index = 0;
    })();
    this.fetching = fetching.finally(() => {
      if (this.fetching === tracked) this.fetching = undefined;
    });
    const tracked = this.fetching;
    return tracked;
  }
}
