import { QueryTypes } from 'sequelize';
import type { Database } from '../../models/database.ts';

/** Billing books an online payment on the day it was paid or a few days later (bank days, weekends). */
export const BILLING_BOOKING_DAYS = 10;
const MATCH_LOCK_KEY = 727_019;

/**
 * Matches paid online orders to billing's payments rows, so they stop being shown as «очікує зарахування».
 * Billing's payments file carries no order id today, so a row matches by account, amount and a day from the
 * payment's own (in the cabinet's time zone) to BILLING_BOOKING_DAYS later; the earliest order takes the
 * earliest row, and one row confirms one order (a unique index; matchers take turns on an advisory lock).
 * Returns how many orders were matched now.
 */
export async function matchBillingPayments(db: Database, timeZone: string): Promise<number> {
  return db.sequelize.transaction(async (transaction) => {
    await db.sequelize.query(`SELECT pg_advisory_xact_lock(${MATCH_LOCK_KEY})`, { transaction });
    const open = await db.sequelize.query<{ id: string; account_id: number; amount_kop: number; paid_on: string }>(
      `SELECT o.id, o.account_id, o.amount_kop, (t.paid_at AT TIME ZONE :timeZone)::date::text AS paid_on
         FROM payment_orders o JOIN payment_transactions t ON t.order_id = o.id
        WHERE o.status = 'paid' AND o.billing_paid_on IS NULL
        ORDER BY t.paid_at, o.id`,
      { replacements: { timeZone }, type: QueryTypes.SELECT, transaction },
    );
    let matched = 0;
    for (const order of open) {
      const rows = await db.sequelize.query<{ id: string }>(
        `UPDATE payment_orders SET billing_paid_on = (
           SELECT p.paid_on FROM payments p
            WHERE p.account_id = :accountId AND p.amount_kop = :amountKop
              AND p.paid_on BETWEEN :paidOn::date AND :paidOn::date + :days
              AND NOT EXISTS (SELECT 1 FROM payment_orders u
                               WHERE u.account_id = p.account_id AND u.amount_kop = p.amount_kop AND u.billing_paid_on = p.paid_on)
            ORDER BY p.paid_on LIMIT 1)
          WHERE id = :orderId
          RETURNING id, billing_paid_on`,
        {
          replacements: { accountId: order.account_id, amountKop: order.amount_kop, paidOn: order.paid_on, days: BILLING_BOOKING_DAYS, orderId: order.id },
          type: QueryTypes.SELECT,
          transaction,
        },
      );
      if ((rows[0] as { billing_paid_on?: string | null } | undefined)?.billing_paid_on) matched += 1;
    }
    return matched;
  });
}
