import { fitText, splitText } from '../../core/text.ts';
import type { MediaRef } from '../../core/media/store.ts';
import type { Choice, Keyboard, SayOptions } from '../flows/chat.ts';
import { common } from '../texts/common.ts';
import { menuLayout, type MenuLayout } from '../texts/menu.ts';
import type { ViberButton, ViberKeyboard, ViberOutgoing } from './api-types.ts';
import { moreBody } from './events.ts';
import { choicesKeyboard, mainMenuKeyboard, needsApiVersion, replyButton, sharePhoneButton } from './keyboards.ts';
import { viberTexts } from './texts-viber.ts';

// How what a flow says becomes Viber messages, kept within Viber's REST Bot API limits:
// - a text message holds at most 7,000 characters (send_message, "text: Max length 7,000 characters";
//   https://developers.viber.com/docs/api/rest-bot-api/#send-message, the same figure in Infobip's Viber bot
//   docs): a longer text goes as several messages cut at grapheme boundaries (core/text.ts), the keyboard on
//   the last;
// - a button's Text at most 250 characters (keyboards, button parameters; https://developers.viber.com/docs/tools/keyboards/):
//   labels are shortened for the eye, the ActionBody keeps the whole label so the press still matches the choice;
// - at most 24 buttons a keyboard (the keyboards page's limit as we read it; the excerpts the search tool gave did
//   not include that table, so the figure is the conservative one): a longer list is paged by construction, its
//   last button «Ще…» (Silent) bringing the next page of the same choices. The adapter answers «Ще…» itself, and
//   the flow keeps waiting for its answer.
export const VIBER_TEXT_MAX = 7_000;
export const VIBER_BUTTON_TEXT_MAX = 250;
export const VIBER_KEYBOARD_BUTTONS_MAX = 24;

/** The buttons a keyboard kind adds around the choices. */
function fixedButtons(kind: Keyboard, menu: MenuLayout): { before: ViberButton[]; after: ViberButton[] } {
  switch (kind) {
    case 'menu':
      return { before: [], after: mainMenuKeyboard(menu).Buttons };
    case 'contact':
      return { before: [sharePhoneButton()], after: [replyButton({ label: common.cancelButton })] };
    case 'flow':
      return { before: [], after: [replyButton({ label: common.cancelButton })] };
  }
}

function labelled(choice: Choice, columns: number): ViberButton {
  const button = replyButton({ label: fitText(choice.label, VIBER_BUTTON_TEXT_MAX - 20), actionBody: choice.label }, columns);
  // Escaping (&amp;) can lengthen the shown text past the limit: shorten once more when it does.
  return button.Text && button.Text.length > VIBER_BUTTON_TEXT_MAX ? { ...button, Text: fitText(button.Text, VIBER_BUTTON_TEXT_MAX) } : button;
}

/**
 * The keyboard for a message with `choices` (rows as the flow laid them out) and a keyboard kind, showing page
 * `page` when the choices do not fit on one. `prompt` numbers the message, for «Ще…».
 */
export function keyboardFor(choices: SayOptions['choices'], kind: Keyboard, prompt: number, page = 0, menu: MenuLayout = menuLayout): ViberKeyboard {
  const fixed = fixedButtons(kind, menu);
  const rows = choices ?? [];
  const room = VIBER_KEYBOARD_BUTTONS_MAX - fixed.before.length - fixed.after.length;
  const count = rows.reduce((n, row) => n + row.length, 0);
  let buttons: ViberButton[];
  if (count <= room) {
    buttons = rows.flatMap((row) => row.map((choice) => labelled(choice, Math.max(1, Math.floor(6 / row.length)))));
  } else {
    // Pages of one button a row: the flow's layout cannot survive a cut anyway.
    const perPage = room - 1;
    const flat = rows.flat();
    const pages = Math.ceil(flat.length / perPage);
    const shown = page % pages;
    buttons = [
      ...flat.slice(shown * perPage, (shown + 1) * perPage).map((choice) => labelled(choice, 6)),
      replyButton({ label: viberTexts.moreButton, actionBody: moreBody(prompt, (shown + 1) % pages), silent: true }),
    ];
  }
  const keyboard = choicesKeyboard([]);
  return { ...keyboard, Buttons: [...fixed.before, ...buttons, ...fixed.after] };
}

