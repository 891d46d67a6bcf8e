import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import { defaultPaymentRules, findOrder, type PaymentsDeps } from '../../../core/payments/index.ts';
import { cabinetFlows, FLOW_TIMEOUT_MS } from '../../../bots/flows/index.ts';
import { createCabinet, type Flow } from '../../../bots/flows/router.ts';
import { createLogger } from '../../../bots/logger.ts';
import { createPayments, type Payments } from '../../../bots/payments/index.ts';
import { createHttpApp } from '../../../bots/server.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { payments as texts } from '../../../bots/texts/payments.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startFakeLiqPay, type FakeLiqPay } from '../../support/fake-liqpay/index.ts';
import { startFakeViber, type FakeViber, type FakeViberUser } from '../../support/fake-viber/index.ts';
import { startViberBotInstance, type RunningViberBot } from '../../support/fake-viber/bot-instance.ts';

// Viber's Bot Payment API end to end over real HTTP: the real Viber adapter against the fake Viber, LiqPay as the
// payment service provider (the fake LiqPay), our LiqPay callback route on a real port. The pay flow's last step
// sends Viber's payment message; the fake plays the checkout (client_status, then LiqPay handed the signed order).

const PUBLIC_KEY = 'sandbox_i000000001';
const PRIVATE_KEY = 'sandbox_private_key_never_logged_7f3a';
const clock = new FixedClock(new Date('2026-12-05T09:00:00Z'));
const PAY_LABEL = menu.pay;
const flows = cabinetFlows;

let db: TestDatabase;
let liqpayFake: FakeLiqPay;
let viber: FakeViber;
let server: Server;
let payments: Payments;
let deps: PaymentsDeps;
let instance: RunningViberBot;
let nextUser = 1;

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 10 });
  liqpayFake = await startFakeLiqPay({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY });
  viber = await startFakeViber({ authToken: 'viber-payments-token' });
  const logger = createLogger('silent');
  const http = createHttpApp(
    { webhooks: [{ path: '/payments/liqpay', handler: (req, res, next) => payments.callback.handler(req, res, next) }], checkDatabase: async () => true },
    logger,
  );
  server = await new Promise<Server>((resolve) => {
    const listening = http.listen(0, '127.0.0.1', () => resolve(listening));
  });
  deps = { db, clock, settings: defaultCoreSettings, payments: defaultPaymentRules };
  const liqpay = {
    publicKey: PUBLIC_KEY,
    privateKey: PRIVATE_KEY,
    checkoutUrl: liqpayFake.checkoutUrl,
    apiUrl: liqpayFake.apiUrl,
    publicBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
  payments = createPayments({ liqpay, payments: deps, logger, channels: { telegram: false, viber: { psp: 'liqpay', pspUrl: liqpayFake.viberUrl } } });
  const core = { db, clock, settings: defaultCoreSettings };
  instance = await startViberBotInstance({
    db,
    clock,
    viber,
    logger,
    payments: deps,
    cabinet: createCabinet({
      flows,
      deps: { core, logger, payments: { rules: deps.payments, linkFor: payments.linkFor, providerFor: payments.providerFor, checkoutFor: payments.checkoutFor } },
      timeoutMs: FLOW_TIMEOUT_MS,
    }),
  });
});
afterAll(async () => {
  await instance?.close();
  await viber?.close();
  await liqpayFake?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await db?.destroy();
});

async function aPayer(balanceKop: number, app: { apiVersion?: number; os?: string } = {}): Promise<{ user: FakeViberUser; subscriberId: number; accountNumber: string }> {
  const id = `vb-pay-${nextUser++}`;
  const subscriber = await aSubscriber(db, { channel: 'viber', channelUserId: id });
  const account = await anAccount(db, { balanceKop });
  await aLink(db, subscriber, account);
  return { user: viber.user({ id, name: 'Оксана', ...app }), subscriberId: subscriber.id, accountNumber: account.number };
}

/** Opens «Оплатити» and takes the debt offered: what the bot sent after the press. */
async function orderDebt(user: FakeViberUser, debtKop: number) {
  await user.sendText(PAY_LABEL);
  await instance.bot.idle();
  const since = viber.sent(user.id).length;
  await user.pressButton(texts.payDebt(debtKop));
  await instance.bot.idle();
  return viber.sent(user.id).slice(since);
}

const orderOf = async (subscriberId: number) =>
  (
    await db.sequelize.query<{ id: string; provider: string; status: string }>(`SELECT id, provider, status FROM payment_orders WHERE subscriber_id = :subscriberId`, {
      replacements: { subscriberId },
      type: QueryTypes.SELECT,
    })
  )[0]!;
const transactionsOf = (orderId: string) =>
  db.sequelize.query<{ provider_payment_id: string; amount_kop: number }>(`SELECT provider_payment_id, amount_kop FROM payment_transactions WHERE order_id = :orderId`, {
    replacements: { orderId },
    type: QueryTypes.SELECT,
  });
const reportsOf = (orderId: string) =>
  db.sequelize.query<{ provider_status: string; outcome: string }>(`SELECT provider_status, outcome FROM payment_reports WHERE order_id = :orderId ORDER BY id`, {
    replacements: { orderId },
    type: QueryTypes.SELECT,
  });

