import type { RequestHandler } from 'express';
import type { PaymentOrder, PaymentProvider, PaymentsDeps, RecordOutcome } from '../../core/payments/index.ts';
import type { Channel } from '../../models/models.ts';
import type { SayOptions } from '../flows/chat.ts';
import type { Logger } from '../logger.ts';
import { payments as texts } from '../texts/payments.ts';
import { liqpayCallbackHandler } from './callback-route.ts';
import { checkoutFor, noChannelCheckouts, providerFor, statusSources, type ChannelCheckouts } from './checkout.ts';
import { checkoutLink, LIQPAY_CALLBACK_PATH, type LiqPayConfig } from './liqpay.ts';
import { createReconcileSchedule, type ReconcileSchedule } from './reconcile-schedule.ts';

export { LIQPAY_CALLBACK_PATH } from './liqpay.ts';

/** Online payment as the app runs it: LiqPay's link or the channel's own checkout, LiqPay's callback route and the reconciliation job. */
export interface Payments {
  deps: PaymentsDeps;
  /** The checkout address for a stored order. */
  linkFor(order: PaymentOrder): string;
  /** Who takes the money for an order made on `channel` (checkout.ts). */
  providerFor(channel: Channel): PaymentProvider;
  /** How a stored order is offered on its channel: LiqPay's link, or the channel's own invoice. */
  checkoutFor(order: PaymentOrder): Pick<SayOptions, 'link' | 'invoice'>;
  callback: { path: string; handler: RequestHandler };
  reconcile: ReconcileSchedule;
}

export function createPayments(options: {
  liqpay: LiqPayConfig;
  payments: PaymentsDeps;
  logger: Logger;
  reconcileCron?: string;
  /** The channels' own payments the utility has connected; none unless told. */
  channels?: ChannelCheckouts;
  onRecorded?: (outcome: RecordOutcome) => void;
}): Payments {
  const { liqpay, payments, logger } = options;
  const channels = options.channels ?? noChannelCheckouts;
  return {
    deps: payments,
    linkFor: (order) => checkoutLink(liqpay, order, texts.checkoutDescription(order.accountNumber)),
    providerFor: (channel) => providerFor(channels, channel),
    checkoutFor: (order) => checkoutFor(liqpay, channels, order),
    callback: {
      path: LIQPAY_CALLBACK_PATH,
      handler: liqpayCallbackHandler({ liqpay, payments, logger, ...(options.onRecorded ? { onRecorded: options.onRecorded } : {}) }),
    },
    reconcile: createReconcileSchedule({
      payments,
      sources: statusSources(liqpay),
      logger,
      ...(options.reconcileCron ? { cron: options.reconcileCron } : {}),
    }),
  };
}
