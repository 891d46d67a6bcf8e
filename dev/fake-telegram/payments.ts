import type { Message, Update, User } from 'grammy/types';
import { TelegramApiError, badRequest } from './errors.ts';
import type { MethodHandler } from './methods.ts';
import type { FakeState, Params } from './state.ts';

// Telegram Payments as the fake plays them (core.telegram.org/bots/payments, the Bot API's sendInvoice and
// answerPreCheckoutQuery):
// - sendInvoice refuses what Telegram refuses: title 1–32 characters, description 1–255, payload 1–128 bytes,
//   a known three-letter currency, a non-empty prices array of {label, amount} with integer amounts whose total
//   is positive and at least the currency's minimum (Telegram's currencies.json: about 1 US dollar), and a
//   provider_token for every currency but Telegram Stars (XTR);
// - paying (`FakeTelegram.pay`) is what the app does when the user presses «Pay»: a pre_checkout_query update,
//   then a wait for answerPreCheckoutQuery. Telegram gives the bot 10 s; unanswered by then, or refused, the
//   payment fails and no money moves. Answered ok, the user's chat gets a message with successful_payment;
// - answerPreCheckoutQuery after the 10 s, or twice, or for an unknown id, is "query is too old…", as Telegram
//   answers; a refusal needs an error_message.

/** Telegram's currencies the fake knows, with the minimum total in the currency's smallest units (≈ 1 USD). */
export const CURRENCY_MIN: Readonly<Record<string, number>> = { UAH: 4_000, USD: 100, EUR: 100, PLN: 400, XTR: 1 };
export const PRECHECKOUT_ANSWER_MS = 10_000;

export interface FakeInvoice {
  chatId: number;
  messageId: number;
  payload: string;
  currency: string;
  totalAmount: number;
  providerToken: string;
}

export interface PreCheckoutRecord {
  id: string;
  userId: number;
  invoice: FakeInvoice;
  askedAt: number;
  answer?: { ok: boolean; errorMessage?: string; afterMs: number };
}

export type PayOutcome =
  | { outcome: 'paid'; update: Update; telegramChargeId: string; providerChargeId: string }
  | { outcome: 'refused'; errorMessage: string }
  /** Unanswered within the 10 s: Telegram fails the payment. */
  | { outcome: 'timeout' };

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

function pricesOf(raw: unknown): { label: string; amount: number }[] {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw badRequest("can't parse prices JSON object");
    }
  }
  if (!Array.isArray(value) || value.length === 0) throw badRequest('PRICES_INVALID');
  return value.map((item: unknown) => {
    const price = item as { label?: unknown; amount?: unknown };
    if (typeof price.label !== 'string' || price.label.trim() === '') throw badRequest('PRICE_LABEL_INVALID');
    if (typeof price.amount !== 'number' || !Number.isSafeInteger(price.amount) || price.amount <= 0) throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
    return { label: price.label, amount: price.amount };
  });
}

export class FakePayments {
  readonly invoices = new Map<string, FakeInvoice>();
  readonly queries = new Map<string, PreCheckoutRecord>();
  private readonly waiters = new Map<string, () => void>();
  private charges = 0;

  constructor(readonly answerWithinMs = PRECHECKOUT_ANSWER_MS) {}

