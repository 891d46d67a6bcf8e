import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import { defaultPaymentRules, findOrder, type PaymentsDeps } from '../../../core/payments/index.ts';
import { cabinetFlows, FLOW_TIMEOUT_MS } from '../../../bots/flows/index.ts';
import { createCabinet, type Flow } from '../../../bots/flows/router.ts';
import { createLogger } from '../../../bots/logger.ts';
import { createSubscriberDeliveryHandlers } from '../../../bots/outbox/subscriber-deliveries.ts';
import { createPayments, type Payments } from '../../../bots/payments/index.ts';
import { PRECHECK_DEADLINE_MS } from '../../../bots/telegram/payments.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { payments as texts } from '../../../bots/texts/payments.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import type { FakeUser, SentMessage } from '../../support/fake-telegram/index.ts';
import { startTelegramHarness, WEBHOOK_PATH, WEBHOOK_SECRET, type TelegramHarness } from '../../support/telegram-harness.ts';
import { moment } from '../../../bots/texts/format.ts';

// Telegram Payments end to end over real HTTP: the real bot (webhook mode) against the fake Bot API, the pay
// flow's last step sending the invoice, the fake playing the user's «Pay» (pre_checkout_query, then
// successful_payment), core recording the payment once.

const PROVIDER_TOKEN = '632593626:TEST:sandbox_provider_token_0001';
const clock = new FixedClock(new Date('2026-12-05T09:00:00Z'));
const liqpay = {
  publicKey: 'sandbox_i000000001',
  privateKey: 'sandbox_private_key_never_logged_7f3a',
  checkoutUrl: 'http://127.0.0.1:9/api/3/checkout',
  apiUrl: 'http://127.0.0.1:9/api/request',
  publicBaseUrl: 'https://cabinet.example.ua',
};
const PAY_LABEL = menu.pay;
const flows = cabinetFlows;

let db: TestDatabase;
let h: TelegramHarness;
let payments: Payments;
let deps: PaymentsDeps;
let nextUser = 710_000_001;

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 10 });
  deps = { db, clock, settings: defaultCoreSettings, payments: defaultPaymentRules };
  payments = createPayments({ liqpay, payments: deps, logger: createLogger('silent'), channels: { telegram: true, viber: undefined } });
  h = await startTelegramHarness({
    db,
    mode: 'webhook',
    clock,
    cabinet: (d) =>
      createCabinet({
        flows,
        deps: { ...d, payments: { rules: deps.payments, linkFor: payments.linkFor, providerFor: payments.providerFor, checkoutFor: payments.checkoutFor } },
        timeoutMs: FLOW_TIMEOUT_MS,
      }),
    payments: { deps, providerToken: PROVIDER_TOKEN },
  });
});
afterAll(async () => {
  await h?.stop();
  await db?.destroy();
});

