import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../models/database.ts';
import { recordAttempt } from './limits.ts';
import { insertLink, lockSubscriber } from './links.ts';
import { accountSummaries } from './summaries.ts';
import type { AccountOffer, AccountSummary, CoreDeps } from './types.ts';

// Linking by phone needs no answer: the subscriber's phone was shared through the channel's own contact
// button (so the channel vouches it is theirs), and billing says that phone belongs to the account.
// Bots must only call setPhone with such a shared contact, never with a typed number.

/** Accounts whose billing phone is this phone and that this subscriber has not linked yet. */
export async function offersForPhone(
  db: Database,
  subscriberId: number,
  phone: string,
  transaction?: Transaction,
): Promise<AccountOffer[]> {
  return db.sequelize.query<AccountOffer>(
    `SELECT a.id AS "accountId", a.number, a.address FROM accounts a
      WHERE a.phone = :phone
        AND NOT EXISTS (SELECT 1 FROM links l WHERE l.account_id = a.id AND l.subscriber_id = :subscriberId)
      ORDER BY a.number`,
    { replacements: { phone, subscriberId }, type: QueryTypes.SELECT, ...(transaction ? { transaction } : {}) },
  );
}

export async function phoneOffers(deps: CoreDeps, subscriberId: number): Promise<AccountOffer[]> {
  return deps.db.sequelize.transaction(async (transaction) => {
    const subscriber = await deps.db.models.Subscriber.findByPk(subscriberId, { transaction });
    if (!subscriber?.phone) return [];
    return offersForPhone(deps.db, subscriberId, subscriber.phone, transaction);
  });
}

export type PhoneLinkOutcome =
  | { kind: 'linked'; account: AccountSummary; noticesQueued: number }
  | { kind: 'already-linked'; account: AccountSummary }
  /** The account is not (or no longer) one the subscriber's phone matches: e.g. billing changed the phone since. */
  | { kind: 'not-offered' };

export async function linkByPhone(deps: CoreDeps, request: { subscriberId: number; accountId: number }): Promise<PhoneLinkOutcome> {
  return deps.db.sequelize.transaction(async (transaction): Promise<PhoneLinkOutcome> => {
    const now = deps.clock.now();
    const subscriber = await lockSubscriber(deps, transaction, request.subscriberId);
    const account = await deps.db.models.Account.findByPk(request.accountId, { transaction });
    const matches = account !== null && subscriber.phone !== null && account.phone !== null && account.phone === subscriber.phone;
    if (!account || !matches) {
      // Not a guess at a secret, so it counts against no limit: 'refused' with no limit named.
      if (account) {
        await recordAttempt(deps, transaction, {
          subscriberId: request.subscriberId, accountNumber: account.number, method: 'phone', result: 'refused', limitFired: null, now,
        });
      }
      return { kind: 'not-offered' };
    }
    await recordAttempt(deps, transaction, {
      subscriberId: request.subscriberId, accountNumber: account.number, method: 'phone', result: 'success', limitFired: null, now,
    });
    const linked = await insertLink(deps, transaction, { subscriberId: request.subscriberId, account, method: 'phone', now });
    const [summary] = await accountSummaries(deps.db, [account.id], transaction);
    return linked.kind === 'linked'
      ? { kind: 'linked', account: summary!, noticesQueued: linked.noticesQueued }
      : { kind: 'already-linked', account: summary! };
  });
}
