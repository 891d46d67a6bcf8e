import { QueryTypes } from 'sequelize';
import type { Database } from '../../models/database.ts';
import type { Channel } from '../../models/models.ts';
import type { AffectedAccount, OutageKind } from './types.ts';

/** A subscriber an outage's notice goes to, with their accounts it is at. */
export interface Recipient {
  subscriberId: number;
  channel: Channel;
  channelUserId: string;
  accounts: AffectedAccount[];
}

interface Row {
  subscriber_id: number;
  channel: Channel;
  channel_user_id: string;
  account_id: number;
  number: string;
  address: string;
}

type Pick = { after: number; limit: number } | { subscriberIds: number[] };

/**
 * The rule of who is told about an outage, in one place: a subscriber linked to one of its accounts, who has
 * not blocked the bot, and, for planned works, has not turned their notices off. One row per subscriber,
 * naming all their accounts there. The page is chosen first (keyset by subscriber id), then its accounts read.
 */
export async function recipientsOf(db: Database, outage: { id: number; kind: OutageKind }, pick: Pick): Promise<Recipient[]> {
  const byIds = 'subscriberIds' in pick;
  if (byIds && pick.subscriberIds.length === 0) return [];
  const rows = await db.sequelize.query<Row>(
    `WITH page AS (
       SELECT s.id, s.channel, s.channel_user_id FROM subscribers s
        WHERE s.id IN (SELECT l.subscriber_id FROM links l JOIN outage_accounts oa ON oa.account_id = l.account_id
                        WHERE oa.outage_id = :outageId AND ${byIds ? 'l.subscriber_id = ANY(ARRAY[:ids]::integer[])' : 'l.subscriber_id > :after'})
          AND s.blocked_at IS NULL
          AND (NOT :planned OR NOT EXISTS (SELECT 1 FROM outage_planned_optouts p WHERE p.subscriber_id = s.id))
        ORDER BY s.id
        LIMIT :limit
     )
     SELECT p.id AS subscriber_id, p.channel, p.channel_user_id, a.id AS account_id, a.number, a.address
       FROM page p
       JOIN links l ON l.subscriber_id = p.id
       JOIN outage_accounts oa ON oa.account_id = l.account_id AND oa.outage_id = :outageId
       JOIN accounts a ON a.id = l.account_id
      ORDER BY p.id, a.number`,
    {
      replacements: {
        outageId: outage.id,
        planned: outage.kind === 'planned',
        ...(byIds ? { ids: pick.subscriberIds, limit: pick.subscriberIds.length } : { after: pick.after, limit: pick.limit }),
      },
      type: QueryTypes.SELECT,
    },
  );
  const recipients: Recipient[] = [];
  for (const row of rows) {
    let last = recipients.at(-1);
    if (!last || last.subscriberId !== row.subscriber_id) {
      last = { subscriberId: row.subscriber_id, channel: row.channel, channelUserId: row.channel_user_id, accounts: [] };
      recipients.push(last);
    }
    last.accounts.push({ accountId: row.account_id, number: row.number, address: row.address });
  }
  return recipients;
}
