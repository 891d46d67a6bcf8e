import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../bots/app.ts';
import { loadConfig } from '../../../bots/config.ts';
import { createLogger } from '../../../bots/logger.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { payments as texts } from '../../../bots/texts/payments.ts';
import { systemClock } from '../../../core/clock.ts';
import { loadDemoData } from '../../../core/billing/demo-data.ts';
import { freePort } from '../../../dev/free-port.ts';
import { PLAYGROUND_TELEGRAM_PROVIDER_TOKEN, startPlayground, withPlaygroundPayments, type Playground } from '../../../dev/playground/index.ts';
import type { ChatView, MessageView } from '../../../dev/playground/views.ts';
import type { ViberChatView, ViberMessageView } from '../../../dev/playground/viber-views.ts';
import type { Account } from '../../../models/models.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

// The playground with no keys at all, as npm start builds it: each channel pays with its own checkout — a Telegram
// invoice whose «Сплатити» plays the user's «Pay» (pre_checkout_query, the bot's answer, successful_payment), and
// Viber's payment message whose checkout hands the stand-in of LiqPay the order — through the page's own API, and
// the account view then shows the payment as pending in billing. LiqPay's link stays the fallback.

const logger = createLogger('silent');
const TELEGRAM_CHAT = 100_000_002; // a seeded Telegram subscriber of the playground
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
  const config = withPlaygroundPayments(loadConfig({ PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }), playground, base);
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

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}/playground/api${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
}

async function ok<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const answer = await api<T>(method, path, body);
  expect(answer.status).toBeLessThan(300);
  return answer.body;
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

async function aDebtor(channel: 'telegram' | 'viber', channelUserId: string, balanceKop: number): Promise<Account> {
  const subscriber = await aSubscriber(db, { channel, channelUserId, name: 'Абонент' });
  await subscriber.update({ phoneDeferredAt: new Date() });
  const account = await anAccount(db, { balanceKop });
  await aLink(db, subscriber, account);
  return account;
}

async function orderOf(account: Account): Promise<{ id: string; status: string; provider: string }> {
  const [rows] = await db.sequelize.query(`SELECT id, status, provider FROM payment_orders WHERE account_id = :id ORDER BY created_at DESC LIMIT 1`, {
    replacements: { id: account.id },
  });
  return (rows as { id: string; status: string; provider: string }[])[0]!;
}

