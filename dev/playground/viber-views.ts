import type { FakeKeyboardButton, FakeViber, TranscriptEntry } from '../fake-viber/index.ts';

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
  edited: false;
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

export function viberChatView(viber: FakeViber, userId: string, title: string): ViberChatView {
  const transcript = viber.transcript(userId);
  const pictureUrl = (media: unknown): string | undefined =>
    typeof media === 'string' && viber.media(media) ? `${VIBER_MEDIA_ROUTE}${encodeURIComponent(media.slice(viber.mediaBase.length))}` : undefined;

  const messages: ViberMessageView[] = [];
  let lastKeyboardSeq = 0;
  for (const entry of transcript) {
    const view = messageView(entry, title, pictureUrl);
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
    version: `v${lastSeq}.${transcript.length}`,
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
