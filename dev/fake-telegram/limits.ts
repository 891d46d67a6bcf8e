import { badRequest } from './errors.ts';
import type { Params } from './state.ts';

// What the real Bot API refuses, so a test against the fake meets the same 400 a subscriber's message would meet in
// production. Lengths are in UTF-16 code units, as Telegram counts them (its entity offsets are UTF-16 too), and are
// measured after parse_mode has been applied.
//
// Sources:
// - text 1–4096, caption 0–1024, callback_data 1–64 bytes, callback answer text 0–200 characters:
//   https://core.telegram.org/bots/api (sendMessage, sendPhoto, InlineKeyboardButton, answerCallbackQuery);
//   answerCallbackQuery over 200 answers "Bad Request: MESSAGE_TOO_LONG" (eternnoir/pyTelegramBotAPI#500).
// - markup: Telegram documents no number. Its answer "Bad Request: reply markup is too long" comes at about 100
//   inline buttons (tginfo/Telegram-Limits#228: "max inline keyboard button: 100"; pyTelegramBotAPI#511,
//   node-telegram-bot-api#200) or when the markup's JSON passes 10 kB whatever the count (tginfo/Telegram-Limits#187:
//   "On markup json len > 10kB"); reply keyboards take up to 300 buttons (#228).
// - strings that are not valid UTF-8 (a lone surrogate, once encoded): "Bad Request: strings must be encoded in
//   UTF-8" (RITlug/teleirc#332 and #425).

export const TEXT_MAX = 4096;
export const CAPTION_MAX = 1024;
export const CALLBACK_DATA_MAX_BYTES = 64;
export const CALLBACK_ANSWER_MAX = 200;
export const INLINE_BUTTONS_MAX = 100;
export const REPLY_BUTTONS_MAX = 300;
export const MARKUP_JSON_MAX_BYTES = 10 * 1024;
export const TOPIC_NAME_MAX = 128;
/** getFile: "bots can currently download files of up to 20MB in size" (core.telegram.org/bots/api#getfile). */
export const GET_FILE_MAX_BYTES = 20 * 1024 * 1024;

export const limitErrors = {
  textEmpty: 'message text is empty',
  textTooLong: 'message is too long',
  captionTooLong: 'message caption is too long',
  callbackAnswerTooLong: 'MESSAGE_TOO_LONG',
  markupTooLong: 'reply markup is too long',
  buttonData: 'BUTTON_DATA_INVALID',
  buttonText: 'BUTTON_TEXT_INVALID',
  notUtf8: 'strings must be encoded in UTF-8',
} as const;

/** Refuses a call any of whose strings (however deep) holds a lone surrogate: it has no UTF-8 form. */
export function assertWellFormed(params: Params): void {
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.isWellFormed()) throw badRequest(limitErrors.notUtf8);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
      for (const [key, item] of Object.entries(value)) {
        visit(key);
        visit(item);
      }
    }
  };
  visit(params);
}

/** Telegram's own measure of a markup's size: its JSON as the bot sent it. */
export function assertMarkupSize(markup: Record<string, unknown>, buttons: number, max: number): void {
  if (buttons > max || Buffer.byteLength(JSON.stringify(markup), 'utf8') > MARKUP_JSON_MAX_BYTES) throw badRequest(limitErrors.markupTooLong);
}
