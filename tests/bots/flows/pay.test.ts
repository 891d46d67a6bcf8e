import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { defaultPaymentRules, type PaymentOrder } from '../../../core/payments/index.ts';
import { payFlow } from '../../../bots/flows/pay.ts';
import { resumeFlow, type ChatOutput } from '../../../bots/flows/runner.ts';
import type { FlowDeps } from '../../../bots/flows/router.ts';
import { createLogger } from '../../../bots/logger.ts';
import { checkoutLink } from '../../../bots/payments/liqpay.ts';
import { payments as texts } from '../../../bots/texts/payments.ts';
import { messagesFor } from '../../../bots/viber/render.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { flowDriver, type Said } from '../../support/flow-driver.ts';
import { coreDeps } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const clock = new FixedClock(new Date('2026-12-04T10:00:00Z'));
const liqpay = { publicKey: 'pub', privateKey: 'priv', checkoutUrl: 'https://www.liqpay.ua/api/3/checkout', apiUrl: 'https://www.liqpay.ua/api/request', publicBaseUrl: 'https://cabinet.example.ua' };
const deps = (withPayments = true): FlowDeps => ({
  core: coreDeps(db, clock),
  logger: createLogger('silent'),
  ...(withPayments ? { payments: { rules: defaultPaymentRules, linkFor: (order: PaymentOrder) => checkoutLink(liqpay, order, 'тест') } } : {}),
});
const play = (subscriberId: number, withPayments = true) => flowDriver(payFlow, deps(withPayments), { subscriberId, now: () => clock.now().getTime() });
const ids = (said: Said) => (said.options.choices ?? []).flat().map((c) => c.id);
const ordersOf = (subscriberId: number) =>
  db.sequelize.query<{ id: string; amount_kop: number; status: string; account_id: number }>(
    `SELECT id, amount_kop, status, account_id FROM payment_orders WHERE subscriber_id = :subscriberId ORDER BY created_at`,
    { replacements: { subscriberId }, type: QueryTypes.SELECT },
  );

describe('«Оплатити»', () => {
  it('one account with a debt: the debt is offered, the order stored, the checkout link given', async () => {
    const subscriber = await aSubscriber(db);
    const account = await anAccount(db, { balanceKop: 41_990 });
    await aLink(db, subscriber, account);
    const flow = play(subscriber.id);
    await flow.start(null);
    const [offer] = flow.take();
    expect(offer?.text).toBe(texts.offerDebt(account.number, 41_990));
    expect(ids(offer!)).toEqual(['debt', 'other']);
    await flow.press('debt');
    const [orders, [done]] = [await ordersOf(subscriber.id), flow.take()];
    expect(orders).toEqual([expect.objectContaining({ amount_kop: 41_990, status: 'created', account_id: account.id })]);
    expect(done?.text).toBe(texts.link(41_990, account.number, orders[0]!.id));
    expect(done?.options.link?.label).toBe(texts.linkButton);
    const url = new URL(done!.options.link!.url);
    expect(url.origin + url.pathname).toBe('https://www.liqpay.ua/api/3/checkout');
    const data = JSON.parse(Buffer.from(url.searchParams.get('data')!, 'base64').toString('utf8')) as Record<string, unknown>;
    expect(data).toMatchObject({ order_id: orders[0]!.id, amount: 419.9, currency: 'UAH', server_url: 'https://cabinet.example.ua/payments/liqpay' });
    expect(flow.state).toBeNull();
  });

  it('several accounts, another amount: the account is asked, a bad amount explained, a good one ordered', async () => {
    const subscriber = await aSubscriber(db);
    const first = await anAccount(db, { balanceKop: 10_000 });
    const second = await anAccount(db, { balanceKop: 0 });
    await aLink(db, subscriber, first);
    await aLink(db, subscriber, second);
    const flow = play(subscriber.id);
    await flow.start(null);
    expect(ids(flow.take()[0]!)).toEqual([`a${first.id}`, `a${second.id}`]);
    await flow.press(`a${second.id}`);
    const [offer] = flow.take();
    expect(offer?.text).toBe(texts.offerNoDebt(second.number));
    expect(ids(offer!)).toEqual(['other']);
    await flow.press('other');
    expect(flow.take().map((s) => s.text)).toEqual([texts.askAmount(100, 2_000_000)]);
    await flow.type('п’ятсот');
    await flow.type('0,50');
    await flow.type('20000,01');
    expect(flow.take().map((s) => s.text)).toEqual([texts.amountHint, texts.amountTooSmall(100), texts.amountTooLarge(2_000_000)]);
    expect(await ordersOf(subscriber.id)).toEqual([]);
    await flow.type('350,50 грн');
    expect(await ordersOf(subscriber.id)).toEqual([expect.objectContaining({ amount_kop: 35_050, account_id: second.id })]);
  });

  it('started for an account that is not the subscriber\'s: refused, nothing stored', async () => {
    const subscriber = await aSubscriber(db);
    const stranger = await anAccount(db);
    const flow = play(subscriber.id);
    await flow.start({ accountId: stranger.id });
    expect(flow.take().map((s) => s.text)).toEqual([texts.notLinked]);
    expect(await ordersOf(subscriber.id)).toEqual([]);
  });

  it('without LiqPay configured, or without accounts, says so', async () => {
    const subscriber = await aSubscriber(db);
    const off = play(subscriber.id, false);
    await off.start(null);
    expect(off.take().map((s) => s.text)).toEqual([texts.unavailable]);
    const none = play(subscriber.id);
    await none.start(null);
    expect(none.take().map((s) => s.text)).toEqual([texts.noAccounts]);
  });

  it('one order however often the last press is replayed (a redelivery, another instance)', async () => {
    const subscriber = await aSubscriber(db);
    const account = await anAccount(db, { balanceKop: 5_000 });
    await aLink(db, subscriber, account);
    const flow = play(subscriber.id);
    await flow.start({ accountId: account.id });
    const atOffer = flow.state!;
    const out: ChatOutput = { channel: 'viber', subscriberId: subscriber.id, send: async () => undefined };
    const press = { kind: 'press' as const, prompt: atOffer.prompt, id: 'debt' };
    await Promise.all([1, 2, 3].map(() => resumeFlow(payFlow, deps(), out, atOffer, press, { now: clock.now().getTime() })));
    await resumeFlow(payFlow, deps(), out, atOffer, press, { now: clock.now().getTime() });
    expect(await ordersOf(subscriber.id)).toHaveLength(1);
  });

  it('renders the link on Viber as an open-url button', () => {
    const [message] = messagesFor('До сплати', { link: { label: texts.linkButton, url: 'https://www.liqpay.ua/api/3/checkout?data=x' }, keyboard: 'menu' }, 1);
    expect(message?.keyboard?.Buttons[0]).toMatchObject({ ActionType: 'open-url', ActionBody: 'https://www.liqpay.ua/api/3/checkout?data=x', Text: texts.linkButton });
  });
});
