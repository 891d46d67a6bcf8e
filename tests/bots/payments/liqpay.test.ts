import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../core/clock.ts';
import { findOrder, reconcilePayments, type PaymentOrder } from '../../../core/payments/index.ts';
import { createLogger } from '../../../bots/logger.ts';
import { createPayments, type Payments } from '../../../bots/payments/index.ts';
import { checkCallback, createLiqPayStatusSource, liqpaySignature, type LiqPayConfig } from '../../../bots/payments/liqpay.ts';
import { createHttpApp } from '../../../bots/server.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startFakeLiqPay, type FakeLiqPay } from '../../support/fake-liqpay/index.ts';
import { anOrder, paymentsDeps } from '../../support/payments-builders.ts';

const PRIVATE_KEY = 'sandbox_private_key_never_logged_7f3a';
const PUBLIC_KEY = 'sandbox_i000000001';

let db: TestDatabase;
let fake: FakeLiqPay;
let server: Server;
let payments: Payments;
let liqpay: LiqPayConfig;
const logLines: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 10 });
  fake = await startFakeLiqPay({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY });
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  );
  const http = createHttpApp(
    { webhooks: [{ path: '/payments/liqpay', handler: (req, res, next) => payments.callback.handler(req, res, next) }], checkDatabase: async () => true },
    logger,
  );
  server = await new Promise<Server>((resolve) => {
    const listening = http.listen(0, '127.0.0.1', () => resolve(listening));
  });
  liqpay = {
    publicKey: PUBLIC_KEY,
    privateKey: PRIVATE_KEY,
    checkoutUrl: fake.checkoutUrl,
    apiUrl: fake.apiUrl,
    publicBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
  payments = createPayments({ liqpay, payments: paymentsDeps(db, systemClock), logger });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await fake?.close();
  await db?.destroy();
});

async function anOpenedOrder(amountKop = 25_050): Promise<PaymentOrder> {
  const order = await anOrder(payments.deps, { amountKop });
  const page = await fake.open(payments.linkFor(order));
  expect(page.status).toBe(200);
  return order;
}

async function creditedCount(orderId: string): Promise<number> {
  const [rows] = await db.sequelize.query(`SELECT 1 FROM payment_transactions WHERE order_id = :orderId`, { replacements: { orderId } });
  return rows.length;
}

describe('the checkout link', () => {
  it('carries the stored order signed: amount in hryvnias, UAH, our callback address', async () => {
    const order = await anOpenedOrder(31_275);
    expect(fake.checkouts.get(order.id)).toMatchObject({ amount: 312.75, currency: 'UAH', serverUrl: `${liqpay.publicBaseUrl}/payments/liqpay` });
    expect(fake.checkouts.get(order.id)?.raw).toMatchObject({ version: 3, action: 'pay', public_key: PUBLIC_KEY, order_id: order.id, language: 'uk' });
  });

  it('is refused by LiqPay when anything in it was changed', async () => {
    const order = await anOrder(payments.deps);
    const link = new URL(payments.linkFor(order));
    const data = JSON.parse(Buffer.from(link.searchParams.get('data')!, 'base64').toString('utf8')) as Record<string, unknown>;
    link.searchParams.set('data', Buffer.from(JSON.stringify({ ...data, amount: 1 })).toString('base64'));
    expect((await fake.open(link.toString())).status).toBe(403);
  });
});

