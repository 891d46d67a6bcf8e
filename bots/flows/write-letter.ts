import { listLinkedAccounts } from '../../core/accounts/index.ts';
import { checkText, LETTER_ATTACHMENTS_MAX, LETTER_TEXT_MAX, letterCategories, writeLetter } from '../../core/letters/index.ts';
import type { TextRefusal } from '../../core/letters/index.ts';
import type { Attachment, LetterCategory } from '../../models/models.ts';
import { outageCabinet } from '../texts/outages.ts';
import { letters } from '../texts/letters.ts';
import type { Chat } from './chat.ts';
import { choose, unexpectedAnswer } from './kit.ts';
import { choosePaged } from './paged-choice.ts';
import type { Flow, FlowDeps } from './router.ts';

// Writing a letter: the subject (an emergency is told the emergency phone at once), the account (asked only
// when there are several; "about no account" allowed), the text (a photo with a caption is the text and a
// photo), photos, a look at the whole letter, and «Так, надіслати». Storing is idempotent: the step's key goes
// with the letter, so a second press of the same button (another update, another instance) stores nothing.

const NO_ACCOUNT = 'none';
const DONE = 'done';
const SEND = 'send';
const CHANGE = 'change';

export interface LetterAccount {
  accountId: number;
  number: string;
  address: string;
}

function refusalText(refusal: TextRefusal): string {
  switch (refusal.kind) {
    case 'empty':
      return letters.empty;
    case 'too-long':
      return letters.tooLong(refusal.max, refusal.length);
    case 'too-many-attachments':
      return letters.photosLimit(refusal.max);
  }
}

/** The letter's text (core's check passed) and the photo that came with it as a caption, if any. */
async function askLetterText(chat: Chat, prompt: string): Promise<{ text: string; photos: Attachment[] }> {
  await chat.say(prompt);
  for (;;) {
    const input = await chat.wait();
    let words: string;
    let photos: Attachment[] = [];
    if (input.kind === 'text') words = input.text;
    else if (input.kind === 'photo' && input.caption !== null && input.caption.trim() !== '') {
      words = input.caption;
      photos = [input.photo];
    } else {
      await chat.say(input.kind === 'photo' ? letters.textFirst : unexpectedAnswer(input, 'text', letters.askText(LETTER_TEXT_MAX)));
      continue;
    }
    const checked = checkText(words, [], { emptyAllowedWithAttachments: false });
    if (checked.ok) return { text: checked.text, photos };
    await chat.say(refusalText(checked.refusal));
  }
}

/** Photos up to the limit; a caption is added to the text when the letter still fits. */
async function collectPhotos(chat: Chat, letter: { text: string; photos: Attachment[] }): Promise<{ text: string; photos: Attachment[] }> {
  let { text } = letter;
  const photos = [...letter.photos];
  const done = () => [[{ id: DONE, label: photos.length === 0 ? letters.noPhotosButton : letters.doneButton }]];
  await chat.say(
    photos.length === 0 ? letters.askPhotos(LETTER_ATTACHMENTS_MAX) : letters.photoAdded(photos.length, LETTER_ATTACHMENTS_MAX),
    { choices: done() },
  );
  while (photos.length < LETTER_ATTACHMENTS_MAX) {
    const input = await chat.wait();
    if (input.kind === 'choice' && input.id === DONE) return { text, photos };
    if (input.kind !== 'photo') {
      await chat.say(input.kind === 'text' ? letters.photosExpected : unexpectedAnswer(input, 'choice', letters.photosExpected), { choices: done(), again: true });
      continue;
    }
    photos.push(input.photo);
    let note = '';
    if (input.caption !== null && input.caption.trim() !== '') {
      const checked = checkText(`${text}\n\n${input.caption}`, photos, { emptyAllowedWithAttachments: false });
      if (checked.ok) text = checked.text;
      else if (checked.refusal.kind === 'too-long') note = `${letters.captionTooLong(checked.refusal.max, checked.refusal.length)}\n`;
    }
    if (photos.length < LETTER_ATTACHMENTS_MAX) await chat.say(`${note}${letters.photoAdded(photos.length, LETTER_ATTACHMENTS_MAX)}`, { choices: done() });
    else await chat.say(`${note}${letters.photosLimit(LETTER_ATTACHMENTS_MAX)}`);
  }
  return { text, photos };
}

