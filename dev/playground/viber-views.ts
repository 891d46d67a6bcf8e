import { PAYMENT_BUTTON_LIFETIME_MS, type FakeKeyboardButton, type FakeViber, type TranscriptEntry } from '../fake-viber/index.ts';
import { hryvnias } from './views.ts';

// What the page draws for a Viber chat: the stand-in's transcript in the same shape as a Telegram chat's view
// (views.ts), so the page draws both with the same code. Only the keyboard differs: a Viber button sends its
// ActionBody, not its label.

export const VIBER_MEDIA_ROUTE = '/playground/api/viber/media/';

export interface ViberButtonView {
  text: string;
  /** What a press sends back as the subscriber's text ('reply' buttons). */
  actionBody: string;
  /** A share-phone button: the page shares a phone (a contact message). */
  contact?: true;
  /** An open-url button (a payment's checkout): the page opens it, nothing goes to the bot. */
  url?: string;
}

export interface ViberKeyboardView {
  fromSeq: number;
  rows: ViberButtonView[][];
  /** Viber keeps the keyboard until the bot sends another: never hidden after a press. */
  oneTime: false;
}

export interface ViberMessageView {
  id: number;
  seq: number;
  date: number;
  byBot: boolean;
  from: { name: string } | null;
  text?: string;
  caption?: string;
  /** Where the page loads the picture from (this server, which reads the stand-in's media store). */
  photoUrl?: string;
  /** A file the bot sent: where the page downloads it from, and its name. */
  document?: { url: string; name: string };
  contact?: { phone: string; name: string; own: boolean };
  other?: string;
  /** A line between the bubbles (the chat being opened). */
  service?: string;
  /** Viber's payment message: the page draws its checkout (pay / decline, through the stand-in's user.pay). */
  payment?: ViberPaymentView;
  edited: false;
}

/** What became of a payment message's checkout in the playground (Viber itself never tells the chat). */
export type ViberPayOutcome = 'paid' | 'declined' | 'expired';

export interface ViberPaymentView {
  description: string;
  /** "480,20 грн". */
  amount: string;
  /** GooglePay or ApplePay: the wallet Viber's checkout opens. */
  wallet: string;
  /** Set once the checkout was played; only the newest payment message without one can be paid (user.pay's). */
  outcome?: ViberPayOutcome;
  payable: boolean;
}

export interface ViberChatView {
  channel: 'viber';
  chatId: string;
  title: string;
  messages: ViberMessageView[];
  keyboard: ViberKeyboardView | null;
  asksContact: boolean;
  notices: [];
  /** The subscriber has opened the chat before (conversation_started was sent). */
  opened: boolean;
  version: string;
}

/** Viber renders a few HTML-like tags in button text; the bot escapes its labels, the page shows them as text. */
const unescape = (label: string) => label.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Buttons fill rows of six columns, as Viber lays them out. */
export function keyboardRows(buttons: readonly FakeKeyboardButton[]): ViberButtonView[][] {
  const rows: ViberButtonView[][] = [];
  let used = 6;
  for (const button of buttons) {
    const columns = Math.min(6, Math.max(1, button.Columns ?? 6));
    if (used + columns > 6) {
      rows.push([]);
      used = 0;
    }
    used += columns;
    rows.at(-1)!.push({
      text: unescape(button.Text ?? button.ActionBody),
      actionBody: button.ActionBody,
      ...(button.ActionType === 'share-phone' ? { contact: true as const } : {}),
      ...(button.ActionType === 'open-url' ? { url: button.ActionBody } : {}),
    });
  }
  return rows;
}

const OTHER_KINDS: Record<string, string> = {
  sticker: 'Стікер',
  location: '📍 Місцезнаходження',
  file: '📄 Файл',
  video: '🎬 Відео',
  url: '🔗 Посилання',
  rich_media: 'Картка з кнопками',
};

/** The newest payment message the bot sent the user (the one user.pay pays), by its transcript seq. */
export function lastPaymentSeq(transcript: readonly TranscriptEntry[]): number | undefined {
  return transcript.findLast((e) => e.direction === 'out' && e.message.type === 'payment')?.seq;
}

