import { QueryTypes } from 'sequelize';
import { findOrder } from './orders.ts';
import type { PaymentsDeps, PrecheckOutcome } from './types.ts';

/**
 * The last look before a channel takes the money (Telegram's pre_checkout_query, answered within 10 s): the
 * stored order decides, never what the channel echoes back. Reads only; the payment itself is recorded by
 * recordProviderReport when the channel says it went through.
 */
export async function precheckOrder(deps: PaymentsDeps, asked: { orderId: string; amountKop: number; currency: string }): Promise<PrecheckOutcome> {
  const order = await findOrder(deps.db, asked.orderId);
  if (!order) return { kind: 'unknown-order' };
  if (order.status !== 'created' && order.status !== 'pending') return { kind: 'closed', status: order.status };
  if (asked.amountKop !== order.amountKop || asked.currency.toUpperCase() !== order.currency) return { kind: 'mismatch' };
  if (order.subscriberId === null) return { kind: 'not-linked' };
  const [link] = await deps.db.sequelize.query<{ n: number }>(
    `SELECT 1 AS n FROM links WHERE subscriber_id = :subscriberId AND account_id = :accountId`,
    { replacements: { subscriberId: order.subscriberId, accountId: order.accountId }, type: QueryTypes.SELECT },
  );
  return link ? { kind: 'ok', order } : { kind: 'not-linked' };
}