describe("paying in the playground with the channels' own checkouts", () => {
  it('configures a test provider token for Telegram and the stand-in LiqPay as Viber’s payment service provider', () => {
    const config = withPlaygroundPayments(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), playground, base);
    expect(config.payments.telegramProviderToken).toBe(PLAYGROUND_TELEGRAM_PROVIDER_TOKEN);
    expect(config.payments.viber).toEqual({ psp: 'liqpay', pspUrl: playground.liqpayStandIn.viberUrl });
    // Real values win: a real provider token stays, and with real LiqPay keys Viber's stays as configured.
    const real = withPlaygroundPayments(
      loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        TELEGRAM_PAYMENT_PROVIDER_TOKEN: '1234:LIVE:abc',
        LIQPAY_PUBLIC_KEY: 'pub',
        LIQPAY_PRIVATE_KEY: 'priv',
        PUBLIC_BASE_URL: 'https://example.org',
      }),
      playground,
      base,
    );
    expect(real.payments.telegramProviderToken).toBe('1234:LIVE:abc');
    expect(real.payments.viber).toBeUndefined();
    expect(real.payments.liqpay?.publicKey).toBe('pub');
  });

  it('on Telegram: the invoice → «Сплатити» → the receipt, the paid invoice and the pending payment', async () => {
    const account = await aDebtor('telegram', String(TELEGRAM_CHAT), 48_020);
    const chat = () => ok<ChatView>('GET', `/chats/${TELEGRAM_CHAT}`);
    const newest = async (match: (m: MessageView) => boolean) => (await chat()).messages.findLast((m) => match(m));

    await ok('POST', `/chats/${TELEGRAM_CHAT}/text`, { as: TELEGRAM_CHAT, text: menu.pay });
    const offer = await eventually(() => newest((m) => m.byBot && m.text === texts.offerDebt(account.number, 48_020)), 'the offer');
    const payDebt = offer.inline!.flat().find((b) => b.text === texts.payDebt(48_020))!;
    await ok('POST', `/chats/${TELEGRAM_CHAT}/press`, { as: TELEGRAM_CHAT, messageId: offer.id, data: payDebt.data });
    const invoice = await eventually(() => newest((m) => m.invoice !== undefined), 'the invoice');
    expect(invoice.invoice).toEqual({ title: texts.invoiceTitle, description: texts.checkoutDescription(account.number), amount: '480,20 грн', paid: false });
    const order = await orderOf(account);
    expect(order.provider).toBe('telegram');
    // The invoice, not the link: one order is never offered two ways.
    expect((await chat()).messages.some((m) => m.inline?.flat().some((b) => b.url))).toBe(false);

    // Someone else's chat has no such invoice: the stand-in refuses, as Telegram would show nothing to press.
    const elsewhere = await api<{ error: string }>('POST', `/chats/100000001/pay`, { as: 100_000_001, messageId: invoice.id });
    expect(elsewhere.status).toBe(400);

    expect(await ok('POST', `/chats/${TELEGRAM_CHAT}/pay`, { as: TELEGRAM_CHAT, messageId: invoice.id })).toEqual({ outcome: 'paid' });
    await eventually(async () => ((await orderOf(account)).status === 'paid' ? true : undefined), 'the order paid');
    const receipt = await eventually(() => newest((m) => m.byBot && (m.text?.includes(`Замовлення: ${order.id}`) ?? false)), 'the receipt');
    expect(receipt.text).toContain('✅ Оплату отримано.');
    const view = await chat();
    expect(view.messages.find((m) => m.id === invoice.id)?.invoice?.paid).toBe(true);
    expect(view.messages.some((m) => !m.byBot && m.service === 'Ви сплатили 480,20 грн')).toBe(true);

    // Pressing «Сплатити» again: the bot refuses at the last step, and the page hears why.
    const again = await ok<{ outcome: string; error?: string }>('POST', `/chats/${TELEGRAM_CHAT}/pay`, { as: TELEGRAM_CHAT, messageId: invoice.id });
    expect(again).toEqual({ outcome: 'refused', error: texts.precheckRefused.closed });

    await ok('POST', `/chats/${TELEGRAM_CHAT}/text`, { as: TELEGRAM_CHAT, text: menu.accounts });
    const list = await eventually(() => newest((m) => m.byBot && (m.inline?.flat().some((b) => b.text.includes(account.number)) ?? false)), 'the accounts');
    const open = list.inline!.flat().find((b) => b.text.includes(account.number))!;
    await ok('POST', `/chats/${TELEGRAM_CHAT}/press`, { as: TELEGRAM_CHAT, messageId: list.id, data: open.data });
    const accountView = await eventually(
      () => newest((m) => m.byBot && (m.text?.startsWith(`Рахунок № ${account.number}\n`) ?? false) && m.text!.includes(texts.pendingInBilling)),
      'the account view with the pending payment',
    );
    expect(accountView.text).toContain(`480,20 грн — ${texts.pendingInBilling}`);
  });

  it('on Telegram: a sum under Telegram’s minimum falls back to the stand-in LiqPay’s link', async () => {
    const chatId = 100_000_003;
    const account = await aDebtor('telegram', String(chatId), 2_500);
    const newest = async (match: (m: MessageView) => boolean) => (await ok<ChatView>('GET', `/chats/${chatId}`)).messages.findLast((m) => m.byBot && match(m));
    await ok('POST', `/chats/${chatId}/text`, { as: chatId, text: menu.pay });
    const offer = await eventually(() => newest((m) => m.text === texts.offerDebt(account.number, 2_500)), 'the offer');
    const payDebt = offer.inline!.flat().find((b) => b.text === texts.payDebt(2_500))!;
    await ok('POST', `/chats/${chatId}/press`, { as: chatId, messageId: offer.id, data: payDebt.data });
    const linked = await eventually(() => newest((m) => m.inline?.flat().some((b) => b.url) ?? false), 'the checkout link');
    expect(linked.inline!.flat().find((b) => b.url)!.url!.startsWith(playground.liqpayStandIn.checkoutUrl)).toBe(true);
  });

  it('on Viber: the payment message → «Відхилити», then again → «Сплатити» → the receipt and the pending payment', async () => {
    const account = await aDebtor('viber', VIBER_USER, 12_345);
    const path = `/viber/chats/${encodeURIComponent(VIBER_USER)}`;
    const chat = () => ok<ViberChatView>('GET', path);
    const newest = async (match: (m: ViberMessageView) => boolean) => (await chat()).messages.findLast((m) => m.byBot && match(m));
    const startPaying = async (since: number) => {
      await ok('POST', `${path}/text`, { text: menu.pay });
      await eventually(() => newest((m) => m.seq > since && m.text === texts.offerDebt(account.number, 12_345)), 'the offer');
      await ok('POST', `${path}/press`, { actionBody: texts.payDebt(12_345) });
      return eventually(() => newest((m) => m.seq > since && m.payment !== undefined), 'the payment message');
    };

    const first = await startPaying(0);
    expect(first.payment).toMatchObject({ description: texts.checkoutDescription(account.number), amount: '123,45 грн', payable: true });
    expect((await orderOf(account)).provider).toBe('viber');
    expect(await ok('POST', `${path}/pay`, { decline: true })).toEqual({ outcome: 'declined' });
    await eventually(() => newest((m) => m.seq > first.seq && m.text === texts.notCompleted), '«Оплату не завершено»');
    expect((await chat()).messages.find((m) => m.seq === first.seq)?.payment).toMatchObject({ outcome: 'declined', payable: false });
    expect((await api<{ error: string }>('POST', `${path}/pay`, {})).status).toBe(400);

    const second = await startPaying(first.seq);
    const order = await orderOf(account);
    expect(await ok('POST', `${path}/pay`, {})).toEqual({ outcome: 'paid' });
    await eventually(async () => ((await orderOf(account)).status === 'paid' ? true : undefined), 'the order paid');
    const receipt = await eventually(() => newest((m) => m.text?.includes(`Замовлення: ${order.id}`) ?? false), 'the receipt');
    expect(receipt.text).toContain('✅ Оплату отримано.');
    expect((await chat()).messages.find((m) => m.seq === second.seq)?.payment).toMatchObject({ outcome: 'paid', payable: false });

    await ok('POST', `${path}/text`, { text: menu.accounts });
    await eventually(async () => ((await chat()).keyboard?.rows.flat().some((b) => b.text.includes(account.number)) ? true : undefined), 'the accounts');
    const button = (await chat()).keyboard!.rows.flat().find((b) => b.text.includes(account.number))!;
    await ok('POST', `${path}/press`, { actionBody: button.actionBody });
    const accountView = await eventually(() => newest((m) => (m.text?.startsWith(`Рахунок № ${account.number}\n`) ?? false) && m.text!.includes(texts.pendingInBilling)), 'the account view');
    expect(accountView.text).toContain(`123,45 грн — ${texts.pendingInBilling}`);
  });
});
