import type { Message, MessageEntity, User } from 'grammy/types';
import type { AnyMarkup, CallbackRecord, ChatRecord, StoredMessage } from '../fake-telegram/state.ts';
import type { FakeInvoice } from '../fake-telegram/payments.ts';

// What the page draws: the stand-in's messages flattened into plain JSON, so the browser code stays small.

export interface InlineButtonView {
  text: string;
  /** callback_data: pressing sends it back to the bot. */
  data?: string;
  url?: string;
}

export interface ReplyButtonView {
  text: string;
  /** The button shares the user's own phone (request_contact). */
  contact?: true;
}

export interface ReplyKeyboardView {
  /** seq of the message that brought it: a one-time keyboard hides after a press until a new one comes. */
  fromSeq: number;
  rows: ReplyButtonView[][];
  oneTime: boolean;
  placeholder?: string;
}

export interface MessageView {
  id: number;
  /** Order across every chat: the page sorts and de-duplicates by it. */
  seq: number;
  date: number;
  byBot: boolean;
  from: { id: number; name: string } | null;
  threadId?: number;
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  captionEntities?: MessageEntity[];
  /** file_id of the largest size; the page loads it from /playground/api/files/:fileId. */
  photo?: string;
  document?: { fileId: string; name: string };
  contact?: { phone: string; name: string; own: boolean };
  /** A sticker, voice note, video…: drawn as a label only. */
  other?: string;
  replyTo?: { id: number; name: string; snippet: string };
  forwardedFrom?: string;
  topicCreated?: string;
  inline?: InlineButtonView[][];
  /** A Telegram invoice: the page draws it with its «Сплатити» (the user's «Pay», through the stand-in). */
  invoice?: InvoiceView;
  /** A line between the bubbles (a successful payment, as Telegram's apps show it). */
  service?: string;
  edited: boolean;
}

export interface InvoiceView {
  title: string;
  description: string;
  /** The total in hryvnias, as the page shows it: "480,20 грн". */
  amount: string;
  /** A successful_payment for this invoice's payload is in the chat: Telegram's apps then show the receipt. */
  paid: boolean;
}

export interface TopicView {
  threadId: number;
  name: string;
  closed: boolean;
  /** seq of the newest message in it: the page puts busy topics first. */
  lastSeq: number;
  count: number;
}

export interface NoticeView {
  /** callback_query id: the page shows each once. */
  id: string;
  text: string;
  alert: boolean;
}

export interface ChatView {
  chatId: number;
  title: string;
  isForum: boolean;
  messages: MessageView[];
  /** The reply keyboard the bot left open in this chat (Telegram keeps it until replaced or removed). */
  keyboard: ReplyKeyboardView | null;
  /** The bot asks for the phone: the page offers "Поділитися телефоном". */
  asksContact: boolean;
  topics: TopicView[];
  /** What the bot answered to button presses with a text (a toast or, show_alert, a dialog in Telegram). */
  notices: NoticeView[];
  /** Changes whenever anything in the chat does: the page skips redrawing an unchanged chat. */
  version: string;
}

/** Kopecks as the page shows them: "-12,05". */
export const hryvnias = (kop: number) => `${kop < 0 ? '-' : ''}${Math.floor(Math.abs(kop) / 100)},${String(Math.abs(kop) % 100).padStart(2, '0')}`;

const money = (amount: number, currency: string) => (currency === 'UAH' ? `${hryvnias(amount)} грн` : `${hryvnias(amount)} ${currency}`);

export const personName = (user: Pick<User, 'first_name' | 'last_name'>): string => [user.first_name, user.last_name].filter(Boolean).join(' ');

