import { GrammyError, InlineKeyboard, InputFile, Keyboard as ReplyKeyboard, type Context } from 'grammy';
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup } from 'grammy/types';
import { fitText, splitText } from '../../core/text.ts';
import type { LoadedMedia } from '../../core/media/store.ts';
import type { Choices, Invoice, Keyboard, MediaAttachment, SayOptions } from '../flows/chat.ts';
import type { ChatOutput } from '../flows/runner.ts';
import { common } from '../texts/common.ts';
import { menuLayout, menuTexts, type MenuLayout } from '../texts/menu.ts';
import { onboarding } from '../texts/onboarding.ts';
import { payments } from '../texts/payments.ts';
import { choiceData } from './callback-data.ts';
import { mainMenuKeyboard } from './keyboards/main-menu.ts';

// How what a flow says is shown in a Telegram chat: choices as inline buttons (their callback data carries the
// message's prompt number, so an older message's button is told apart), the reply keyboard at the bottom, and
// Telegram's limits kept by construction.

/** Telegram's limits: a message's text, callback data (bytes) and what a phone shows of a button in one line. */
export const MESSAGE_MAX = 4096;
export const CAPTION_MAX = 1024;
export const CALLBACK_DATA_MAX_BYTES = 64;
export const BUTTON_LABEL_MAX = 60;

export function inlineChoices(choices: Choices, prompt: number): InlineKeyboard {
  return InlineKeyboard.from(
    choices.map((row) =>
      row.map((choice) => {
        const data = choiceData(prompt, choice.id);
        // A flow's choice id is short ASCII by the chat port's contract; a longer one is a bug to see at once.
        if (Buffer.byteLength(data) > CALLBACK_DATA_MAX_BYTES) throw new Error(`choice id too long for Telegram callback data: ${choice.id.length} chars`);
        return InlineKeyboard.text(fitText(choice.label, BUTTON_LABEL_MAX), data);
      }),
    ),
  );
}

/** `menu` is the main menu's layout as the cabinet offers it (cabinet.menu). */
export function replyKeyboard(keyboard: Keyboard, choices: Choices | undefined, menu: MenuLayout = menuLayout): ReplyKeyboardMarkup {
  if (keyboard === 'menu') return mainMenuKeyboard(menu);
  const built = new ReplyKeyboard();
  if (keyboard === 'contact') {
    built.requestContact(onboarding.sharePhoneButton).row();
    // Here the choices are reply buttons: a pressed one arrives as its label typed, which the runner takes as it.
    for (const row of choices ?? []) {
      for (const choice of row) built.text(fitText(choice.label, BUTTON_LABEL_MAX));
      built.row();
    }
  }
  return built.text(common.cancelButton).resized().persistent();
}

/** The markup of a message: inline buttons when it offers choices (except with the contact keyboard), else the reply keyboard. */
export function markupOf(options: SayOptions, prompt: number, menu: MenuLayout = menuLayout): InlineKeyboardMarkup | ReplyKeyboardMarkup {
  const keyboard = options.keyboard ?? 'flow';
  const hasChoices = keyboard !== 'contact' && options.choices !== undefined && options.choices.length > 0;
  if (!hasChoices && !options.link) return replyKeyboard(keyboard, options.choices, menu);
  const rows = hasChoices ? inlineChoices(options.choices!, prompt).inline_keyboard : [];
  // A web page to open (a payment's checkout): an inline URL button, first, above the message's choices.
  const link = options.link ? [[InlineKeyboard.url(fitText(options.link.label, BUTTON_LABEL_MAX), options.link.url)]] : [];
  return InlineKeyboard.from([...link, ...rows]);
}

/** The line that carries a new bottom keyboard ahead of a question with inline buttons: what that keyboard is for. */
export function keyboardLead(bottom: Keyboard): string {
  return bottom === 'menu' ? menuTexts.shown : common.leaveWithCancel;
}

/**
 * The messages one `say` becomes: its text split to Telegram's length, each part with the markup it carries.
 * A message with inline buttons cannot also set the reply keyboard, so when the keyboard at the bottom must
 * change under it (`shown`, what this flow left there, is another: the menu as a flow starts, the share-phone
 * button once the phone is in), a short line saying what the new keyboard is for carries it, and the whole
 * text with its buttons follows.
 */
export function messagesOf(
  text: string,
  options: SayOptions,
  prompt: number,
  shown: Keyboard | undefined,
  menu: MenuLayout = menuLayout,
): { text: string; markup?: InlineKeyboardMarkup | ReplyKeyboardMarkup }[] {
  const markup = markupOf(options, prompt, menu);
  const bottom = options.keyboard ?? 'flow';
  const parts = splitText(text, MESSAGE_MAX);
  const inline = 'inline_keyboard' in markup;
  if (inline && bottom !== (shown ?? 'menu')) {
    return [{ text: keyboardLead(bottom), markup: replyKeyboard(bottom, undefined, menu) }, ...parts.map((part, i) => (i === parts.length - 1 ? { text: part, markup } : { text: part }))];
  }
  return parts.map((part, i) => (i === parts.length - 1 ? { text: part, markup } : { text: part }));
}

