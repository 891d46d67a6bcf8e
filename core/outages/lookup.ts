import { QueryTypes } from 'sequelize';
import type { CoreDeps } from '../deps.ts';
import type { AffectedAccount, OutageView, SubscriberOutage, SubscriberOutages } from './types.ts';
import { OUTAGE_COLUMNS, outageFromRow, type OutageRow } from './view.ts';

/** Outages still to come shown in «Відключення»: the soonest few. */
const NEXT_SHOWN = 5;

type Row = OutageRow & { account_id: number; number: string; address: string };

/**
 * «Відключення»: the outages at the subscriber's linked accounts in force at `now` (started, not ended, not
 * closed), and those announced to come, soonest first, each with the subscriber's accounts it is at.
 */
export async function outagesAtSubscriberAddresses(deps: Pick<CoreDeps, 'db'>, subscriberId: number, now: Date): Promise<SubscriberOutages> {
  const rows = await deps.db.sequelize.query<Row>(
    `SELECT ${OUTAGE_COLUMNS}, a.id AS account_id, a.number, a.address
       FROM links l
       JOIN outage_accounts oa ON oa.account_id = l.account_id
       JOIN outages o ON o.id = oa.outage_id
       JOIN accounts a ON a.id = l.account_id
      WHERE l.subscriber_id = :subscriberId AND o.status = 'announced' AND (o.ends_at IS NULL OR o.ends_at > :now)
      ORDER BY o.starts_at, o.id, a.number`,
    { replacements: { subscriberId, now }, type: QueryTypes.SELECT },
  );
  const byOutage = new Map<number, SubscriberOutage>();
  for (const row of rows) {
    let entry = byOutage.get(row.id);
    if (!entry) {
      entry = { outage: outageFromRow(row), accounts: [] };
      byOutage.set(row.id, entry);
    }
    const account: AffectedAccount = { accountId: row.account_id, number: row.number, address: row.address };
    entry.accounts.push(account);
  }
  const all = [...byOutage.values()];
  return {
    current: all.filter((e) => new Date(e.outage.startsAt) <= now),
    next: all.filter((e) => new Date(e.outage.startsAt) > now).slice(0, NEXT_SHOWN),
  };
}

async function oneFor(deps: Pick<CoreDeps, 'db'>, accountId: number, now: Date, condition: string): Promise<OutageView | null> {
  const [row] = await deps.db.sequelize.query<OutageRow>(
    `SELECT ${OUTAGE_COLUMNS} FROM outage_accounts oa JOIN outages o ON o.id = oa.outage_id
      WHERE oa.account_id = :accountId AND o.status = 'announced' AND (o.ends_at IS NULL OR o.ends_at > :now) AND ${condition}
      ORDER BY (o.kind = 'emergency') DESC, o.starts_at DESC, o.id DESC LIMIT 1`,
    { replacements: { accountId, now }, type: QueryTypes.SELECT },
  );
  return row ? outageFromRow(row) : null;
}

/** The outage in force at the account now (an emergency first, if there are two), for the account view. */
export function outageInForceForAccount(deps: Pick<CoreDeps, 'db'>, accountId: number, now: Date): Promise<OutageView | null> {
  return oneFor(deps, accountId, now, 'o.starts_at <= :now');
}

/**
 * The announced emergency at the account not over yet (started, or about to), for answering a letter of
 * category «Аварія» from that address at once.
 */
export function emergencyForAccount(deps: Pick<CoreDeps, 'db'>, accountId: number, now: Date): Promise<OutageView | null> {
  return oneFor(deps, accountId, now, `o.kind = 'emergency'`);
}