function snippet(message: Message): string {
  const text = message.text ?? message.caption ?? (message.photo ? '📷 Фото' : message.contact ? '📱 Контакт' : '…');
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function otherKind(message: Message): string | undefined {
  if (message.sticker) return `Стікер ${message.sticker.emoji ?? ''}`.trim();
  if (message.voice) return '🎤 Голосове повідомлення';
  if (message.video) return '🎬 Відео';
  if (message.audio) return '🎵 Аудіо';
  return undefined;
}

function inlineOf(markup: AnyMarkup | undefined): InlineButtonView[][] | undefined {
  if (!markup || !('inline_keyboard' in markup) || markup.inline_keyboard.length === 0) return undefined;
  return markup.inline_keyboard.map((row) =>
    row.map((button) => ({
      text: button.text,
      ...('callback_data' in button && button.callback_data !== undefined ? { data: button.callback_data } : {}),
      ...('url' in button && button.url !== undefined ? { url: button.url } : {}),
    })),
  );
}

/** The invoice messages' payloads (the stand-in keeps them, Telegram's apps never show them) and the paid ones. */
export interface InvoiceLookup {
  payloadOf(messageId: number): string | undefined;
  paidPayloads: ReadonlySet<string>;
}

function invoiceView(m: Message, invoices: InvoiceLookup | undefined): InvoiceView | undefined {
  if (!m.invoice) return undefined;
  const payload = invoices?.payloadOf(m.message_id);
  return {
    title: m.invoice.title,
    description: m.invoice.description,
    amount: money(m.invoice.total_amount, m.invoice.currency),
    paid: payload !== undefined && (invoices?.paidPayloads.has(payload) ?? false),
  };
}

export function messageView(stored: StoredMessage, invoices?: InvoiceLookup): MessageView {
  const m = stored.message;
  const invoice = invoiceView(m, invoices);
  const paid = m.successful_payment;
  const markup = stored.markupAsSent && !('inline_keyboard' in stored.markupAsSent) ? undefined : m.reply_markup;
  const other = otherKind(m);
  const origin = m.forward_origin;
  const reply = m.reply_to_message;
  const inline = inlineOf(markup);
  return {
    id: m.message_id,
    seq: stored.seq,
    date: m.date,
    byBot: stored.byBot || m.from?.is_bot === true,
    from: m.from ? { id: m.from.id, name: personName(m.from) } : null,
    ...(m.message_thread_id !== undefined && m.is_topic_message ? { threadId: m.message_thread_id } : {}),
    ...(m.text !== undefined ? { text: m.text } : {}),
    ...(m.entities?.length ? { entities: m.entities } : {}),
    ...(m.caption !== undefined ? { caption: m.caption } : {}),
    ...(m.caption_entities?.length ? { captionEntities: m.caption_entities } : {}),
    ...(m.photo?.length ? { photo: m.photo.at(-1)!.file_id } : {}),
    ...(m.document ? { document: { fileId: m.document.file_id, name: m.document.file_name ?? 'файл' } } : {}),
    ...(m.contact
      ? { contact: { phone: m.contact.phone_number, name: personName(m.contact), own: m.contact.user_id !== undefined && m.contact.user_id === m.from?.id } }
      : {}),
    ...(other ? { other } : {}),
    ...(reply && !reply.forum_topic_created ? { replyTo: { id: reply.message_id, name: reply.from ? personName(reply.from) : '', snippet: snippet(reply) } } : {}),
    ...(origin
      ? { forwardedFrom: origin.type === 'user' ? personName(origin.sender_user) : origin.type === 'hidden_user' ? origin.sender_user_name : 'канал' }
      : {}),
    ...(m.forum_topic_created ? { topicCreated: m.forum_topic_created.name } : {}),
    ...(inline ? { inline } : {}),
    ...(invoice ? { invoice } : {}),
    ...(paid ? { service: `Ви сплатили ${money(paid.total_amount, paid.currency)}` } : {}),
    // Buttons taken off a pressed message are no edit to the eye: Telegram's apps do not mark it "edited".
    edited: stored.textEdited === true || (!stored.byBot && m.edit_date !== undefined),
  };
}

/** Telegram keeps the last reply keyboard the bot sent until another replaces it or remove_keyboard hides it. */
function currentKeyboard(messages: StoredMessage[]): ReplyKeyboardView | null {
  let keyboard: ReplyKeyboardView | null = null;
  for (const stored of messages) {
    const markup = stored.markupAsSent;
    if (!stored.byBot || !markup) continue;
    if ('keyboard' in markup) {
      keyboard = {
        fromSeq: stored.seq,
        rows: markup.keyboard.map((row) =>
          row.map((button) =>
            typeof button === 'string' ? { text: button } : { text: button.text, ...('request_contact' in button && button.request_contact ? { contact: true as const } : {}) },
          ),
        ),
        oneTime: markup.one_time_keyboard === true,
        ...(markup.input_field_placeholder ? { placeholder: markup.input_field_placeholder } : {}),
      };
    } else if ('remove_keyboard' in markup) {
      keyboard = null;
    }
  }
  return keyboard;
}

export function chatView(record: ChatRecord, callbacks: Iterable<CallbackRecord> = [], invoices?: ReadonlyMap<string, FakeInvoice>): ChatView {
  const stored = [...record.messages.values()].filter((s) => !s.deleted).sort((a, b) => a.seq - b.seq);
  const lookup: InvoiceLookup = {
    payloadOf: (messageId) => invoices?.get(`${record.chat.id}:${messageId}`)?.payload,
    paidPayloads: new Set(stored.flatMap((s) => (s.message.successful_payment ? [s.message.successful_payment.invoice_payload] : []))),
  };
  const messages = stored.map((s) => messageView(s, lookup));
  const keyboard = currentKeyboard(stored);
  const chat = record.chat;
  const isForum = chat.type === 'supergroup' && chat.is_forum === true;
  const topics: TopicView[] = [...record.topics.values()]
    .filter((t) => !t.deleted)
    .map((t) => {
      const inTopic = messages.filter((m) => m.threadId === t.message_thread_id);
      return { threadId: t.message_thread_id, name: t.name, closed: t.closed, lastSeq: inTopic.at(-1)?.seq ?? 0, count: inTopic.length };
    })
    .sort((a, b) => b.lastSeq - a.lastSeq);
  const notices: NoticeView[] = [];
  for (const callback of callbacks) {
    const answer = callback.answer;
    if (callback.chatId !== chat.id || !answer || typeof answer.text !== 'string' || answer.text === '') continue;
    notices.push({ id: callback.id, text: answer.text, alert: answer.show_alert === true || answer.show_alert === 'true' });
  }
  const title = chat.type === 'private' ? personName(chat) : chat.title;
  const lastSeq = Math.max(0, ...stored.map((s) => s.seq));
  const edits = stored.reduce((sum, s) => sum + s.edits, 0);
  const deleted = record.messages.size - stored.length;
  const topicState = topics.map((t) => `${t.threadId}${t.closed ? 'c' : ''}${t.name}`).join('|');
  return {
    chatId: chat.id,
    title,
    isForum,
    messages,
    keyboard,
    asksContact: keyboard?.rows.some((row) => row.some((b) => b.contact)) ?? false,
    topics,
    notices,
    version: `${lastSeq}.${edits}.${deleted}.${notices.length}.${topicState}`,
  };
}