describe("Viber's payment message", () => {
  it('pays a debt: the payment message for the stored order, Viber\'s status recorded, LiqPay\'s payment credited once', async () => {
    const { user, subscriberId, accountNumber } = await aPayer(41_990);
    const said = await orderDebt(user, 41_990);
    const order = await orderOf(subscriberId);
    expect(order).toMatchObject({ provider: 'viber', status: 'created' });
    expect(said.map((m) => m.type)).toEqual(['payment', 'text']);
    const [message, text] = said;
    expect(text!.text).toBe(texts.invoice(41_990, accountNumber, order.id));
    expect(message).toMatchObject({ min_api_version: 10, tracking_data: `payment:${order.id}` });
    expect(message!.payment).toMatchObject({ type: 'GooglePay', total_price: 419.9, currency_code: 'UAH' });
    const parameters = Object.fromEntries(message!.payment!.payment_parameters.map((p) => [p.key, p.value]));
    expect(parameters).toMatchObject({ gateway: 'liqpay', gatewayMerchantId: PUBLIC_KEY, payeeId: PUBLIC_KEY, url: liqpayFake.viberUrl });
    const data = JSON.parse(Buffer.from(parameters['data']!, 'base64').toString('utf8')) as Record<string, unknown>;
    expect(data).toMatchObject({ order_id: order.id, amount: 419.9, currency: 'UAH', action: 'pay' });

    const paid = await user.pay();
    expect(paid).toMatchObject({ outcome: 'paid', psp: { status: 200, body: { result: 'ok', status: 'success', callback_http_status: 200 } } });
    await instance.bot.idle();
    const payment = liqpayFake.payments.get(order.id)!;
    expect(await transactionsOf(order.id)).toEqual([{ provider_payment_id: String(payment.paymentId), amount_kop: 41_990 }]);
    expect((await orderOf(subscriberId)).status).toBe('paid');
    // Viber's status and LiqPay's callback race (the bot keeps Viber's and handles it after answering): either order
    // ends paid, Viber's «pending» applied only when it came first.
    const reports = await reportsOf(order.id);
    expect(reports.filter((r) => r.provider_status === 'success')).toEqual([{ provider_status: 'success', outcome: 'applied' }]);
    expect(reports.filter((r) => r.provider_status === 'viber:0')).toHaveLength(1);
  });

  it('records a declined checkout: the order fails, no money, the subscriber is told', async () => {
    const { user, subscriberId } = await aPayer(25_050);
    await orderDebt(user, 25_050);
    const order = await orderOf(subscriberId);
    const since = viber.sent(user.id).length;
    expect((await user.pay({ decline: true })).outcome).toBe('declined');
    await instance.bot.idle();
    expect((await orderOf(subscriberId)).status).toBe('failed');
    expect(await transactionsOf(order.id)).toEqual([]);
    expect(await reportsOf(order.id)).toEqual([{ provider_status: 'viber:1', outcome: 'applied' }]);
    expect(viber.sent(user.id).slice(since).map((m) => m.text)).toEqual([texts.notCompleted]);
  });

  it('records a duplicated status callback once and LiqPay\'s callback sent many times at once as one payment', async () => {
    const { user, subscriberId } = await aPayer(12_345);
    await orderDebt(user, 12_345);
    const order = await orderOf(subscriberId);
    const paid = await user.pay();
    if (paid.outcome !== 'paid') throw new Error(`not paid: ${paid.outcome}`);
    await instance.bot.idle();
    await user.resendStatus(paid.status.token);
    await user.resendStatus(paid.status.token);
    const callbacks = await Promise.all(Array.from({ length: 20 }, () => liqpayFake.resend(order.id)));
    expect(callbacks.every((status) => status === 200)).toBe(true);
    await instance.bot.idle();
    expect(await transactionsOf(order.id)).toHaveLength(1);
    const reports = await reportsOf(order.id);
    expect(reports.filter((r) => r.provider_status === 'viber:0')).toHaveLength(1);
    expect(reports.filter((r) => r.provider_status === 'success' && r.outcome === 'applied')).toHaveLength(1);
    expect(reports.filter((r) => r.provider_status === 'success' && r.outcome === 'unchanged')).toHaveLength(20);
    expect(await db.models.OutboxMessage.count({ where: { kind: 'payment-receipt', dedupeKey: `payment-receipt:${order.id}` } })).toBe(1);
  });

  it('asks for Apple Pay on iOS', async () => {
    const { user } = await aPayer(30_000, { os: 'iOS 17.2' });
    const said = await orderDebt(user, 30_000);
    expect(said[0]!.payment?.type).toBe('ApplePay');
  });

  it('falls back to the LiqPay link when the subscriber\'s Viber is too old for payment messages', async () => {
    const { user, subscriberId } = await aPayer(30_000, { apiVersion: 9 });
    const said = await orderDebt(user, 30_000);
    const order = await orderOf(subscriberId);
    expect(viber.calls.filter((c) => c.method === 'send_message' && c.body.type === 'payment').at(-1)?.answered).toEqual({ status: 13 });
    expect(said.map((m) => m.type)).toEqual(['text', 'text']);
    expect(said[1]!.text).toBe(texts.invoiceRefused);
    const link = said[1]!.keyboard!.Buttons.find((b) => b.ActionType === 'open-url')!;
    expect(link.ActionBody).toBe(payments.linkFor((await findOrder(db, order.id))!));
  });
});
