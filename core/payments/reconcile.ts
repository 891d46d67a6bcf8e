import { QueryTypes } from 'sequelize';
import { recordProviderReport } from './record.ts';
import type { PaymentProvider, PaymentStatusSource, PaymentsDeps } from './types.ts';

/** A checkout link lives a day (LiqPay's expired_date); an order the provider has still not seen after that was abandoned. */
export const ORDER_LIFETIME_MS = 24 * 60 * 60_000;

export interface ReconcileSummary {
  asked: number;
  paid: number;
  failed: number;
  unchanged: number;
  /** The provider does not know the order (not paid yet, or abandoned). */
  notFound: number;
  /** Asking failed (network, provider error): asked again next time. */
  errors: number;
}

/**
 * Asks the provider about every order still open after `reconcileAfterMs` (callbacks get lost: a process killed
 * between the provider's success and our record, a network fault) and records the answer as if a callback had
 * brought it. Each order is asked at most once per `reconcileAfterMs`, whichever instance gets to it.
 */
export async function reconcilePayments(
  deps: PaymentsDeps,
  sources: Partial<Record<PaymentProvider, PaymentStatusSource>>,
  options: { limit?: number } = {},
): Promise<ReconcileSummary> {
  const now = deps.clock.now();
  const staleBefore = new Date(now.getTime() - deps.payments.reconcileAfterMs);
  // Claimed by stamping checked_at in the same statement, so two instances never ask about one order together.
  const due = await deps.db.sequelize.query<{ id: string; provider: PaymentProvider; created_at: Date }>(
    `UPDATE payment_orders SET checked_at = :now
      WHERE id IN (
        SELECT id FROM payment_orders
         WHERE status IN ('created', 'pending') AND created_at <= :staleBefore
           AND (checked_at IS NULL OR checked_at <= :staleBefore)
         ORDER BY created_at
         LIMIT :limit
         FOR UPDATE SKIP LOCKED)
      RETURNING id, provider, created_at`,
    { replacements: { now, staleBefore, limit: options.limit ?? 100 }, type: QueryTypes.SELECT },
  );
  const summary: ReconcileSummary = { asked: 0, paid: 0, failed: 0, unchanged: 0, notFound: 0, errors: 0 };
  for (const order of due) {
    const source = sources[order.provider];
    if (!source) continue;
    summary.asked += 1;
    try {
      let report = await source.status(order.id);
      if (!report) {
        summary.notFound += 1;
        if (now.getTime() - new Date(order.created_at).getTime() < ORDER_LIFETIME_MS) continue;
        report = { orderId: order.id, source: 'status-api', providerStatus: 'not-found', status: 'failed', providerPaymentId: null, amountKop: null, currency: null, at: null };
      }
      const outcome = await recordProviderReport(deps, report);
      if (outcome.kind === 'applied' && outcome.status === 'paid') summary.paid += 1;
      else if (outcome.kind === 'applied' && outcome.status === 'failed') summary.failed += 1;
      else summary.unchanged += 1;
    } catch {
      summary.errors += 1;
    }
  }
  return summary;
}
