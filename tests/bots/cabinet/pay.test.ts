import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../bots/logger.ts';
import type { SubscriberNotifier } from '../../../bots/notifier.ts';
import { createOutboxDispatcher } from '../../../bots/outbox/dispatcher.ts';
import { createSubscriberDeliveryHandlers } from '../../../bots/outbox/subscriber-deliveries.ts';
import { createPayments, type Payments } from '../../../bots/payments/index.ts';
import type { LiqPayConfig } from '../../../bots/payments/liqpay.ts';
import { reminderMessage } from '../../../bots/reminders/message.ts';
import { createHttpApp } from '../../../bots/server.ts';
import { accounts } from '../../../bots/texts/accounts.ts';
import { chartTexts } from '../../../bots/texts/chart.ts';
import { statements } from '../../../bots/texts/statements.ts';
import { common } from '../../../bots/texts/common.ts';
import { money } from '../../../bots/texts/format.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { payments as texts } from '../../../bots/texts/payments.ts';
import { importBillingFiles } from '../../../core/billing/import-files.ts';
import { localDate } from '../../../core/calendar.ts';
import { defaultPaymentRules, matchBillingPayments } from '../../../core/payments/index.ts';
import type { Account } from '../../../models/models.ts';
import { aLink, anAccount } from '../../support/builders.ts';
import { channels, choicesOf, keyboardOf, textsOf, type Reply, type ScriptedSubscriber } from '../../support/channels.ts';
import { startFakeLiqPay, type FakeLiqPay } from '../../support/fake-liqpay/index.ts';
import { aMember, useChannel } from './scenario.ts';

// «Оплатити», played the same on both channels against the fake LiqPay over HTTP: the menu, the amount, the
// checkout link, the fake's checkout paying, its callback to our route, the receipt through the outbox, the
// account view's «оплачено онлайн, очікує зарахування», billing's payments file, and billing's payment shown.

const PUBLIC_KEY = 'sandbox_i000000042';
const PRIVATE_KEY = 'sandbox_private_scenario_key_3c1d';
const logger = createLogger('silent');

