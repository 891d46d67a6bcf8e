import { QueryTypes } from 'sequelize';
import type { CoreDeps } from '../deps.ts';
import type { OutageKind, OutageReach } from './types.ts';

/** Viber bills a message the bot starts when the subscriber has not written within this long (bots/viber/billable-sender.ts). */
const VIBER_FREE_WINDOW_MS = 24 * 3_600_000;

/**
 * Who notices about these accounts reach: subscribers linked to them who have not blocked the bot, by channel;
 * for planned works, without those who turned planned-works notices off (counted apart).
 */
export async function reachOf(
  deps: Pick<CoreDeps, 'db' | 'clock'>,
  accounts: { accountIds: number[]; kind: OutageKind } | { outageId: number; kind: OutageKind },
  streetsNotFound: string[],
): Promise<OutageReach> {
  const byOutage = 'outageId' in accounts;
  const accountsSql = byOutage ? 'SELECT account_id FROM outage_accounts WHERE outage_id = :outageId' : 'SELECT unnest(ARRAY[:ids]::integer[]) AS account_id';
  const rows = await deps.db.sequelize.query<{ channel: string; subscribers: number; billable: number; opted_out: number; accounts: number }>(
    `WITH affected AS (${accountsSql}),
     subscribed AS (
       SELECT DISTINCT s.id, s.channel, s.last_inbound_at,
              EXISTS (SELECT 1 FROM outage_planned_optouts o WHERE o.subscriber_id = s.id) AS opted_out
         FROM links l JOIN subscribers s ON s.id = l.subscriber_id
        WHERE l.account_id IN (SELECT account_id FROM affected) AND s.blocked_at IS NULL
     )
     SELECT channel,
            count(*) FILTER (WHERE NOT (opted_out AND :planned))::integer AS subscribers,
            count(*) FILTER (WHERE NOT (opted_out AND :planned) AND channel = 'viber'
                               AND (last_inbound_at IS NULL OR last_inbound_at <= :freeSince))::integer AS billable,
            count(*) FILTER (WHERE opted_out AND :planned)::integer AS opted_out,
            (SELECT count(account_id) FROM affected)::integer AS accounts
       FROM subscribed GROUP BY channel
     UNION ALL SELECT '', 0, 0, 0, (SELECT count(account_id) FROM affected)::integer`,
    {
      replacements: {
        ...(byOutage ? { outageId: accounts.outageId } : { ids: accounts.accountIds.length > 0 ? accounts.accountIds : [null] }),
        planned: accounts.kind === 'planned',
        freeSince: new Date(deps.clock.now().getTime() - VIBER_FREE_WINDOW_MS),
      },
      type: QueryTypes.SELECT,
    },
  );
  const reach: OutageReach = {
    accounts: rows[rows.length - 1]?.accounts ?? 0,
    subscribers: { telegram: 0, viber: 0, total: 0 },
    billableViber: 0,
    optedOut: 0,
    streetsNotFound,
  };
  for (const row of rows) {
    if (row.channel === '') continue;
    if (row.channel === 'telegram' || row.channel === 'viber') reach.subscribers[row.channel] = row.subscribers;
    reach.subscribers.total += row.subscribers;
    reach.billableViber += row.billable;
    reach.optedOut += row.opted_out;
  }
  return reach;
}
