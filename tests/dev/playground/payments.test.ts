import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../bots/app.ts';
import { loadConfig } from '../../../bots/config.ts';
import { createLogger } from '../../../bots/logger.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { payments as texts } from '../../../bots/texts/payments.ts';
import { systemClock } from '../../../core/clock.ts';
import { loadDemoData } from '../../../core/billing/demo-data.ts';
import { freePort } from '../../../dev/free-port.ts';
import { PLAYGROUND_LIQPAY_PUBLIC_KEY, startPlayground, withPlaygroundPayments, type Playground } from '../../../dev/playground/index.ts';
import type { ChatView, MessageView } from '../../../dev/playground/views.ts';
import type { ViberChatView, ViberMessageView } from '../../../dev/playground/viber-views.ts';
import type { Account } from '../../../models/models.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

// The playground with no LiqPay keys: the app as npm start builds it (withPlaygroundPayments, as bots/main.ts),
// with the channels' own checkouts left off (their path is channel-checkouts.test.ts), so LiqPay's link — the
// fallback everywhere — is what both channels get: «Оплатити», the link opens the stand-in's checkout page, its «Сплатити» form pays, the stand-in's
// callback reaches the app's /payments/liqpay, and the receipt and the pending payment show in the chat — on
// Telegram and on Viber, through the page's own API.

const logger = createLogger('silent');
const TELEGRAM_CHAT = 100_000_003; // Марія, a seeded Telegram subscriber of the playground
const VIBER_USER = 'pgViberPetro0000000002=='; // Петро Кравець, a seeded Viber subscriber