  methods(state: FakeState): Record<string, MethodHandler> {
    return {
      sendInvoice: (params: Params) => {
        const chatId = typeof params.chat_id === 'number' ? params.chat_id : Number(params.chat_id);
        if (!state.chats.has(chatId)) throw badRequest('chat not found');
        const title = str(params.title) ?? '';
        const description = str(params.description) ?? '';
        const payload = str(params.payload) ?? '';
        const currency = str(params.currency) ?? '';
        if (title.length < 1 || title.length > 32) throw badRequest('PRODUCT_TITLE_EMPTY');
        if (description.length < 1 || description.length > 255) throw badRequest('PRODUCT_DESCRIPTION_INVALID');
        const payloadBytes = Buffer.byteLength(payload);
        if (payloadBytes < 1 || payloadBytes > 128) throw badRequest('INVOICE_PAYLOAD_INVALID');
        if (!Object.hasOwn(CURRENCY_MIN, currency)) throw badRequest('CURRENCY_INVALID');
        const providerToken = str(params.provider_token) ?? '';
        if (currency !== 'XTR' && providerToken === '') throw badRequest('PAYMENT_PROVIDER_INVALID');
        const total = pricesOf(params.prices).reduce((sum, price) => sum + price.amount, 0);
        if (total < CURRENCY_MIN[currency]!) throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
        const record = state.chats.get(chatId)!;
        const stored = state.addMessage(
          chatId,
          (message_id) =>
            ({
              message_id,
              from: state.botAsUser(),
              chat: record.chat,
              date: state.unixNow(),
              invoice: { title, description, start_parameter: str(params.start_parameter) ?? '', currency, total_amount: total },
            }) as Message,
          { byBot: true, method: 'sendInvoice', params },
        );
        this.invoices.set(`${chatId}:${stored.message.message_id}`, { chatId, messageId: stored.message.message_id, payload, currency, totalAmount: total, providerToken });
        state.changed();
        return stored.message;
      },

      answerPreCheckoutQuery: (params: Params) => {
        const id = str(params.pre_checkout_query_id) ?? '';
        const query = this.queries.get(id);
        const afterMs = query ? Date.now() - query.askedAt : 0;
        if (!query || query.answer || afterMs > this.answerWithinMs) {
          throw new TelegramApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        }
        if (typeof params.ok !== 'boolean') throw badRequest('parameter "ok" is required');
        const errorMessage = str(params.error_message);
        if (!params.ok && !errorMessage) throw badRequest('ERROR_MESSAGE_EMPTY');
        query.answer = { ok: params.ok, ...(errorMessage ? { errorMessage } : {}), afterMs };
        this.waiters.get(id)?.();
        return true;
      },
    };
  }

  /** The user presses «Pay» on the invoice message: see the module comment. */
  async pay(
    state: FakeState,
    enqueue: (update: Omit<Update, 'update_id'>) => Update,
    user: User,
    invoiceMessageId: number,
    options: { amount?: number; currency?: string } = {},
  ): Promise<PayOutcome> {
    const invoice = this.invoices.get(`${user.id}:${invoiceMessageId}`);
    if (!invoice) throw new Error(`fake-telegram: no invoice message ${invoiceMessageId} in the chat of ${user.id}`);
    const id = `${state.bot.id}${String(++this.charges).padStart(6, '0')}`;
    const query: PreCheckoutRecord = { id, userId: user.id, invoice, askedAt: Date.now() };
    this.queries.set(id, query);
    const answered = new Promise<void>((resolve) => this.waiters.set(id, resolve));
    const currency = options.currency ?? invoice.currency;
    const totalAmount = options.amount ?? invoice.totalAmount;
    enqueue({ pre_checkout_query: { id, from: user, currency, total_amount: totalAmount, invoice_payload: invoice.payload } } as Omit<Update, 'update_id'>);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([answered, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.answerWithinMs)))]);
    clearTimeout(timer);
    this.waiters.delete(id);
    const answer = query.answer;
    if (!answer) return { outcome: 'timeout' };
    if (!answer.ok) return { outcome: 'refused', errorMessage: answer.errorMessage ?? '' };
    const telegramChargeId = `tg_${id}_${Date.now().toString(36)}`;
    const providerChargeId = `prov_${id}`;
    const record = state.chats.get(user.id)!;
    const stored = state.addMessage(
      user.id,
      (message_id) =>
        ({
          message_id,
          from: user,
          chat: record.chat,
          date: state.unixNow(),
          successful_payment: {
            currency,
            total_amount: totalAmount,
            invoice_payload: invoice.payload,
            telegram_payment_charge_id: telegramChargeId,
            provider_payment_charge_id: providerChargeId,
          },
        }) as Message,
      { byBot: false },
    );
    const update = enqueue({ message: stored.message } as Omit<Update, 'update_id'>);
    return { outcome: 'paid', update, telegramChargeId, providerChargeId };
  }
}
