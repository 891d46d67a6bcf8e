import { QueryTypes, type Transaction } from 'sequelize';
import { enqueue } from '../outbox.ts';
import { findOrder } from './orders.ts';
import type { OrderStatus, PaymentOrder, PaymentsDeps, ProviderReport, RecordOutcome } from './types.ts';

/**
 * Statuses move forward only. paid, failed and reversed end an order, except that money arriving after a
 * failure is still money (a retry on the same checkout page), and a paid order can be refunded.
 */
const allowed: Record<OrderStatus, readonly OrderStatus[]> = {
  created: ['pending', 'paid', 'failed', 'reversed'],
  pending: ['paid', 'failed', 'reversed'],
  failed: ['paid', 'reversed'],
  paid: ['reversed'],
  reversed: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return allowed[from].includes(to);
}

function isMismatch(order: PaymentOrder, report: ProviderReport): boolean {
  return report.amountKop !== order.amountKop || (report.currency ?? '').toUpperCase() !== order.currency;
}

async function keepReport(
  deps: PaymentsDeps,
  report: ProviderReport,
  outcome: 'applied' | 'unchanged' | 'mismatch',
  transaction: Transaction,
): Promise<void> {
  await deps.db.sequelize.query(
    `INSERT INTO payment_reports (order_id, source, provider_status, provider_payment_id, channel_charge_id, amount_kop, currency, outcome, received_at)
     VALUES (:orderId, :source, :providerStatus, :providerPaymentId, :channelChargeId, :amountKop, :currency, :outcome, :now)`,
    {
      replacements: {
        orderId: report.orderId,
        source: report.source,
        providerStatus: report.providerStatus.slice(0, 64),
        providerPaymentId: report.providerPaymentId?.slice(0, 128) ?? null,
        channelChargeId: report.channelChargeId?.slice(0, 128) ?? null,
        amountKop: report.amountKop,
        currency: report.currency?.slice(0, 8) ?? null,
        outcome,
        now: deps.clock.now(),
      },
      transaction,
    },
  );
}

/**
 * Records what a provider said about an order, exactly once however often and in whatever order it is said.
 * The order's row is locked for the decision; the payment's (order, provider id) key and the one-payment-per-
 * order constraint would refuse a second credit even without the lock. The account and the amount are the
 * stored order's: a report naming another amount or currency is kept, not credited, and staff are alerted.
 */
export async function recordProviderReport(deps: PaymentsDeps, report: ProviderReport): Promise<RecordOutcome> {
  const { db } = deps;
  const now = deps.clock.now();
  return db.sequelize.transaction(async (transaction): Promise<RecordOutcome> => {
    const order = await findOrder(db, report.orderId, { transaction, lock: true });
    if (!order) return { kind: 'unknown-order' };
    const to = report.status;

    if (to === 'paid' && isMismatch(order, report)) {
      // One alert per reported payment: the order's row is locked, so the earlier mismatches are all visible.
      const [seen] = await db.sequelize.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM payment_reports
          WHERE order_id = :orderId AND outcome = 'mismatch' AND provider_payment_id IS NOT DISTINCT FROM :providerPaymentId`,
        { replacements: { orderId: order.id, providerPaymentId: report.providerPaymentId?.slice(0, 128) ?? null }, type: QueryTypes.SELECT, transaction },
      );
      await keepReport(deps, report, 'mismatch', transaction);
      if ((seen?.n ?? 0) > 0) return { kind: 'mismatch', order };
      await enqueue(
        db.models,
        {
          kind: 'payment-alert',
          payload: {
            reason: 'amount-mismatch',
            orderId: order.id,
            accountNumber: order.accountNumber,
            expectedKop: order.amountKop,
            reportedKop: report.amountKop,
            reportedCurrency: report.currency,
          },
        },
        { transaction, dedupeKey: `payment-mismatch:${order.id}:${report.providerPaymentId ?? ''}`, at: now },
      );
      return { kind: 'mismatch', order };
    }

    if (to === null || !canMove(order.status, to)) {
      await keepReport(deps, report, 'unchanged', transaction);
      return { kind: 'unchanged', status: order.status, order };
    }

    if (to === 'paid') {
      const providerPaymentId = report.providerPaymentId ?? order.id;
      const credited = await db.sequelize.query<{ order_id: string }>(
        `INSERT INTO payment_transactions (order_id, provider_payment_id, channel_charge_id, amount_kop, paid_at)
         VALUES (:orderId, :providerPaymentId, :channelChargeId, :amountKop, :paidAt)
         ON CONFLICT DO NOTHING
         RETURNING order_id`,
        {
          replacements: {
            orderId: order.id,
            providerPaymentId,
            channelChargeId: report.channelChargeId?.slice(0, 128) ?? null,
            amountKop: order.amountKop,
            paidAt: report.at ?? now,
          },
          type: QueryTypes.SELECT,
          transaction,
        },
      );
      if (credited.length === 0) {
        await keepReport(deps, report, 'unchanged', transaction);
        return { kind: 'unchanged', status: order.status, order };
      }
    }
    if (to === 'reversed') {
      await db.sequelize.query(`UPDATE payment_transactions SET reversed_at = :now WHERE order_id = :orderId AND reversed_at IS NULL`, {
        replacements: { orderId: order.id, now: report.at ?? now },
        transaction,
      });
    }
    await db.sequelize.query(`UPDATE payment_orders SET status = :to, updated_at = :now WHERE id = :orderId`, {
      replacements: { to, now, orderId: order.id },
      transaction,
    });
    await keepReport(deps, report, 'applied', transaction);
    if (to === 'paid' && order.subscriberId !== null) {
      // Reached once per order: the credit above is.
      await enqueue(
        db.models,
        { kind: 'payment-receipt', payload: { orderId: order.id, subscriberId: order.subscriberId } },
        { transaction, dedupeKey: `payment-receipt:${order.id}`, at: now },
      );
    }
    return { kind: 'applied', status: to, order: { ...order, status: to } };
  });
}
