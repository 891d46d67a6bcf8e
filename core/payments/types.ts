import type { Clock } from '../clock.ts';
import type { CoreSettings } from '../settings.ts';
import type { Database } from '../../models/database.ts';
import type { Channel } from '../../models/models.ts';

/** Who takes the money: LiqPay's checkout page, Telegram Payments (the BotFather provider), Viber's payment message. */
export type PaymentProvider = 'liqpay' | 'telegram' | 'viber';
export type OrderStatus = 'created' | 'pending' | 'paid' | 'failed' | 'reversed';

/** The utility's payment rules, from the environment (PAYMENT_MAX_UAH, PAYMENT_CONFIRM_DAYS). */
export interface PaymentRules {
  /** The largest amount one order may carry, in kopecks. */
  maxKop: number;
  /** Days after which a paid order billing has not confirmed is reported. */
  confirmDays: number;
  /** An order still open this long is asked of the provider's status API. */
  reconcileAfterMs: number;
}

export const MIN_PAYMENT_KOP = 100;

export const defaultPaymentRules: PaymentRules = { maxKop: 20_000 * 100, confirmDays: 3, reconcileAfterMs: 5 * 60_000 };

export interface PaymentsDeps {
  db: Database;
  clock: Clock;
  settings: CoreSettings;
  payments: PaymentRules;
}

export interface PaymentOrder {
  id: string;
  accountId: number;
  accountNumber: string;
  subscriberId: number | null;
  channel: Channel;
  provider: PaymentProvider;
  amountKop: number;
  currency: 'UAH';
  status: OrderStatus;
  createdAt: string;
}

/** What the subscriber is offered before choosing an amount. */
export type PaymentOffer =
  | { kind: 'offer'; accountId: number; accountNumber: string; debtKop: number; minKop: number; maxKop: number }
  | { kind: 'not-linked' };

export type CreateOrderOutcome =
  | { kind: 'created'; order: PaymentOrder; alreadyCreated: boolean }
  | { kind: 'not-linked' }
  | { kind: 'amount-too-small'; minKop: number }
  | { kind: 'amount-too-large'; maxKop: number };

/**
 * One report from a provider about an order, from its callback or its status API, already checked for
 * authenticity by the adapter and mapped to our statuses. `status: null` is a provider state we do not act on.
 */
export interface ProviderReport {
  orderId: string;
  source: 'callback' | 'status-api';
  providerStatus: string;
  status: Exclude<OrderStatus, 'created'> | null;
  providerPaymentId: string | null;
  amountKop: number | null;
  currency: string | null;
  /** When the provider says the payment happened (LiqPay's end_date), if it says. */
  at: Date | null;
  /** The channel's own id of the charge beside the provider's (Telegram's telegram_payment_charge_id). */
  channelChargeId?: string | null;
}

export type RecordOutcome =
  | { kind: 'unknown-order' }
  /** The order moved to this status (paid: the payment was credited now, once). */
  | { kind: 'applied'; status: OrderStatus; order: PaymentOrder }
  /** Nothing changed: a duplicate, or a report older than what is recorded. */
  | { kind: 'unchanged'; status: OrderStatus; order: PaymentOrder }
  /** Amount or currency differ from the order's: kept, not credited, staff alerted. */
  | { kind: 'mismatch'; order: PaymentOrder };

/** The provider's status API, as reconciliation asks it. */
export interface PaymentStatusSource {
  provider: PaymentProvider;
  /** The provider's answer for one order, or null when it has never seen it (the subscriber never paid). */
  status(orderId: string): Promise<ProviderReport | null>;
}

/**
 * Whether an order may still be paid as a channel asks just before taking the money (Telegram's
 * pre_checkout_query): it exists, is still open, the amount and currency asked are the order's, and the account
 * is still linked to the subscriber who ordered.
 */
export type PrecheckOutcome =
  | { kind: 'ok'; order: PaymentOrder }
  | { kind: 'unknown-order' }
  | { kind: 'closed'; status: OrderStatus }
  | { kind: 'mismatch' }
  | { kind: 'not-linked' };
