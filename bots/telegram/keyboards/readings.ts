import { InlineKeyboard } from 'grammy';
import { readings } from '../../texts/readings.ts';
import { cb } from '../callback-data.ts';

// Button labels are cut to what a phone shows in one line; the message above carries the full details.
const LABEL_MAX = 60;

export function readingAccountsKeyboard(list: readonly { accountId: number; number: string; address: string }[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const a of list) keyboard.text(readings.accountButton(a.number, a.address).slice(0, LABEL_MAX), cb.readingAccount(a.accountId)).row();
  return keyboard;
}

export function readingMetersKeyboard(
  list: readonly { meterId: number; serial: string; service: string; place: string }[],
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const m of list) keyboard.text(readings.meterButton(m).slice(0, LABEL_MAX), cb.readingMeter(m.meterId)).row();
  return keyboard;
}

export const readingConfirmKeyboard = () =>
  new InlineKeyboard().text(readings.sendButton, cb.readingSend).text(readings.changeButton, cb.readingChange);

export const readingJumpKeyboard = () =>
  new InlineKeyboard().text(readings.jumpYesButton, cb.readingJumpYes).row().text(readings.changeButton, cb.readingChange);

export const readingLowerKeyboard = () =>
  new InlineKeyboard().text(readings.correctionLetterButton, cb.readingCorrectionLetter).row().text(readings.retypeButton, cb.readingChange);

export const addAccountKeyboard = () => new InlineKeyboard().text(readings.addAccountButton, cb.linkStart);
