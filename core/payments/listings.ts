import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../models/database.ts';
import type { Clock } from '../clock.ts';
import { localDate, type LocalDate } from '../calendar.ts';

export interface OnlinePayment {
  orderId: string;
  accountNumber: string;
  amountKop: number;
  paidAt: string;
  provider: string;
  providerPaymentId: string;
  /** Billing's payments row that confirmed it, or null while it waits (and is shown as «очікує зарахування»). */
  billingPaidOn: LocalDate | null;
  reversedAt: string | null;
}

interface Row {
  order_id: string;
  account_number: string;
  amount_kop: number;
  paid_at: Date;
  provider: string;
  provider_payment_id: string;
  billing_paid_on: string | null;
  reversed_at: Date | null;
}

const SELECT = `SELECT o.id AS order_id, a.number AS account_number, t.amount_kop, t.paid_at, o.provider, t.provider_payment_id,
                       o.billing_paid_on::text AS billing_paid_on, t.reversed_at
                  FROM payment_transactions t JOIN payment_orders o ON o.id = t.order_id JOIN accounts a ON a.id = o.account_id`;

function toPayment(row: Row): OnlinePayment {
  return {
    orderId: row.order_id,
    accountNumber: row.account_number,
    amountKop: row.amount_kop,
    paidAt: new Date(row.paid_at).toISOString(),
    provider: row.provider,
    providerPaymentId: row.provider_payment_id,
    billingPaidOn: row.billing_paid_on,
    reversedAt: row.reversed_at ? new Date(row.reversed_at).toISOString() : null,
  };
}

/** An account's online payments, latest first: for the account view and staff's /account. */
export async function onlinePaymentsOf(db: Database, accountId: number, limit = 10, transaction?: Transaction): Promise<OnlinePayment[]> {
  const rows = await db.sequelize.query<Row>(`${SELECT} WHERE o.account_id = :accountId ORDER BY t.paid_at DESC LIMIT :limit`, {
    replacements: { accountId, limit },
    type: QueryTypes.SELECT,
    ...(transaction ? { transaction } : {}),
  });
  return rows.map(toPayment);
}

/** One order's recorded payment: the receipt. */
export async function paymentOfOrder(db: Database, orderId: string): Promise<OnlinePayment | null> {
  const [row] = await db.sequelize.query<Row>(`${SELECT} WHERE o.id = :orderId`, { replacements: { orderId }, type: QueryTypes.SELECT });
  return row ? toPayment(row) : null;
}

/** Paid online (and not refunded) more than `confirmDays` ago, and billing has still not booked it. */
export async function unconfirmedPayments(db: Database, clock: Clock, confirmDays: number): Promise<OnlinePayment[]> {
  const before = new Date(clock.now().getTime() - confirmDays * 24 * 60 * 60_000);
  const rows = await db.sequelize.query<Row>(
    `${SELECT} WHERE o.status = 'paid' AND o.billing_paid_on IS NULL AND t.paid_at <= :before ORDER BY t.paid_at`,
    { replacements: { before }, type: QueryTypes.SELECT },
  );
  return rows.map(toPayment);
}

/** Payments (not refunded) whose day in `timeZone` is from `from` to `to`, both included, for billing. */
export async function paymentsForExport(db: Database, range: { from: LocalDate; to: LocalDate }, timeZone: string): Promise<OnlinePayment[]> {
  const rows = await db.sequelize.query<Row>(
    `${SELECT} WHERE o.status = 'paid' AND (t.paid_at AT TIME ZONE :timeZone)::date BETWEEN :from::date AND :to::date
      ORDER BY t.paid_at, o.id`,
    { replacements: { ...range, timeZone }, type: QueryTypes.SELECT },
  );
  return rows.map(toPayment);
}

/** An online payment the account view shows beside billing's payments, until billing's file brings it. */
export interface UnbookedPayment {
  orderId: string;
  amountKop: number;
  /** The payment's day in the cabinet's zone. */
  paidOn: LocalDate;
  /** `pending`: paid, billing has not booked it yet; `reversed`: refunded by the provider. */
  state: 'pending' | 'reversed';
}

/**
 * An account's online payments billing has not booked (shown at once as paid online, awaiting billing) and its
 * refunded ones, latest first. Once billing's payments file brings a payment it is billing's row that is shown.
 */
export async function unbookedPaymentsOf(
  db: Database,
  request: { accountId: number; timeZone: string; limit: number },
  transaction?: Transaction,
): Promise<UnbookedPayment[]> {
  const rows = await db.sequelize.query<Row & { status: string }>(
    `${SELECT} WHERE o.account_id = :accountId AND ((o.status = 'paid' AND o.billing_paid_on IS NULL) OR o.status = 'reversed')
      ORDER BY t.paid_at DESC LIMIT :limit`,
    { replacements: { accountId: request.accountId, limit: request.limit }, type: QueryTypes.SELECT, ...(transaction ? { transaction } : {}) },
  );
  return rows.map((row) => ({
    orderId: row.order_id,
    amountKop: row.amount_kop,
    paidOn: localDate(new Date(row.paid_at), request.timeZone),
    state: row.reversed_at ? 'reversed' : 'pending',
  }));
}
