import { Bot, GrammyError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegram } from './index.ts';

// The fake's Telegram Payments refuse what Telegram refuses, and a pre-checkout query left unanswered fails the payment.

let tg: FakeTelegram;
let bot: Bot;
const token = '632593626:TEST:provider';
const prices = [{ label: 'Водопостачання', amount: 41_990 }];

beforeEach(async () => {
  tg = await FakeTelegram.start({ preCheckoutAnswerMs: 300 });
  bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
});
afterEach(async () => {
  await tg.stop();
});

const refusal = (work: Promise<unknown>) =>
  work.then(
    () => 'accepted',
    (error: unknown) => (error instanceof GrammyError ? error.description : String(error)),
  );

describe('fake Telegram Payments', () => {
  it('refuses invoices Telegram refuses and takes a good one', async () => {
    const user = tg.user({ id: 501, first_name: 'Оксана' });
    const send = (over: { title?: string; payload?: string; currency?: string; prices?: { label: string; amount: number }[]; provider_token?: string }) =>
      refusal(bot.api.sendInvoice(user.chatId, over.title ?? 'Оплата', 'Рахунок № 1', over.payload ?? 'order-1', over.currency ?? 'UAH', over.prices ?? prices, over.provider_token === undefined ? { provider_token: token } : over.provider_token === '' ? {} : { provider_token: over.provider_token }));
    expect(await send({ provider_token: '' })).toBe('Bad Request: PAYMENT_PROVIDER_INVALID');
    expect(await send({ payload: 'x'.repeat(129) })).toBe('Bad Request: INVOICE_PAYLOAD_INVALID');
    expect(await send({ payload: '' })).toBe('Bad Request: INVOICE_PAYLOAD_INVALID');
    expect(await send({ title: 'т'.repeat(33) })).toBe('Bad Request: PRODUCT_TITLE_EMPTY');
    expect(await send({ currency: 'ГРН' })).toBe('Bad Request: CURRENCY_INVALID');
    expect(await send({ prices: [] })).toBe('Bad Request: PRICES_INVALID');
    expect(await send({ prices: [{ label: 'x', amount: 419.9 }] })).toBe('Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID');
    expect(await send({ prices: [{ label: 'x', amount: 1_000 }] })).toBe('Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID');
    expect(await send({})).toBe('accepted');
    expect(tg.lastSent(user.chatId)?.invoice).toMatchObject({ currency: 'UAH', total_amount: 41_990 });
  });

  it('fails a payment whose pre-checkout query is not answered in time, and refuses the late answer', async () => {
    const user = tg.user({ id: 502, first_name: 'Оксана' });
    const invoice = await bot.api.sendInvoice(user.chatId, 'Оплата', 'Рахунок № 1', 'order-2', 'UAH', prices, { provider_token: token });
    expect(await tg.pay(user, invoice)).toEqual({ outcome: 'timeout' });
    const query = tg.pendingUpdates().find((u) => u.pre_checkout_query)!.pre_checkout_query!;
    expect(query).toMatchObject({ invoice_payload: 'order-2', total_amount: 41_990, currency: 'UAH' });
    expect(await refusal(bot.api.answerPreCheckoutQuery(query.id, true))).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );
    expect(tg.pendingUpdates().some((u) => u.message?.successful_payment)).toBe(false);
  });

  it('pays when answered ok in time, and a refusal needs its error message', async () => {
    const user = tg.user({ id: 503, first_name: 'Оксана' });
    const invoice = await bot.api.sendInvoice(user.chatId, 'Оплата', 'Рахунок № 1', 'order-3', 'UAH', prices, { provider_token: token });
    const paying = tg.pay(user, invoice);
    await tg.waitFor(() => tg.pendingUpdates().some((u) => u.pre_checkout_query));
    const query = tg.pendingUpdates().find((u) => u.pre_checkout_query)!.pre_checkout_query!;
    expect(await refusal(bot.api.answerPreCheckoutQuery(query.id, false))).toBe('Bad Request: ERROR_MESSAGE_EMPTY');
    await bot.api.answerPreCheckoutQuery(query.id, true);
    const paid = await paying;
    expect(paid.outcome).toBe('paid');
    if (paid.outcome !== 'paid') return;
    expect(paid.update.message?.successful_payment).toMatchObject({ invoice_payload: 'order-3', total_amount: 41_990, currency: 'UAH' });
  });
});
