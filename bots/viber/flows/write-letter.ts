import { listLinkedAccounts } from '../../../core/accounts/index.ts';
import { LETTER_ATTACHMENTS_MAX, LETTER_TEXT_MAX, letterCategories, writeLetter } from '../../../core/letters/index.ts';
import type { TextRefusal } from '../../../core/letters/index.ts';
import { checkText } from '../../../core/letters/validate.ts';
import type { Attachment, LetterCategory } from '../../../models/models.ts';
import { common } from '../../texts/common.ts';
import { letters } from '../../texts/letters.ts';
import type { FlowState } from '../state-store.ts';
import { viberTexts } from '../texts-viber.ts';
import { chosen, dataOf, keyboard, photoOf, pressed, stateOf, unexpected } from './flow-kit.ts';
import { textOf, type FlowHandler, type Turn } from './types.ts';

// Writing a letter: the subject, the account (asked only when there are several), the text, photos sent as
// Viber pictures (their media URLs are what staff open), a look at the whole letter, and its number.

export const WRITE_LETTER = 'write-letter';

interface AccountOption {
  accountId: number;
  number: string;
  address: string;
}

interface LetterData {
  category: LetterCategory;
  /** At 'account'. */
  accounts: AccountOption[];
  /** From 'text' on; null when the letter is about no account. */
  accountId: number | null;
  accountNumber: string | null;
  text: string;
  photos: Attachment[];
}

const at = (step: string, data: Partial<LetterData>) => stateOf(WRITE_LETTER, step, data);

const categoryKeyboard = () => keyboard(letterCategories.map((c) => [letters.categories[c]]));
const accountLabel = (a: AccountOption) => letters.accountButton(a.number, a.address);
const accountsKeyboard = (list: AccountOption[]) => keyboard([...list.map((a) => [accountLabel(a)]), [letters.noAccountButton]]);
const textKeyboard = () => keyboard([]);
const photosKeyboard = (count: number) => keyboard([[count === 0 ? letters.noPhotosButton : letters.doneButton]]);
const confirmKeyboard = () => keyboard([[letters.sendButton, letters.changeButton]]);

export const writeLetterButtons = [letters.noAccountButton, letters.noPhotosButton, letters.doneButton, letters.sendButton, letters.changeButton];

function refusalText(refusal: TextRefusal, length: number): string {
  switch (refusal.kind) {
    case 'empty':
      return letters.empty;
    case 'too-long':
      return letters.tooLong(refusal.max, length);
    case 'too-many-attachments':
      return letters.photosLimit(refusal.max);
  }
}

export async function startWriteLetter(turn: Turn): Promise<FlowState> {
  await turn.say(letters.chooseCategory, categoryKeyboard());
  return at('category', {});
}

async function askText(turn: Turn, data: Partial<LetterData>, before = ''): Promise<FlowState> {
  await turn.say(`${before}${letters.askText(LETTER_TEXT_MAX)}`, textKeyboard());
  return at('text', { category: data.category, accountId: data.accountId ?? null, accountNumber: data.accountNumber ?? null });
}

async function confirm(turn: Turn, data: Partial<LetterData>, before = ''): Promise<FlowState> {
  const photos = data.photos ?? [];
  await turn.say(
    `${before}${letters.confirm({ category: data.category!, accountNumber: data.accountNumber ?? null, text: data.text ?? '', photos: photos.length })}`,
    confirmKeyboard(),
  );
  return at('confirm', { ...data, accounts: undefined, photos });
}

async function send(turn: Turn, data: Partial<LetterData>): Promise<FlowState | null> {
  const outcome = await writeLetter(turn.core, {
    subscriberId: turn.subscriber.id,
    accountId: data.accountId ?? null,
    category: data.category!,
    text: data.text ?? '',
    attachments: data.photos ?? [],
  });
  switch (outcome.kind) {
    case 'stored':
      return turn.showMenu(letters.stored(outcome.number));
    case 'not-linked':
      return turn.showMenu(letters.notLinked);
    case 'too-many-attachments':
      return confirm(turn, { ...data, photos: (data.photos ?? []).slice(0, outcome.max) }, `${letters.photosLimit(outcome.max)}\n\n`);
    case 'empty':
    case 'too-long':
      return askText(turn, data, `${refusalText(outcome, [...(data.text ?? '')].length)}\n\n`);
  }
}

export const writeLetterFlow: FlowHandler = async (turn, state, input) => {
  const text = textOf(input);
  const data = dataOf<LetterData>(state);

  if (state.step === 'category') {
    const category = chosen(text, letterCategories, (c) => letters.categories[c]);
    if (!category) return unexpected(turn, state, input, categoryKeyboard());
    const linked = await listLinkedAccounts(turn.core, turn.subscriber.id);
    if (linked.length <= 1) {
      // One account: the letter is about it (staff see which); none: about no account.
      const only = linked[0];
      return askText(turn, { category, accountId: only?.accountId ?? null, accountNumber: only?.number ?? null });
    }
    const accounts = linked.map(({ accountId, number, address }) => ({ accountId, number, address }));
    await turn.say(letters.chooseAccount, accountsKeyboard(accounts));
    return at('account', { category, accounts });
  }

  if (!data.category) return turn.showMenu(common.staleButton);

  if (state.step === 'account') {
    if (pressed(text, letters.noAccountButton)) return askText(turn, { ...data, accountId: null, accountNumber: null });
    const account = chosen(text, data.accounts, accountLabel);
    if (!account) return unexpected(turn, state, input, accountsKeyboard(data.accounts ?? []));
    return askText(turn, { ...data, accountId: account.accountId, accountNumber: account.number });
  }

  if (state.step === 'text') {
    if (input.kind === 'picture') {
      await turn.say(viberTexts.letterTextFirst, textKeyboard());
      return state;
    }
    if (text === null) return unexpected(turn, state, input, textKeyboard());
    // Core's own check, before the photos step, so nobody adds photos to a letter that cannot be stored.
    const checked = checkText(text, [], { emptyAllowedWithAttachments: false });
    if (!checked.ok) {
      await turn.say(refusalText(checked.refusal, [...text].length), textKeyboard());
      return state;
    }
    await turn.say(letters.askPhotos(LETTER_ATTACHMENTS_MAX), photosKeyboard(0));
    return at('photos', { ...data, text: checked.text, photos: [] });
  }

  if (state.step === 'photos') {
    const photos = data.photos ?? [];
    if (input.kind === 'picture') {
      const more = [...photos, photoOf(input.media)];
      if (more.length >= LETTER_ATTACHMENTS_MAX) return confirm(turn, { ...data, photos: more }, `${letters.photosLimit(LETTER_ATTACHMENTS_MAX)}\n\n`);
      await turn.say(letters.photoAdded(more.length, LETTER_ATTACHMENTS_MAX), photosKeyboard(more.length));
      return at('photos', { ...data, photos: more });
    }
    if (pressed(text, letters.doneButton) || pressed(text, letters.noPhotosButton)) return confirm(turn, data);
    const hint = text === null ? viberTexts.onlyPhotos : letters.photosExpected;
    await turn.say(hint, photosKeyboard(photos.length));
    return state;
  }

  if (state.step === 'confirm') {
    if (pressed(text, letters.sendButton)) return send(turn, data);
    if (pressed(text, letters.changeButton)) return askText(turn, data, `${letters.changeText}\n\n`);
    return unexpected(turn, state, input, confirmKeyboard());
  }
  return turn.showMenu(common.staleButton);
};