/** An open-url button: Viber opens the page in its browser and sends nothing to the bot. */
function linkButton(link: NonNullable<SayOptions['link']>): ViberButton {
  const button = replyButton({ label: fitText(link.label, VIBER_BUTTON_TEXT_MAX - 20) }, 6);
  return { ...button, ActionType: 'open-url', ActionBody: link.url, Silent: true };
}

/** What the last message of a `say` carries: the keyboard, and the API version its buttons need. `menu` is the main
 * menu's layout as the cabinet offers it (cabinet.menu). */
function tailOf(options: SayOptions, prompt: number, page = 0, menu: MenuLayout = menuLayout): { keyboard: ViberKeyboard; min_api_version?: number } {
  const choices = keyboardFor(options.choices, options.keyboard ?? 'flow', prompt, page, menu);
  const keyboard = options.link ? { ...choices, Buttons: [linkButton(options.link), ...choices.Buttons] } : choices;
  const minApi = needsApiVersion(keyboard);
  return { keyboard, ...(minApi ? { min_api_version: minApi } : {}) };
}

/** The messages one `say` becomes: the text in parts Viber takes, the keyboard under the last. */
export function messagesFor(text: string, options: SayOptions, prompt: number, page = 0, menu: MenuLayout = menuLayout): ViberOutgoing[] {
  const { keyboard, min_api_version: minApi } = tailOf(options, prompt, page, menu);
  const parts = splitText(text, VIBER_TEXT_MAX);
  return parts.map((part, index) =>
    index === parts.length - 1
      ? { type: 'text', text: part, keyboard, ...(minApi ? { min_api_version: minApi } : {}) }
      : { type: 'text', text: part },
  );
}

// Media (send_message types "picture" and "file"; Viber fetches the bytes from `media`, our signed address):
// a picture is a JPEG, PNG or non-animated GIF of at most 1 MB with a description of at most 512 characters;
// a file has a name of at most 256 characters and at most 50 MB (Viber's message types as Infobip's Viber bot
// docs list them: "Image size 1 MB (maximum)", "Caption 512 characters", "File name 256 characters", "File size
// 50 MB"). A photo that is no such picture goes as a file; a text that is no description goes as messages.
export const VIBER_PICTURE_MAX_BYTES = 1024 * 1024;
export const VIBER_PICTURE_TEXT_MAX = 512;
export const VIBER_FILE_NAME_MAX = 256;
const PICTURE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif']);

/** Whether Viber takes this media as a picture message. */
export function viberPicture(media: MediaRef): boolean {
  return PICTURE_TYPES.has(media.contentType) && media.size <= VIBER_PICTURE_MAX_BYTES;
}

/** A file name Viber takes: at most 256 characters, the extension kept. */
export function viberFileName(name: string): string {
  if (name.length <= VIBER_FILE_NAME_MAX) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  return fitText(name.slice(0, name.length - extension.length), VIBER_FILE_NAME_MAX - extension.length) + extension;
}

/**
 * The messages of a `say` with media at `url`: a picture carries the text as its description when it fits,
 * a file cannot carry one, so the text goes first; the keyboard is on the last message either way.
 */
export function mediaMessagesFor(
  text: string,
  options: SayOptions,
  prompt: number,
  media: { ref: MediaRef; url: string; kind: 'photo' | 'document'; filename: string },
  menu: MenuLayout = menuLayout,
): ViberOutgoing[] {
  const hasText = text.trim() !== '';
  const texts = hasText ? messagesFor(text, options, prompt, 0, menu) : [];
  const tail = tailOf(options, prompt, 0, menu);
  const bare: ViberOutgoing[] = hasText ? splitText(text, VIBER_TEXT_MAX).map((part) => ({ type: 'text', text: part })) : [];
  if (media.kind === 'photo' && viberPicture(media.ref)) {
    if (texts.length <= 1 && text.length <= VIBER_PICTURE_TEXT_MAX) return [{ type: 'picture', text: hasText ? text : '', media: media.url, ...tail }];
    return [{ type: 'picture', text: '', media: media.url }, ...texts];
  }
  return [...bare, { type: 'file', media: media.url, size: media.ref.size, file_name: viberFileName(media.filename), ...tail }];
}
