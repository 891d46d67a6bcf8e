import { Composer, type BotError } from 'grammy';
import { withDeadline } from '../../core/deadline.ts';
import { precheckOrder, recordProviderReport, type PaymentsDeps } from '../../core/payments/index.ts';
import type { Logger } from '../logger.ts';
import { payments as texts } from '../texts/payments.ts';
import type { BotContext } from './context.ts';
import { logUpdateError } from './errors.ts';
import type { TelegramFeature } from './feature.ts';

// Telegram Payments' two updates, which are no flow's input: the pre-checkout query (answered after core's
// re-check of the stored order; Telegram drops the payment unless it is answered within 10 s) and the
// successful_payment message (recorded once through core; the receipt goes out through the outbox, enqueued
// with the credit). Both come through the update claim like every update, so a redelivery is handled once.

/** Telegram waits 10 s for answerPreCheckoutQuery; the re-check gets most of it, the answer's round trip the rest. */
export const PRECHECK_DEADLINE_MS = 6_000;

export function paymentsFeature(payments: PaymentsDeps): TelegramFeature {
  return {
    name: 'payments',
    composer: ({ logger }) => {
      const composer = new Composer<BotContext>();

      composer.on('pre_checkout_query', async (ctx) => {
        const query = ctx.preCheckoutQuery;
        let refusal: keyof typeof texts.precheckRefused | null;
        try {
          const outcome = await withDeadline(
            precheckOrder(payments, { orderId: query.invoice_payload, amountKop: query.total_amount, currency: query.currency }),
            PRECHECK_DEADLINE_MS,
            'the pre-checkout re-check of an order',
          );
          refusal = outcome.kind === 'ok' ? null : outcome.kind;
        } catch (error) {
          // Better a payment refused with "try again" than one Telegram takes for an order we could not look at.
          logger.error({ err: error, updateId: ctx.update.update_id }, 'pre-checkout re-check failed; refused');
          refusal = 'unavailable';
        }
        logger.info({ orderId: query.invoice_payload.slice(0, 64), ok: refusal === null, refusal }, 'telegram pre-checkout answered');
        if (refusal === null) await ctx.answerPreCheckoutQuery(true);
        else await ctx.answerPreCheckoutQuery(false, { error_message: texts.precheckRefused[refusal] });
      });

      composer.on('message:successful_payment', async (ctx) => {
        const paid = ctx.message.successful_payment;
        const outcome = await recordProviderReport(payments, {
          orderId: paid.invoice_payload,
          source: 'callback',
          providerStatus: 'successful_payment',
          status: 'paid',
          providerPaymentId: paid.provider_payment_charge_id || paid.telegram_payment_charge_id,
          channelChargeId: paid.telegram_payment_charge_id,
          amountKop: paid.total_amount,
          currency: paid.currency,
          at: new Date(ctx.message.date * 1000),
        });
        if (outcome.kind === 'unknown-order') {
          logger.error({ updateId: ctx.update.update_id }, 'telegram payment for an order we do not know: check the provider cabinet');
        } else {
          logger.info({ orderId: paid.invoice_payload, outcome: outcome.kind }, 'telegram payment recorded');
        }
      });

      return composer;
    },
  };
}

/**
 * A payment update that failed is released for a redelivery and nobody is told: the money is Telegram's fact, the
 * record of it must follow, and the person sees the receipt once it does.
 */
export function paymentsErrorHandler(logger: Logger) {
  return (error: BotError<BotContext>): void => {
    logUpdateError(logger, error.ctx, error.error, 'telegram payment update failed');
    error.ctx.failure = { told: false };
  };
}