let db: TestDatabase;
let playground: Playground;
let app: App;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const demo = await loadDemoData(db, systemClock);
  playground = await startPlayground({ db, clock: systemClock, logger, demoAccounts: demo });
  const port = await freePort('127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  const played = withPlaygroundPayments(loadConfig({ PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }), playground, base);
  const config = { ...played, payments: { ...played.payments, telegramProviderToken: undefined, viber: undefined } };
  app = buildApp({
    config,
    db,
    clock: systemClock,
    logger,
    telegramFallback: playground.telegram,
    viberFallback: playground.viberFor(base),
    mountExtra: (http) => playground.mount(http),
  });
  await app.start();
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await playground?.stop();
  await db?.destroy();
});

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/playground/api${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  expect(res.status).toBeLessThan(300);
  return (res.status === 204 ? null : await res.json()) as T;
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A consented subscriber of the playground's seeds, with an account in debt linked. */
async function aDebtor(channel: 'telegram' | 'viber', channelUserId: string, balanceKop: number): Promise<Account> {
  const subscriber = await aSubscriber(db, { channel, channelUserId, name: 'Абонент' });
  await subscriber.update({ phoneDeferredAt: new Date() });
  const account = await anAccount(db, { balanceKop });
  await aLink(db, subscriber, account);
  return account;
}

/** What the stand-in's checkout page does when «Сплатити» is pressed: its form posted. */
async function payOnCheckoutPage(link: string): Promise<string> {
  const page = await fetch(link);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Тестова сторінка оплати');
  const orderId = /name="order_id" value="([^"]+)"/.exec(html)?.[1];
  expect(orderId).toBeDefined();
  const paid = await fetch(`${playground.liqpayStandIn.url}/checkout/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ order_id: orderId! }).toString(),
  });
  expect(paid.status).toBe(200);
  const done = await paid.text();
  expect(done).toContain('Оплачено');
  expect(done).toContain(`href="${base}"`);
  return orderId!;
}

async function statusOf(orderId: string): Promise<string | undefined> {
  const [rows] = await db.sequelize.query(`SELECT status FROM payment_orders WHERE id = :orderId`, { replacements: { orderId } });
  return (rows as { status: string }[])[0]?.status;
}

describe('paying in the playground with no keys', () => {
  it('configures the stand-in LiqPay: its keys, its checkout, callbacks to the app', () => {
    expect(app.payments).toBeDefined();
    const liqpay = playground.liqpayFor(base);
    expect(liqpay).toMatchObject({ publicKey: PLAYGROUND_LIQPAY_PUBLIC_KEY, checkoutUrl: playground.liqpayStandIn.checkoutUrl, publicBaseUrl: base });
    expect(liqpay.checkoutUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('on Telegram: menu → the debt → the link → the stand-in pays → the receipt and the pending payment', async () => {
    const account = await aDebtor('telegram', String(TELEGRAM_CHAT), 48_020);
    const chat = () => api<ChatView>('GET', `/chats/${TELEGRAM_CHAT}`);
    const newest = async (match: (m: MessageView) => boolean) => (await chat()).messages.findLast((m) => m.byBot && match(m));

    await api('POST', `/chats/${TELEGRAM_CHAT}/text`, { as: TELEGRAM_CHAT, text: menu.pay });
    const offer = await eventually(() => newest((m) => m.text === texts.offerDebt(account.number, 48_020)), 'the offer');
    const payDebt = offer.inline?.flat().find((b) => b.text === texts.payDebt(48_020));
    expect(payDebt?.data).toBeDefined();
    await api('POST', `/chats/${TELEGRAM_CHAT}/press`, { as: TELEGRAM_CHAT, messageId: offer.id, data: payDebt!.data });
    const linked = await eventually(() => newest((m) => m.inline?.flat().some((b) => b.url) ?? false), 'the checkout link');
    const link = linked.inline!.flat().find((b) => b.url)!;
    expect(link.text).toBe(texts.linkButton);
    expect(link.url!.startsWith(playground.liqpayStandIn.checkoutUrl)).toBe(true);

    const orderId = await payOnCheckoutPage(link.url!);
    expect(await statusOf(orderId)).toBe('paid');
    const receipt = await eventually(() => newest((m) => m.text?.includes(`Замовлення: ${orderId}`) ?? false), 'the receipt');
    expect(receipt.text).toContain('✅ Оплату отримано.');

    await api('POST', `/chats/${TELEGRAM_CHAT}/text`, { as: TELEGRAM_CHAT, text: menu.accounts });
    const list = await eventually(() => newest((m) => m.inline?.flat().some((b) => b.text.includes(account.number)) ?? false), 'the accounts');
    const open = list.inline!.flat().find((b) => b.text.includes(account.number))!;
    await api('POST', `/chats/${TELEGRAM_CHAT}/press`, { as: TELEGRAM_CHAT, messageId: list.id, data: open.data });
    const view = await eventually(() => newest((m) => (m.text?.startsWith(`Рахунок № ${account.number}\n`) ?? false) && m.text!.includes(texts.pendingInBilling)), 'the account view with the pending payment');
    expect(view.text).toContain(`480,20 грн — ${texts.pendingInBilling}`);
  });

  it('on Viber: the same path, the checkout behind an open-url button', async () => {
    const account = await aDebtor('viber', VIBER_USER, 12_345);
    const chat = () => api<ViberChatView>('GET', `/viber/chats/${encodeURIComponent(VIBER_USER)}`);
    const newest = async (match: (m: ViberMessageView) => boolean) => (await chat()).messages.findLast((m) => m.byBot && match(m));

    await api('POST', `/viber/chats/${encodeURIComponent(VIBER_USER)}/text`, { text: menu.pay });
    await eventually(() => newest((m) => m.text === texts.offerDebt(account.number, 12_345)), 'the offer');
    await api('POST', `/viber/chats/${encodeURIComponent(VIBER_USER)}/press`, { actionBody: texts.payDebt(12_345) });
    const link = await eventually(async () => (await chat()).keyboard?.rows.flat().find((b) => b.url), 'the open-url button');
    expect(link.text).toBe(texts.linkButton);

    const orderId = await payOnCheckoutPage(link.url!);
    expect(await statusOf(orderId)).toBe('paid');
    const receipt = await eventually(() => newest((m) => m.text?.includes(`Замовлення: ${orderId}`) ?? false), 'the receipt');
    expect(receipt.text).toContain('✅ Оплату отримано.');
  });
});
