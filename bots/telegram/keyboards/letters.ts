import { InlineKeyboard } from 'grammy';
import { letterCategories } from '../../../core/letters/index.ts';
import { letters } from '../../texts/letters.ts';
import { cb } from '../callback-data.ts';

const LABEL_MAX = 60;

export function letterCategoryKeyboard(): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const category of letterCategories) keyboard.text(letters.categories[category], cb.letterCategory(category)).row();
  return keyboard;
}

export function letterAccountKeyboard(list: readonly { accountId: number; number: string; address: string }[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const a of list) keyboard.text(letters.accountButton(a.number, a.address).slice(0, LABEL_MAX), cb.letterAccount(a.accountId)).row();
  return keyboard.text(letters.noAccountButton, cb.letterNoAccount);
}

export const noPhotosKeyboard = () => new InlineKeyboard().text(letters.noPhotosButton, cb.letterNoPhotos);
export const photosDoneKeyboard = () => new InlineKeyboard().text(letters.doneButton, cb.letterPhotosDone);

export const letterConfirmKeyboard = () =>
  new InlineKeyboard().text(letters.sendButton, cb.letterSend).text(letters.changeButton, cb.letterChange);

export function lettersListKeyboard(list: readonly { letterId: number; number: number }[]): InlineKeyboard | undefined {
  if (list.length === 0) return undefined;
  const keyboard = new InlineKeyboard();
  for (const l of list) keyboard.text(letters.openButton(l.number), cb.openLetter(l.letterId)).row();
  return keyboard;
}