describe('LiqPay callbacks', () => {
  it('paid: the order is paid and credited once', async () => {
    const order = await anOpenedOrder();
    expect(await fake.pay(order.id)).toBe(200);
    expect((await findOrder(db, order.id))?.status).toBe('paid');
    expect(await creditedCount(order.id)).toBe(1);
  });

  it('declined: the order fails, nothing credited', async () => {
    const order = await anOpenedOrder();
    expect(await fake.decline(order.id)).toBe(200);
    expect((await findOrder(db, order.id))?.status).toBe('failed');
    expect(await creditedCount(order.id)).toBe(0);
  });

  it('duplicated and reordered: 30 copies at once and a late «processing» leave one payment', async () => {
    const order = await anOpenedOrder();
    await fake.pay(order.id);
    const statuses = await Promise.all(Array.from({ length: 30 }, () => fake.resend(order.id)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await fake.resend(order.id, 'processing')).toBe(200);
    expect((await findOrder(db, order.id))?.status).toBe('paid');
    expect(await creditedCount(order.id)).toBe(1);
  });

  it('another amount than the order\'s: not credited, staff alerted', async () => {
    const order = await anOpenedOrder(50_000);
    await fake.pay(order.id, { amountKop: 500 });
    expect((await findOrder(db, order.id))?.status).toBe('created');
    expect(await creditedCount(order.id)).toBe(0);
    const alerts = await db.models.OutboxMessage.findAll({ where: { kind: 'payment-alert' } });
    expect(alerts.map((a) => a.payload)).toContainEqual(expect.objectContaining({ reason: 'amount-mismatch', orderId: order.id, reportedKop: 500 }));
  });

  it('forged: 403 at once, nothing recorded, counted; a burst alerts staff once', async () => {
    const order = await anOpenedOrder();
    const data = Buffer.from(JSON.stringify({ order_id: order.id, status: 'success', amount: 250.5, currency: 'UAH', payment_id: 1 })).toString('base64');
    const url = `${liqpay.publicBaseUrl}/payments/liqpay`;
    const forged = [
      new URLSearchParams({ data, signature: liqpaySignature('guessed-key', data) }).toString(),
      new URLSearchParams({ data }).toString(),
      new URLSearchParams({ data, signature: '' }).toString(),
      'not a form at all',
    ];
    for (const body of forged) expect(await fake.postCallback(url, body)).toBe(403);
    const burst = await Promise.all(Array.from({ length: 20 }, () => fake.postCallback(url, forged[0]!)));
    expect(burst.every((s) => s === 403)).toBe(true);
    expect((await findOrder(db, order.id))?.status).toBe('created');
    // Counting comes after the 403 has gone: wait for all 24 to be counted.
    const forgedAlerts = async () =>
      (await db.models.OutboxMessage.findAll({ where: { kind: 'payment-alert' } })).filter((m) => m.payload['reason'] === 'forged-callbacks').length;
    const counted = async () =>
      ((await db.sequelize.query(`SELECT coalesce(sum(count), 0)::int AS n FROM payment_forged_callbacks`)) as [Array<{ n: number }>, unknown])[0][0]?.n ?? 0;
    const until = Date.now() + 10_000;
    while (Date.now() < until && (await counted()) < 24) await new Promise((r) => setTimeout(r, 50));
    expect(await counted()).toBe(24);
    // One alert per clock hour: a run that crosses an hour boundary may count in two buckets.
    expect(await forgedAlerts()).toBeGreaterThanOrEqual(1);
    expect(await forgedAlerts()).toBeLessThanOrEqual(2);
  });

  it('a signed callback about an order we never stored: 200 (LiqPay stops repeating it), nothing written', async () => {
    const data = Buffer.from(JSON.stringify({ order_id: 'never-stored', status: 'success', amount: 1, currency: 'UAH', payment_id: 5 })).toString('base64');
    const status = await fake.postCallback(`${liqpay.publicBaseUrl}/payments/liqpay`, new URLSearchParams({ data, signature: liqpaySignature(PRIVATE_KEY, data) }).toString());
    expect(status).toBe(200);
    const [rows] = await db.sequelize.query(`SELECT 1 FROM payment_reports WHERE order_id = 'never-stored'`);
    expect(rows).toEqual([]);
  });

  it('checks the signature over the data as sent, before decoding it', () => {
    const data = 'not base64 json at all';
    expect(checkCallback(PRIVATE_KEY, new URLSearchParams({ data, signature: liqpaySignature(PRIVATE_KEY, data) }).toString())).toEqual({ kind: 'malformed' });
    expect(checkCallback(PRIVATE_KEY, new URLSearchParams({ data, signature: liqpaySignature(PRIVATE_KEY, `${data} `) }).toString())).toEqual({ kind: 'forged' });
  });

  it('never writes the keys into the log', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(PRIVATE_KEY);
  });
});

describe('the status API', () => {
  it('finds a payment whose callback was lost, and knows nothing of an order never paid', async () => {
    const source = createLiqPayStatusSource(liqpay);
    const lost = await anOpenedOrder();
    await fake.pay(lost.id, { callback: false });
    const unpaid = await anOpenedOrder();
    expect(await source.status(lost.id)).toMatchObject({ orderId: lost.id, status: 'paid', amountKop: 25_050, currency: 'UAH', source: 'status-api' });
    expect(await source.status(unpaid.id)).toBeNull();
    const later = paymentsDeps(db, { now: () => new Date(Date.now() + 10 * 60_000) });
    const summary = await reconcilePayments(later, { liqpay: source });
    expect(summary.paid).toBeGreaterThanOrEqual(1);
    expect((await findOrder(db, lost.id))?.status).toBe('paid');
    expect((await findOrder(db, unpaid.id))?.status).toBe('created');
    expect(await fake.resend(lost.id)).toBe(200);
    expect(await creditedCount(lost.id)).toBe(1);
  });
});
