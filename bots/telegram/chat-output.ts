import { InlineKeyboard, InputFile, Keyboard as ReplyKeyboard, type Context } from 'grammy';
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup } from 'grammy/types';
import { fitText, splitText } from '../../core/text.ts';
import type { LoadedMedia } from '../../core/media/store.ts';
import type { Choices, Keyboard, MediaAttachment, SayOptions } from '../flows/chat.ts';
import type { ChatOutput } from '../flows/runner.ts';
import { common } from '../texts/common.ts';
import { menuTexts } from '../texts/menu.ts';
import { onboarding } from '../texts/onboarding.ts';
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

export function replyKeyboard(keyboard: Keyboard, choices: Choices | undefined): ReplyKeyboardMarkup {
  if (keyboard === 'menu') return mainMenuKeyboard();
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
export function markupOf(options: SayOptions, prompt: number): InlineKeyboardMarkup | ReplyKeyboardMarkup {
  const keyboard = options.keyboard ?? 'flow';
  const hasChoices = keyboard !== 'contact' && options.choices !== undefined && options.choices.length > 0;
  if (!hasChoices && !options.link) return replyKeyboard(keyboard, options.choices);
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
export function messagesOf(text: string, options: SayOptions, prompt: number, shown: Keyboard | undefined): { text: string; markup?: InlineKeyboardMarkup | ReplyKeyboardMarkup }[] {
  const markup = markupOf(options, prompt);
  const bottom = options.keyboard ?? 'flow';
  const parts = splitText(text, MESSAGE_MAX);
  const inline = 'inline_keyboard' in markup;
  if (inline && bottom !== (shown ?? 'menu')) {
    return [{ text: keyboardLead(bottom), markup: replyKeyboard(bottom, undefined) }, ...parts.map((part, i) => (i === parts.length - 1 ? { text: part, markup } : { text: part }))];
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

/** The chat port's output for the chat of `ctx`; reports the reply keyboard it left at the bottom. */
export function telegramOutput(ctx: Context, subscriberId: number, loadBytes?: MediaBytes): ChatOutput {
  return {
    channel: 'telegram',
    subscriberId,
    async send(text, options, prompt, shown) {
      const messages = messagesOf(text, options, prompt, shown);
      if (options.media) await sendWithMedia(ctx, messages, options.media, loadBytes);
      else for (const message of messages) await ctx.reply(message.text, message.markup ? { reply_markup: message.markup } : {});
      return messages.some((m) => m.markup && !('inline_keyboard' in m.markup)) ? (options.keyboard ?? 'flow') : shown;
    },
  };
}