describe.each(channels)('paying on $name', (kind) => {
  const pay = {} as { fake: FakeLiqPay; server: Server; liqpay: LiqPayConfig; payments: Payments; dir: string };
  beforeAll(async () => {
    pay.fake = await startFakeLiqPay({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY });
    const http = createHttpApp({ webhooks: [{ path: '/payments/liqpay', handler: (req, res, next) => pay.payments.callback.handler(req, res, next) }], checkDatabase: async () => true }, logger);
    pay.server = await new Promise<Server>((resolve) => {
      const listening = http.listen(0, '127.0.0.1', () => resolve(listening));
    });
    pay.liqpay = {
      publicKey: PUBLIC_KEY,
      privateKey: PRIVATE_KEY,
      checkoutUrl: pay.fake.checkoutUrl,
      apiUrl: pay.fake.apiUrl,
      publicBaseUrl: `http://127.0.0.1:${(pay.server.address() as AddressInfo).port}`,
    };
    pay.dir = await mkdtemp(join(tmpdir(), 'pay-scenario-'));
  });
  const stage = useChannel(kind, {
    at: '2026-12-05T09:00:00Z',
    payments: { rules: defaultPaymentRules, linkFor: (order) => pay.payments.linkFor(order) },
  });
  beforeAll(() => {
    pay.payments = createPayments({ liqpay: pay.liqpay, payments: { ...stage.world.core, payments: defaultPaymentRules }, logger });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (pay.server ? pay.server.close(() => resolve()) : resolve()));
    await pay.fake?.close();
    if (pay.dir) await rm(pay.dir, { recursive: true, force: true });
  });

  /** Runs the outbox as the app does, the subscriber's notices through the bot's own notifier; what reached the chat. */
  async function deliverOutbox(person: ScriptedSubscriber): Promise<Reply[]> {
    const replies: Reply[] = [];
    const notifier: SubscriberNotifier = {
      channel: stage.channel,
      async send(_to, message) {
        replies.push(...(await stage.world.notify(person, message)));
        return { kind: 'delivered', messageIds: [] };
      },
    };
    const dispatcher = createOutboxDispatcher({
      sequelize: stage.db.sequelize,
      clock: stage.world.clock,
      logger,
      handlers: createSubscriberDeliveryHandlers({ core: stage.world.core, notifiers: { [stage.channel]: notifier }, logger }),
    });
    await dispatcher.runOnce();
    return replies;
  }

  async function aDebtor(balanceKop: number) {
    const member = await aMember(stage);
    const account = await anAccount(stage.db, { balanceKop });
    await aLink(stage.db, member.subscriber, account);
    return { ...member, account };
  }

  async function ordersOf(account: Account) {
    return stage.db.sequelize.query<{ id: string; status: string; amount_kop: number; provider_payment_id: string | null; paid_at: Date | null }>(
      `SELECT o.id, o.status, o.amount_kop, t.provider_payment_id, t.paid_at
         FROM payment_orders o LEFT JOIN payment_transactions t ON t.order_id = o.id
        WHERE o.account_id = :accountId ORDER BY o.created_at DESC`,
      { replacements: { accountId: account.id }, type: QueryTypes.SELECT },
    );
  }

  async function theOrderOf(account: Account) {
    const [order] = await ordersOf(account);
    if (!order) throw new Error('no order stored');
    return order;
  }

  async function viewOf(person: ScriptedSubscriber, account: Account): Promise<string> {
    await person.type(menu.accounts);
    const view = await person.press(accounts.accountButton(account.number, account.address));
    return textsOf(view)[0]!;
  }

  it('pays a debt from the menu: the link, the checkout, the receipt, pending in the account view, then billing’s payment', async () => {
    const { person, account } = await aDebtor(48_020);
    // The menu shown (on Viber a press needs its button on the keyboard), with «Оплатити» in it.
    expect(keyboardOf(await person.start())).toBe('menu');

    const offer = await person.press(menu.pay);
    expect(textsOf(offer)).toEqual([texts.offerDebt(account.number, 48_020)]);
    expect(choicesOf(offer)).toEqual([texts.payDebt(48_020), texts.otherAmount]);

    const linked = await person.press(texts.payDebt(48_020));
    const order = await theOrderOf(account);
    expect(order).toMatchObject({ status: 'created', amount_kop: 48_020 });
    expect(textsOf(linked)).toEqual([texts.link(48_020, account.number, order.id)]);
    expect(keyboardOf(linked)).toBe('menu');
    const link = linked.at(-1)!.link!;
    expect(link.startsWith(`${pay.fake.checkoutUrl}?`)).toBe(true);

    expect((await pay.fake.open(link)).status).toBe(200);
    expect(await pay.fake.pay(order.id)).toBe(200);
    const paid = await theOrderOf(account);
    expect(paid.status).toBe('paid');

    const receipt = await deliverOutbox(person);
    expect(textsOf(receipt)).toHaveLength(1);
    expect(textsOf(receipt)[0]).toContain(`Сума: ${money(48_020)}`);
    expect(textsOf(receipt)[0]).toContain(`Замовлення: ${order.id}`);
    expect(textsOf(receipt)[0]).toContain(`Номер платежу LiqPay: ${paid.provider_payment_id}`);
    expect(await deliverOutbox(person)).toEqual([]);

    const paidOn = localDate(new Date(paid.paid_at!), stage.world.core.settings.timeZone);
    const pending = accounts.onlinePayment({ paidOn, amountKop: 48_020, state: 'pending' });
    expect(await viewOf(person, account)).toContain(pending);

    const file = join(pay.dir, `payments-${stage.channel}.csv`);
    await writeFile(file, `account;date;amount\n${account.number};${paidOn};480,20\n`);
    const imported = await importBillingFiles(stage.db, [{ path: file }]);
    expect(imported.map((r) => r.outcome.kind)).toEqual(['imported']);
    expect(await matchBillingPayments(stage.db, stage.world.core.settings.timeZone)).toBe(1);

    const booked = await viewOf(person, account);
    expect(booked).not.toContain(texts.pendingInBilling);
    expect(booked).toContain(accounts.payment({ paidOn, amountKop: 48_020 }));
  });

  it('«Оплатити» under an account pays that account, with no question which; a declined payment leaves nothing pending', async () => {
    const { person, subscriber, account } = await aDebtor(10_000);
    const other = await anAccount(stage.db, { balanceKop: 0 });
    await aLink(stage.db, subscriber, other);

    await person.type(menu.accounts);
    const view = await person.press(accounts.accountButton(other.number, other.address));
    expect(choicesOf(view)).toEqual([accounts.payButton, chartTexts.button, statements.button, accounts.unlinkButton, accounts.backToList, accounts.toMenu]);
    const offer = await person.press(accounts.payButton);
    expect(textsOf(offer)).toEqual([texts.offerNoDebt(other.number)]);
    expect(choicesOf(offer)).toEqual([texts.otherAmount]);
    await person.press(texts.otherAmount);
    const linked = await person.type('150,50');
    const order = await theOrderOf(other);
    expect(order.amount_kop).toBe(15_050);
    expect(textsOf(linked)).toEqual([texts.link(15_050, other.number, order.id)]);

    await pay.fake.open(linked.at(-1)!.link!);
    expect(await pay.fake.decline(order.id)).toBe(200);
    expect((await theOrderOf(other)).status).toBe('failed');
    expect(await deliverOutbox(person)).toEqual([]);
    expect(await viewOf(person, other)).not.toContain(texts.pendingInBilling);
    expect(await ordersOf(account)).toEqual([]);
  });

  it('a refunded payment shows as refunded in the account view', async () => {
    const { person, account } = await aDebtor(20_000);
    await person.type(menu.pay);
    const linked = await person.press(texts.payDebt(20_000));
    const order = await theOrderOf(account);
    await pay.fake.open(linked.at(-1)!.link!);
    await pay.fake.pay(order.id);
    expect(await pay.fake.refund(order.id)).toBe(200);
    const refunded = await theOrderOf(account);
    expect(refunded.status).toBe('reversed');
    const paidOn = localDate(new Date(refunded.paid_at!), stage.world.core.settings.timeZone);
    const card = await viewOf(person, account);
    expect(card).toContain(accounts.onlinePayment({ paidOn, amountKop: 20_000, state: 'reversed' }));
    expect(card).not.toContain(texts.pendingInBilling);
  });

  it('a reminder carries «Оплатити», which asks which account when there are several', async () => {
    const { person, subscriber, account } = await aDebtor(5_000);
    const second = await anAccount(stage.db);
    await aLink(stage.db, subscriber, second);
    const reminder = reminderMessage(
      { subscriberId: subscriber.id, channel: stage.channel, channelUserId: person.channelUserId, period: '2026-12-01', meters: [{ accountNumber: account.number, meterSerial: 'A-1', meterId: 1 }] },
      { pay: true },
    );
    expect(textsOf(await stage.world.notify(person, reminder))).toEqual([reminder.text]);
    // Telegram: the inline button's callback data; Viber: a button of the reminder's keyboard.
    const which = await person.press(menu.pay);
    expect(textsOf(which)).toEqual([texts.chooseAccount]);
    expect(choicesOf(which)).toEqual([texts.accountButton(account.number, account.address), texts.accountButton(second.number, second.address)]);
    const offer = await person.press(texts.accountButton(account.number, account.address));
    expect(textsOf(offer)).toEqual([texts.offerDebt(account.number, 5_000)]);
  });
});

describe.each(channels)('no payment configured on $name', (kind) => {
  const stage = useChannel(kind, { at: '2026-12-05T09:00:00Z' });

  it('offers «Оплатити» nowhere: typing it is not a menu item, the account view has no such button', async () => {
    const member = await aMember(stage);
    const account = await anAccount(stage.db, { balanceKop: 10_000 });
    await aLink(stage.db, member.subscriber, account);
    expect(textsOf(await member.person.type(menu.pay))).toEqual([common.unknownText]);
    await member.person.type(menu.accounts);
    const view = await member.person.press(accounts.accountButton(account.number, account.address));
    expect(choicesOf(view)).toEqual([chartTexts.button, statements.button, accounts.unlinkButton, accounts.backToList, accounts.toMenu]);
    expect(await stage.db.sequelize.query('SELECT id FROM payment_orders', { type: QueryTypes.SELECT })).toEqual([]);
  });
});

