import type { RequestHandler } from 'express';
import type { PaymentOrder, PaymentsDeps, RecordOutcome } from '../../core/payments/index.ts';
import type { Logger } from '../logger.ts';
import { payments as texts } from '../texts/payments.ts';
import { liqpayCallbackHandler } from './callback-route.ts';
import { checkoutLink, createLiqPayStatusSource, LIQPAY_CALLBACK_PATH, type LiqPayConfig } from './liqpay.ts';
import { createReconcileSchedule, type ReconcileSchedule } from './reconcile-schedule.ts';

export { LIQPAY_CALLBACK_PATH } from './liqpay.ts';

/** Online payment as the app runs it: LiqPay's link, its callback route and the reconciliation job. */
export interface Payments {
  deps: PaymentsDeps;
  /** The checkout address for a stored order. */
  linkFor(order: PaymentOrder): string;
  callback: { path: string; handler: RequestHandler };
  reconcile: ReconcileSchedule;
}

export function createPayments(options: {
  liqpay: LiqPayConfig;
  payments: PaymentsDeps;
  logger: Logger;
  reconcileCron?: string;
  onRecorded?: (outcome: RecordOutcome) => void;
}): Payments {
  const { liqpay, payments, logger } = options;
  return {
    deps: payments,
    linkFor: (order) => checkoutLink(liqpay, order, texts.checkoutDescription(order.accountNumber)),
    callback: {
      path: LIQPAY_CALLBACK_PATH,
      handler: liqpayCallbackHandler({ liqpay, payments, logger, ...(options.onRecorded ? { onRecorded: options.onRecorded } : {}) }),
    },
    reconcile: createReconcileSchedule({
      payments,
      sources: [createLiqPayStatusSource(liqpay)],
      logger,
      ...(options.reconcileCron ? { cron: options.reconcileCron } : {}),
    }),
  };
}
