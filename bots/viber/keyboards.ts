import { menu, menuLayout, type MenuLayout } from '../texts/menu.ts';
import { onboarding } from '../texts/onboarding.ts';
import type { ViberButton, ViberKeyboard } from './api-types.ts';

// Keyboards for older eyes and fingers: whole-width (or half-width) buttons, large type, high contrast.
// A reply button sends its ActionBody as the subscriber's message; by default that is the label itself, so the
// chat shows what was pressed and typing the label works the same as pressing it.

export interface Choice {
  label: string;
  /** What the press sends back; the label when omitted. */
  actionBody?: string;
  /** Hide the press from the chat (for technical action bodies such as notifier actions). */
  silent?: boolean;
}

const BUTTON_COLOR = '#DCEBFA';
const ACCENT_COLOR = '#B9E4C9';
const KEYBOARD_COLOR = '#FFFFFF';

/** Viber renders a few HTML-like tags in button text: labels are shown as written, never as markup. */
function escapeLabel(label: string): string {
  return label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function replyButton(choice: Choice, columns = 6, color = BUTTON_COLOR): ViberButton {
  return {
    ActionType: 'reply',
    ActionBody: choice.actionBody ?? choice.label,
    Text: escapeLabel(choice.label),
    Columns: columns,
    Rows: 1,
    BgColor: color,
    TextSize: 'large',
    TextHAlign: 'center',
    TextVAlign: 'middle',
    ...(choice.silent ? { Silent: true } : {}),
  };
}

/** One button a row, or the rows as given (each row splits the six columns between its buttons). */
export function choicesKeyboard(choices: readonly Choice[] | readonly (readonly Choice[])[]): ViberKeyboard {
  const rows: (readonly Choice[])[] = choices.map((entry) => (Array.isArray(entry) ? (entry as readonly Choice[]) : [entry as Choice]));
  return keyboardOf(rows.flatMap((row) => row.map((choice) => replyButton(choice, Math.max(1, Math.floor(6 / row.length))))));
}

function keyboardOf(buttons: ViberButton[]): ViberKeyboard {
  return { Type: 'keyboard', Buttons: buttons, BgColor: KEYBOARD_COLOR, DefaultHeight: false, InputFieldState: 'regular' };
}

/**
 * The share-phone button (Viber sends the subscriber's own number as a contact message; it needs
 * min_api_version 3, and Viber Desktop sends nothing at all) and the way on without it.
 */
export function sharePhoneKeyboard(later: Choice = { label: onboarding.laterButton }): ViberKeyboard {
  return keyboardOf([sharePhoneButton(), replyButton(later)]);
}

export function sharePhoneButton(): ViberButton {
  return {
    ActionType: 'share-phone',
    ActionBody: 'share-phone',
    Text: escapeLabel(onboarding.sharePhoneButton),
    Columns: 6,
    Rows: 1,
    BgColor: ACCENT_COLOR,
    TextSize: 'large',
    TextHAlign: 'center',
    TextVAlign: 'middle',
  };
}

/** The main menu, laid out as the shared menu says (two a row where they fit). */
export function mainMenuKeyboard(layout: MenuLayout = menuLayout): ViberKeyboard {
  return choicesKeyboard(layout.map((row) => row.map((item) => ({ label: menu[item] }))));
}

/** Whether a keyboard holds a button older Viber clients cannot show. */
export function needsApiVersion(keyboard: ViberKeyboard | undefined): number | undefined {
  if (!keyboard) return undefined;
  return keyboard.Buttons.some((b) => b.ActionType === 'share-phone') ? 3 : undefined;
}
