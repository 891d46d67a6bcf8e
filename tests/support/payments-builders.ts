import type { Clock } from '../../core/clock.ts';
import { defaultCoreSettings } from '../../core/settings.ts';
import { createOrder, defaultPaymentRules, type PaymentOrder, type PaymentsDeps, type ProviderReport } from '../../core/payments/index.ts';
import type { Database } from '../../models/database.ts';
import type { Account, Subscriber } from '../../models/models.ts';
import { aLink, anAccount, aSubscriber, type AccountSeed, type SubscriberSeed } from './builders.ts';

export function paymentsDeps(db: Database, clock: Clock, rules: Partial<PaymentsDeps['payments']> = {}): PaymentsDeps {
  return { db, clock, settings: defaultCoreSettings, payments: { ...defaultPaymentRules, ...rules } };
}

export async function aLinkedAccount(
  db: Database,
  seed: { account?: AccountSeed; subscriber?: SubscriberSeed } = {},
): Promise<{ account: Account; subscriber: Subscriber }> {
  const account = await anAccount(db, seed.account);
  const subscriber = await aSubscriber(db, seed.subscriber);
  await aLink(db, subscriber, account);
  return { account, subscriber };
}

/** A stored order for a linked account (amount 250,50 грн unless told). */
export async function anOrder(deps: PaymentsDeps, seed: { amountKop?: number; account?: AccountSeed } = {}): Promise<PaymentOrder> {
  const { account, subscriber } = await aLinkedAccount(deps.db, { account: seed.account });
  const outcome = await createOrder(deps, { subscriberId: subscriber.id, accountId: account.id, amountKop: seed.amountKop ?? 25_050, provider: 'liqpay' });
  if (outcome.kind !== 'created') throw new Error(`order not created: ${outcome.kind}`);
  return outcome.order;
}

/** What LiqPay would report about the order: paid in full unless told. */
export function aReport(order: PaymentOrder, seed: Partial<ProviderReport> = {}): ProviderReport {
  return {
    orderId: order.id,
    source: 'callback',
    providerStatus: 'success',
    status: 'paid',
    providerPaymentId: `lp-${order.id.slice(0, 8)}`,
    amountKop: order.amountKop,
    currency: 'UAH',
    at: null,
    ...seed,
  };
}