const idle = async () => {
  const deadline = Date.now() + 10_000;
  while (h.tg.pendingUpdates().length > 0) {
    if (Date.now() > deadline) throw new Error(`updates still pending:\n${h.tg.dump()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

async function aPayer(balanceKop: number): Promise<{ user: FakeUser; accountNumber: string; subscriberId: number }> {
  const id = nextUser++;
  const subscriber = await aSubscriber(db, { channel: 'telegram', channelUserId: String(id) });
  const account = await anAccount(db, { balanceKop });
  await aLink(db, subscriber, account);
  return { user: h.tg.user({ id, first_name: 'Оксана' }), accountNumber: account.number, subscriberId: subscriber.id };
}

/** Opens «Оплатити» and takes the debt offered: what the bot sent after the press. */
async function orderDebt(user: FakeUser): Promise<SentMessage[]> {
  user.sendText(PAY_LABEL);
  await idle();
  const offer = h.tg.sent(user.chatId).findLast((m) => m.reply_markup && 'inline_keyboard' in m.reply_markup)!;
  const before = h.tg.sent(user.chatId).length;
  const button = (offer.reply_markup as { inline_keyboard: { text: string; callback_data?: string }[][] }).inline_keyboard.flat()[0]!;
  user.pressButton(offer, button.callback_data!);
  await idle();
  return h.tg.sent(user.chatId).slice(before);
}

const orderRows = (subscriberId: number) =>
  db.sequelize.query<{ id: string; provider: string; status: string; amount_kop: number }>(
    `SELECT id, provider, status, amount_kop FROM payment_orders WHERE subscriber_id = :subscriberId`,
    { replacements: { subscriberId }, type: QueryTypes.SELECT },
  );
const transactionsOf = (orderId: string) =>
  db.sequelize.query<{ provider_payment_id: string; channel_charge_id: string | null; amount_kop: number }>(
    `SELECT provider_payment_id, channel_charge_id, amount_kop FROM payment_transactions WHERE order_id = :orderId`,
    { replacements: { orderId }, type: QueryTypes.SELECT },
  );

describe('Telegram Payments', () => {
  it('pays a debt: the invoice, the pre-checkout answered at once, the payment recorded once and the receipt', async () => {
    const { user, accountNumber, subscriberId } = await aPayer(41_990);
    const said = await orderDebt(user);
    const [order] = await orderRows(subscriberId);
    expect(order).toMatchObject({ provider: 'telegram', status: 'created', amount_kop: 41_990 });
    expect(said.map((m) => m.text ?? m.method)).toEqual([texts.invoice(41_990, accountNumber, order!.id), 'sendInvoice']);
    const invoice = said[1]!;
    expect(invoice.invoice).toMatchObject({ currency: 'UAH', total_amount: 41_990, title: texts.invoiceTitle });
    expect(invoice.params).toMatchObject({ payload: order!.id, provider_token: PROVIDER_TOKEN, currency: 'UAH' });

    const paid = await h.tg.pay(user, invoice);
    expect(paid.outcome).toBe('paid');
    await idle();
    const query = [...h.tg.payments.queries.values()].find((q) => q.invoice.payload === order!.id)!;
    expect(query.answer).toMatchObject({ ok: true });
    expect(query.answer!.afterMs).toBeLessThan(PRECHECK_DEADLINE_MS);
    if (paid.outcome !== 'paid') return;
    expect(await transactionsOf(order!.id)).toEqual([{ provider_payment_id: paid.providerChargeId, channel_charge_id: paid.telegramChargeId, amount_kop: 41_990 }]);
    expect((await orderRows(subscriberId))[0]!.status).toBe('paid');

    // The receipt: enqueued with the credit, delivered by the outbox through the bot's notifier.
    const entries = await db.models.OutboxMessage.findAll({ where: { kind: 'payment-receipt', dedupeKey: `payment-receipt:${order!.id}` } });
    expect(entries).toHaveLength(1);
    const handlers = createSubscriberDeliveryHandlers({ core: h.core, notifiers: { telegram: h.app.notifier }, logger: createLogger('silent') });
    await handlers['payment-receipt']!({ id: entries[0]!.id, kind: 'payment-receipt', payload: entries[0]!.payload as { orderId: string; subscriberId: number }, attempts: 1 });
    const receipt = h.tg.lastSent(user.chatId)!.text!;
    expect(receipt).toContain('Сума: 419,90 грн');
    expect(receipt).toContain(`Рахунок № ${accountNumber}`);
    expect(receipt).toContain(`Замовлення: ${order!.id}`);
    expect(receipt).toContain(`Номер платежу в платіжного провайдера: ${paid.providerChargeId}`);
    // The time is Telegram's: the successful_payment message's date, on the utility's wall clock.
    expect(receipt).toContain(`Дата і час: ${moment(new Date(paid.update.message!.date * 1000), defaultCoreSettings.timeZone)}`);

    // Pressing «Pay» on the same invoice again: the order is closed, Telegram is told to refuse.
    const again = await h.tg.pay(user, invoice);
    expect(again).toEqual({ outcome: 'refused', errorMessage: texts.precheckRefused.closed });
    expect(await transactionsOf(order!.id)).toHaveLength(1);
  });

  it('refuses at pre-checkout an order it does not know and an amount the order does not have, and no money moves', async () => {
    const { user, subscriberId } = await aPayer(25_050);
    const said = await orderDebt(user);
    const invoice = said.find((m) => m.method === 'sendInvoice')!;
    const [order] = await orderRows(subscriberId);

    const mismatch = await h.tg.pay(user, invoice, { amount: 100 });
    expect(mismatch).toEqual({ outcome: 'refused', errorMessage: texts.precheckRefused.mismatch });

    await h.app.bot.api.sendInvoice(user.chatId, 'Чужий рахунок', 'Замовлення, якого немає', 'no-such-order', 'UAH', [{ label: 'x', amount: 25_050 }], {
      provider_token: PROVIDER_TOKEN,
    });
    const forged = h.tg.sent(user.chatId).findLast((m) => m.method === 'sendInvoice')!;
    expect(await h.tg.pay(user, forged)).toEqual({ outcome: 'refused', errorMessage: texts.precheckRefused['unknown-order'] });
    await idle();
    expect((await orderRows(subscriberId))[0]).toMatchObject({ id: order!.id, status: 'created' });
    expect(await transactionsOf(order!.id)).toEqual([]);
  });

  it('records a successful_payment delivered twice, and 50 times at once, as one payment', async () => {
    const { user, subscriberId } = await aPayer(12_345);
    const invoice = (await orderDebt(user)).find((m) => m.method === 'sendInvoice')!;
    const [order] = await orderRows(subscriberId);
    const paid = await h.tg.pay(user, invoice);
    if (paid.outcome !== 'paid') throw new Error(`not paid: ${paid.outcome}`);
    await idle();
    h.tg.redeliver(paid.update.update_id);
    await idle();

    // Fifty deliveries of the payment message under their own update ids, all at once, straight at the webhook.
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`${h.httpUrl}${WEBHOOK_PATH}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
          body: JSON.stringify({ update_id: 990_000_000 + i, message: paid.update.message }),
        }).then((r) => r.status),
      ),
    );
    expect(answers.every((status) => status === 200)).toBe(true);
    expect(await transactionsOf(order!.id)).toHaveLength(1);
    expect(await db.models.OutboxMessage.count({ where: { kind: 'payment-receipt', dedupeKey: `payment-receipt:${order!.id}` } })).toBe(1);
    const reports = await db.sequelize.query<{ outcome: string; n: number }>(
      `SELECT outcome, count(*)::int AS n FROM payment_reports WHERE order_id = :orderId GROUP BY outcome ORDER BY outcome`,
      { replacements: { orderId: order!.id }, type: QueryTypes.SELECT },
    );
    expect(reports).toEqual([
      { outcome: 'applied', n: 1 },
      { outcome: 'unchanged', n: 50 },
    ]);
  });

  it('shows the LiqPay link when Telegram refuses the invoice (a sum under its minimum)', async () => {
    const { user, subscriberId } = await aPayer(1_000);
    const said = await orderDebt(user);
    const [order] = await orderRows(subscriberId);
    expect(h.tg.calls('sendInvoice').at(-1)?.outcome).toMatchObject({ ok: false, description: 'Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID' });
    const fallback = said.at(-1)!;
    expect(fallback.text).toBe(texts.invoiceRefused);
    const button = (fallback.reply_markup as { inline_keyboard: { text: string; url?: string }[][] }).inline_keyboard.flat()[0]!;
    expect(button.text).toBe(texts.linkButton);
    expect(button.url).toBe(payments.linkFor((await findOrder(db, order!.id))!));
    expect(await transactionsOf(order!.id)).toEqual([]);
  });
});
