import { normalizeAccountNumber } from '../parse.ts';
import type { Channel } from '../../models/models.ts';
import { onlinePaymentsOf } from '../payments/listings.ts';
import { maskPhone, meterSummaries } from './summaries.ts';
import type { CoreDeps, StaffAccountView } from './types.ts';

const STAFF_ONLINE_PAYMENTS_SHOWN = 10;

/** What the staff desk sees of an account, by its number as typed; null when there is no such account. */
export async function findAccountForStaff(deps: CoreDeps, number: string): Promise<StaffAccountView | null> {
  const normalized = normalizeAccountNumber(number);
  if (normalized === null) return null;
  return deps.db.sequelize.transaction(async (transaction) => {
    const account = await deps.db.models.Account.findOne({ where: { number: normalized }, transaction });
    if (!account) return null;
    const meters = await meterSummaries(deps.db, [account.id], transaction);
    const links = await deps.db.models.Link.findAll({ where: { accountId: account.id }, order: [['createdAt', 'ASC']], transaction });
    const subscribers = await deps.db.models.Subscriber.findAll({ where: { id: links.map((l) => l.subscriberId) }, transaction });
    const byId = new Map(subscribers.map((s) => [s.id, s]));
    const onlinePayments = await onlinePaymentsOf(deps.db, account.id, STAFF_ONLINE_PAYMENTS_SHOWN, transaction);
    return {
      accountId: account.id,
      number: account.number,
      holder: [account.surname, account.givenNames].filter((part) => part.trim().length > 0).join(' '),
      address: account.address,
      balanceKop: account.balanceKop,
      phoneMasked: maskPhone(account.phone),
      meters: meters.get(account.id) ?? [],
      linkedSubscribers: links.flatMap((link) => {
        const subscriber = byId.get(link.subscriberId);
        if (!subscriber) return [];
        return [{
          subscriberId: subscriber.id,
          channel: subscriber.channel as Channel,
          name: subscriber.name,
          phoneMasked: maskPhone(subscriber.phone),
          linkedVia: link.method,
        }];
      }),
      onlinePayments,
    };
  });
}