/** A stored media's bytes by id (core/media/store.ts loadMedia); null when unknown or expired. */
export type MediaBytes = (mediaId: string) => Promise<LoadedMedia | null>;

/**
 * Sends the media with the last message's text as its caption when it fits one (1,024 characters), the
 * messages before it first; a caption too long for one goes as messages after the bare media. The buttons stay
 * on the last message either way.
 */
async function sendWithMedia(ctx: Context, messages: ReturnType<typeof messagesOf>, attachment: MediaAttachment, loadBytes: MediaBytes | undefined): Promise<void> {
  const media = loadBytes ? await loadBytes(attachment.mediaId) : null;
  // A flow sends media it has just stored: a missing one is a bug or a purge race, answered as an error.
  if (!media) throw new Error('media to send is missing or expired');
  const reply = (message: (typeof messages)[number]) => ctx.reply(message.text, message.markup ? { reply_markup: message.markup } : {});
  const send = (caption: string | undefined, markup: (typeof messages)[number]['markup']) => {
    const file = new InputFile(media.bytes, attachment.filename);
    const extra = { ...(caption ? { caption } : {}), ...(markup ? { reply_markup: markup } : {}) };
    return attachment.kind === 'photo' ? ctx.replyWithPhoto(file, extra) : ctx.replyWithDocument(file, extra);
  };
  const last = messages.at(-1)!;
  if (last.text.length <= CAPTION_MAX) {
    for (const message of messages.slice(0, -1)) await reply(message);
    await send(last.text.trim() === '' ? undefined : last.text, last.markup);
  } else {
    await send(undefined, undefined);
    for (const message of messages) await reply(message);
  }
}

/** Telegram's limits of an invoice: title 1–32 characters, description 1–255, payload 1–128 bytes. */
export const INVOICE_TITLE_MAX = 32;
export const INVOICE_DESCRIPTION_MAX = 255;

/** sendInvoice's parameters for a flow's invoice: UAH in kopecks, the stored order's id as the payload. */
export function invoiceParams(invoice: Invoice, providerToken: string) {
  return {
    title: fitText(invoice.title, INVOICE_TITLE_MAX),
    description: fitText(invoice.description, INVOICE_DESCRIPTION_MAX),
    payload: invoice.orderId,
    currency: 'UAH',
    prices: [{ label: payments.invoiceLabel, amount: invoice.amountKop }],
    other: { provider_token: providerToken },
  };
}

/**
 * The chat port's output for the chat of `ctx`, with the cabinet's menu layout; reports the reply keyboard it left at the bottom. With a payment
 * provider token, a flow's invoice follows the text as Telegram's invoice message (its «Pay» button is
 * Telegram's own); without one the link stands in for it.
 */
export function telegramOutput(
  ctx: Context,
  subscriberId: number,
  options: { menu?: MenuLayout; paymentProviderToken?: string; loadBytes?: MediaBytes } = {},
): ChatOutput {
  const { menu = menuLayout, paymentProviderToken, loadBytes } = options;
  return {
    channel: 'telegram',
    subscriberId,
    async send(text, options, prompt, shown) {
      const invoice = options.invoice && paymentProviderToken ? invoiceParams(options.invoice, paymentProviderToken) : undefined;
      const said = invoice ? { ...options, link: undefined } : options;
      const messages = messagesOf(text, said, prompt, shown, menu);
      if (options.media) await sendWithMedia(ctx, messages, options.media, loadBytes);
      else for (const message of messages) await ctx.reply(message.text, message.markup ? { reply_markup: message.markup } : {});
      if (invoice) {
        try {
          await ctx.replyWithInvoice(invoice.title, invoice.description, invoice.payload, invoice.currency, invoice.prices, invoice.other);
        } catch (error) {
          if (!(error instanceof GrammyError) || error.error_code !== 400 || !options.link) throw error;
          // Telegram refused the invoice (a sum under its minimum for the currency, a provider it no longer takes): the
          // link stands in for it, and with no invoice sent the order cannot be paid twice.
          await ctx.reply(payments.invoiceRefused, { reply_markup: markupOf({ link: options.link }, prompt) });
        }
      }
      return messages.some((m) => m.markup && !('inline_keyboard' in m.markup)) ? (options.keyboard ?? 'flow') : shown;
    },
  };
}