export const writeLetterFlow: Flow<null> = {
  id: 'write-letter',
  async run(chat, deps) {
    const { core } = deps;
    const subscriberId = chat.subscriberId;
    const category = (await choose(
      chat,
      letters.chooseCategory,
      letterCategories.map((c) => [{ id: c, label: letters.categories[c] }]),
    )) as LetterCategory;
    const emergencyPhone = core.settings.emergencyPhone;
    if (category === 'emergency' && emergencyPhone) await chat.say(letters.emergencyPhone(emergencyPhone));

    const linked = await chat.step(async (): Promise<LetterAccount[]> =>
      (await listLinkedAccounts(core, subscriberId)).map(({ accountId, number, address }) => ({ accountId, number, address })),
    );
    // One account: the letter is about it (staff see which); none: about no account.
    let account: LetterAccount | null = linked.length === 1 ? linked[0]! : null;
    if (linked.length > 1) {
      const id = await choosePaged(chat, () => letters.chooseAccount, linked, (a) => ({ id: `a${a.accountId}`, label: letters.accountButton(a.number, a.address) }), {
        fixed: [{ id: NO_ACCOUNT, label: letters.noAccountButton }],
      });
      account = linked.find((a) => `a${a.accountId}` === id) ?? null;
    }
    return composeLetter(chat, deps, { category, account, text: null });
  },
};

/**
 * The text, photos, a look at the whole letter and «Так, надіслати», for a subject and account already known;
 * with `text` given (a letter another flow prepared) the subscriber starts from it and may change it.
 */
export async function composeLetter(chat: Chat, { core }: FlowDeps, start: { category: LetterCategory; account: LetterAccount | null; text: string | null }): Promise<void> {
  const subscriberId = chat.subscriberId;
  const { category, account } = start;
  let prompt = letters.askText(LETTER_TEXT_MAX);
  let prepared = start.text;
  if (prepared !== null) await chat.say(letters.prefilled(prepared));
  for (;;) {
    const letter = await collectPhotos(chat, prepared !== null ? { text: prepared, photos: [] } : await askLetterText(chat, prompt));
    prepared = null;
    const decision = await choose(
      chat,
      letters.confirm({ category, accountNumber: account?.number ?? null, text: letter.text, photos: letter.photos.length }),
      [
        [
          { id: SEND, label: letters.sendButton },
          { id: CHANGE, label: letters.changeButton },
        ],
      ],
    );
    if (decision === CHANGE) {
      prompt = `${letters.changeText}\n\n${letters.askText(LETTER_TEXT_MAX)}`;
      continue;
    }
    const outcome = await chat.step((key) =>
      writeLetter(core, {
        subscriberId,
        accountId: account?.accountId ?? null,
        category,
        text: letter.text,
        attachments: letter.photos,
        idempotencyKey: key,
      }),
    );
    switch (outcome.kind) {
      case 'stored': {
        const stored = outcome.alreadyStored ? letters.alreadyStored(outcome.number) : letters.stored(outcome.number);
        const known = outcome.knownEmergency ? `\n\n${outageCabinet.emergencyKnown(outcome.knownEmergency, core.settings.timeZone)}` : '';
        return chat.say(`${stored}${known}`, { keyboard: 'menu' });
      }
      case 'not-linked':
        return chat.say(letters.notLinked, { keyboard: 'menu' });
      default:
        // Checked with the same rule before; asked again rather than lost.
        prompt = `${refusalText(outcome)}\n\n${letters.askText(LETTER_TEXT_MAX)}`;
    }
  }
}
