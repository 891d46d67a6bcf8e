import express, { type RequestHandler } from 'express';
import { countForgedCallback, recordProviderReport, type PaymentsDeps, type RecordOutcome } from '../../core/payments/index.ts';
import type { Logger } from '../logger.ts';
import { checkCallback, type LiqPayConfig } from './liqpay.ts';

/** Forged callbacks within one clock hour that alert staff. */
export const FORGED_ALERT_PER_HOUR = 20;

export interface CallbackRouteDeps {
  liqpay: Pick<LiqPayConfig, 'privateKey'>;
  payments: PaymentsDeps;
  logger: Logger;
  forgedAlertPerHour?: number;
  /** Told of each recorded report (a receipt to send, a test to wait on). */
  onRecorded?: (outcome: RecordOutcome) => void;
}

/**
 * POST /payments/liqpay. The body is read raw (no parser before this route), the signature checked before
 * anything in it is decoded; a bad one is answered 403 at once and counted afterwards. A recorded report, a
 * duplicate and an order we do not know are all 200 (LiqPay would otherwise repeat them); only a failure to
 * record is 500, so LiqPay tries again.
 */
export function liqpayCallbackHandler(deps: CallbackRouteDeps): RequestHandler {
  const { logger } = deps;
  const alertAt = deps.forgedAlertPerHour ?? FORGED_ALERT_PER_HOUR;
  const readBody = express.raw({ type: () => true, limit: '64kb' });
  const handle: RequestHandler = async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const checked = checkCallback(deps.liqpay.privateKey, raw);
    if (checked.kind === 'forged') {
      res.status(403).end();
      countForgedCallback(deps.payments, alertAt).then(
        ({ count, alerted }) => logger.warn({ count, alerted, ip: req.ip }, 'payment callback with a bad signature refused'),
        (error: unknown) => logger.error({ err: error }, 'could not count a forged payment callback'),
      );
      return;
    }
    if (checked.kind === 'malformed') {
      logger.warn('signed payment callback names no order; ignored');
      res.status(200).end();
      return;
    }
    try {
      const outcome = await recordProviderReport(deps.payments, checked.report);
      logger.info(
        { orderId: checked.report.orderId, providerStatus: checked.report.providerStatus, outcome: outcome.kind },
        'payment callback recorded',
      );
      deps.onRecorded?.(outcome);
      res.status(200).end();
    } catch (error) {
      logger.error({ err: error, orderId: checked.report.orderId }, 'payment callback could not be recorded');
      res.status(500).end();
    }
  };
  return (req, res, next) => {
    readBody(req, res, (error?: unknown) => {
      if (error) {
        // Too large (413) or unreadable (400): nothing of it is looked at.
        const status = (error as { status?: number }).status;
        res.status(status === 413 ? 413 : 400).end();
        return;
      }
      Promise.resolve(handle(req, res, next)).catch(next);
    });
  };
}
