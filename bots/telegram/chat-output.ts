import { InlineKeyboard, Keyboard as ReplyKeyboard, type Context } from 'grammy';
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup } from 'grammy/types';
import { fitText, splitText } from '../../core/text.ts';
import type { Choices, Keyboard, SayOptions } from '../flows/chat.ts';
import type { ChatOutput } from '../flows/runner.ts';
import { common } from '../texts/common.ts';
import { menuLayout, menuTexts, type MenuLayout } from '../texts/menu.ts';
import { onboarding } from '../texts/onboarding.ts';
import { choiceData } from './callback-data.ts';
import { mainMenuKeyboard } from './keyboards/main-menu.ts';

// How what a flow says is shown in a Telegram chat: choices as inline buttons (their callback data carries the
// message's prompt number, so an older message's button is told apart), the reply keyboard at the bottom, and
// Telegram's limits kept by construction.

/** Telegram's limits: a message's text, callback data (bytes) and what a phone shows of a button in one line. */
export const MESSAGE_MAX = 4096;
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

/** The chat port's output for the chat of `ctx`; reports the reply keyboard it left at the bottom. */
export function telegramOutput(ctx: Context, subscriberId: number, menu: MenuLayout = menuLayout): ChatOutput {
  return {
    channel: 'telegram',
    subscriberId,
    async send(text, options, prompt, shown) {
      const messages = messagesOf(text, options, prompt, shown, menu);
      for (const message of messages) await ctx.reply(message.text, message.markup ? { reply_markup: message.markup } : {});
      return messages.some((m) => m.markup && !('inline_keyboard' in m.markup)) ? (options.keyboard ?? 'flow') : shown;
    },
  };
}