export function viberChatView(
  viber: FakeViber,
  userId: string,
  title: string,
  payOutcomes: ReadonlyMap<number, ViberPayOutcome> = new Map(),
  now = Date.now(),
): ViberChatView {
  const transcript = viber.transcript(userId);
  const payableSeq = lastPaymentSeq(transcript);
  const pictureUrl = (media: unknown): string | undefined =>
    typeof media === 'string' && viber.media(media) ? `${VIBER_MEDIA_ROUTE}${encodeURIComponent(media.slice(viber.mediaBase.length))}` : undefined;

  const messages: ViberMessageView[] = [];
  let lastKeyboardSeq = 0;
  for (const entry of transcript) {
    const view = messageView(entry, title, pictureUrl);
    if (view?.payment) {
      const outcome = payOutcomes.get(entry.seq) ?? (now - entry.at > PAYMENT_BUTTON_LIFETIME_MS ? 'expired' : undefined);
      view.payment = { ...view.payment, ...(outcome ? { outcome } : {}), payable: outcome === undefined && entry.seq === payableSeq };
    }
    if (view) messages.push(view);
    if (entry.direction === 'out' && entry.message.keyboard) lastKeyboardSeq = entry.seq;
  }
  const buttons = viber.lastKeyboard(userId);
  const keyboard: ViberKeyboardView | null = buttons.length > 0 ? { fromSeq: lastKeyboardSeq, rows: keyboardRows(buttons), oneTime: false } : null;
  const lastSeq = transcript.at(-1)?.seq ?? 0;
  return {
    channel: 'viber',
    chatId: userId,
    title,
    messages,
    keyboard,
    asksContact: keyboard?.rows.some((row) => row.some((b) => b.contact)) ?? false,
    notices: [],
    opened: transcript.length > 0,
    // A payment message expiring changes nothing in the transcript, yet the page must redraw it.
    version: `v${lastSeq}.${transcript.length}.${payOutcomes.size}.${messages.filter((m) => m.payment?.outcome === 'expired').length}`,
  };
}

function messageView(entry: TranscriptEntry, name: string, pictureUrl: (media: unknown) => string | undefined): ViberMessageView | undefined {
  const base = { id: entry.seq, seq: entry.seq, date: Math.floor(entry.at / 1000), edited: false as const };
  if (entry.direction === 'out') {
    const m = entry.message;
    const common = { ...base, byBot: true, from: m.sender ? { name: m.sender.name } : null };
    if (m.type === 'text') return { ...common, text: m.text ?? '' };
    if (m.type === 'picture') {
      const url = pictureUrl(m.copy ?? m.media);
      return { ...common, ...(url ? { photoUrl: url } : { other: '🖼 Зображення' }), ...(m.text ? { caption: m.text } : {}) };
    }
    if (m.type === 'file') {
      const url = pictureUrl(m.copy);
      const name = m.file_name ?? 'файл';
      return { ...common, ...(url ? { document: { url, name } } : { other: `📄 ${name}` }) };
    }
    if (m.type === 'payment' && m.payment) {
      const amount = `${hryvnias(Math.round(m.payment.total_price * 100))} ${m.payment.currency_code === 'UAH' ? 'грн' : m.payment.currency_code}`;
      return { ...common, payment: { description: m.payment.description ?? '', amount, wallet: m.payment.type, payable: false } };
    }
    return { ...common, other: OTHER_KINDS[m.type] ?? m.type, ...(m.text ? { text: m.text } : {}) };
  }
  if (entry.silent) return undefined;
  const m = entry.message;
  const common = { ...base, byBot: false, from: { name } };
  switch (m.type) {
    case 'conversation_started':
      return { ...base, byBot: false, from: null, service: 'Абонент відкрив чат із ботом' };
    case 'text':
      return { ...common, text: typeof m.text === 'string' ? m.text : '' };
    case 'contact': {
      const contact = (m.contact ?? {}) as { name?: string; phone_number?: string };
      return { ...common, contact: { phone: contact.phone_number ?? '', name: contact.name ?? name, own: true } };
    }
    case 'picture': {
      const url = pictureUrl(m.media);
      const caption = typeof m.text === 'string' && m.text !== '' ? m.text : undefined;
      return { ...common, ...(url ? { photoUrl: url } : { other: '🖼 Зображення' }), ...(caption ? { caption } : {}) };
    }
    default:
      return { ...common, other: OTHER_KINDS[m.type] ?? m.type };
  }
}
