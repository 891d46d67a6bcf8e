import { randomUUID } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../models/database.ts';
import {
  MIN_PAYMENT_KOP,
  type CreateOrderOutcome,
  type PaymentOffer,
  type PaymentOrder,
  type PaymentProvider,
  type PaymentsDeps,
} from './types.ts';

interface OrderRow {
  id: string;
  account_id: number;
  account_number: string;
  subscriber_id: number | null;
  channel: PaymentOrder['channel'];
  provider: PaymentProvider;
  amount_kop: number;
  currency: 'UAH';
  status: PaymentOrder['status'];
  created_at: Date;
}

export const ORDER_COLUMNS = `o.id, o.account_id, a.number AS account_number, o.subscriber_id, o.channel, o.provider,
  o.amount_kop, o.currency, o.status, o.created_at`;

export function toOrder(row: OrderRow): PaymentOrder {
  return {
    id: row.id,
    accountId: row.account_id,
    accountNumber: row.account_number,
    subscriberId: row.subscriber_id,
    channel: row.channel,
    provider: row.provider,
    amountKop: row.amount_kop,
    currency: row.currency,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function findOrder(
  db: Database,
  orderId: string,
  options: { transaction?: Transaction; lock?: boolean } = {},
): Promise<PaymentOrder | null> {
  const rows = await db.sequelize.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM payment_orders o JOIN accounts a ON a.id = o.account_id WHERE o.id = :orderId
     ${options.lock ? 'FOR UPDATE OF o' : ''}`,
    { replacements: { orderId }, type: QueryTypes.SELECT, ...(options.transaction ? { transaction: options.transaction } : {}) },
  );
  return rows[0] ? toOrder(rows[0]) : null;
}

async function linkedAccount(
  db: Database,
  subscriberId: number,
  accountId: number,
  transaction?: Transaction,
): Promise<{ id: number; number: string; balance_kop: number; channel: PaymentOrder['channel'] } | undefined> {
  const [row] = await db.sequelize.query<{ id: number; number: string; balance_kop: number; channel: PaymentOrder['channel'] }>(
    `SELECT a.id, a.number, a.balance_kop, s.channel
       FROM links l JOIN accounts a ON a.id = l.account_id JOIN subscribers s ON s.id = l.subscriber_id
      WHERE l.subscriber_id = :subscriberId AND l.account_id = :accountId`,
    { replacements: { subscriberId, accountId }, type: QueryTypes.SELECT, ...(transaction ? { transaction } : {}) },
  );
  return row;
}

/** The amount to offer: the account's debt (0 when none; an advance may still be paid), within the limits. */
export async function paymentOffer(deps: PaymentsDeps, input: { subscriberId: number; accountId: number }): Promise<PaymentOffer> {
  const account = await linkedAccount(deps.db, input.subscriberId, input.accountId);
  if (!account) return { kind: 'not-linked' };
  return {
    kind: 'offer',
    accountId: account.id,
    accountNumber: account.number,
    debtKop: Math.max(0, Math.min(account.balance_kop, deps.payments.maxKop)),
    minKop: MIN_PAYMENT_KOP,
    maxKop: deps.payments.maxKop,
  };
}

/**
 * Stores the order, in one transaction, before anything is shown that could be paid: the callback must always
 * find it. The idempotency key (the flow step's) makes a replayed or doubled request find the first order.
 */
export async function createOrder(
  deps: PaymentsDeps,
  input: { subscriberId: number; accountId: number; amountKop: number; provider: PaymentProvider; idempotencyKey?: string },
): Promise<CreateOrderOutcome> {
  if (!Number.isSafeInteger(input.amountKop) || input.amountKop < MIN_PAYMENT_KOP) return { kind: 'amount-too-small', minKop: MIN_PAYMENT_KOP };
  if (input.amountKop > deps.payments.maxKop) return { kind: 'amount-too-large', maxKop: deps.payments.maxKop };
  const { db } = deps;
  const now = deps.clock.now();
  return db.sequelize.transaction(async (transaction): Promise<CreateOrderOutcome> => {
    const account = await linkedAccount(db, input.subscriberId, input.accountId, transaction);
    if (!account) return { kind: 'not-linked' };
    const id = randomUUID();
    const inserted = await db.sequelize.query<{ id: string }>(
      `INSERT INTO payment_orders (id, account_id, subscriber_id, channel, provider, amount_kop, idempotency_key, created_at, updated_at)
       VALUES (:id, :accountId, :subscriberId, :channel, :provider, :amountKop, :key, :now, :now)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id`,
      {
        replacements: {
          id,
          accountId: account.id,
          subscriberId: input.subscriberId,
          channel: account.channel,
          provider: input.provider,
          amountKop: input.amountKop,
          key: input.idempotencyKey ?? null,
          now,
        },
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    if (inserted.length > 0) {
      const order = await findOrder(db, id, { transaction });
      return { kind: 'created', order: order!, alreadyCreated: false };
    }
    const [earlier] = await db.sequelize.query<{ id: string; subscriber_id: number | null }>(
      `SELECT id, subscriber_id FROM payment_orders WHERE idempotency_key = :key`,
      { replacements: { key: input.idempotencyKey }, type: QueryTypes.SELECT, transaction },
    );
    if (!earlier || earlier.subscriber_id !== input.subscriberId) throw new Error('payment idempotency key belongs to another order');
    const order = await findOrder(db, earlier.id, { transaction });
    return { kind: 'created', order: order!, alreadyCreated: true };
  });
}
