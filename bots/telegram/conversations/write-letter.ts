import { listLinkedAccounts } from '../../../core/accounts/index.ts';
import { LETTER_ATTACHMENTS_MAX, LETTER_TEXT_MAX, letterCategories, writeLetter } from '../../../core/letters/index.ts';
import type { Attachment, LetterCategory } from '../../../models/models.ts';
import { letters } from '../../texts/letters.ts';
import { cb } from '../callback-data.ts';
import type { Flow, FlowContext, TelegramDeps } from '../context.ts';
import { letterAccountKeyboard, letterCategoryKeyboard, letterConfirmKeyboard, noPhotosKeyboard, photosDoneKeyboard } from '../keyboards/letters.ts';
import { mainMenuKeyboard } from '../keyboards/main-menu.ts';
import { explainUnexpected } from '../unexpected.ts';
import { waitForButton, waitForText } from './flow-input.ts';

export const WRITE_LETTER = 'write-letter';

/** Buttons of this flow; "open letter" buttons of "My letters" belong to the letters feature, not here. */
const OWN_BUTTON = /^lt:(cat|acc|photos-done|no-photos|send|change)\b/;

/** Code points, as core and PostgreSQL count them: an emoji is one character. */
const length = (text: string) => [...text.trim()].length;

async function collectPhotos(conversation: Flow, ctx: FlowContext): Promise<Attachment[]> {
  const photos: Attachment[] = [];
  await ctx.reply(letters.askPhotos(LETTER_ATTACHMENTS_MAX), { reply_markup: noPhotosKeyboard() });
  while (photos.length < LETTER_ATTACHMENTS_MAX) {
    const next = await conversation.wait();
    const photo = next.message?.forward_origin === undefined ? next.message?.photo : undefined;
    if (photo && photo.length > 0) {
      // Telegram sends every size of one photo, smallest first: the last is what staff should see.
      photos.push({ kind: 'photo', ref: photo[photo.length - 1]!.file_id, channel: 'telegram' });
      if (photos.length < LETTER_ATTACHMENTS_MAX) {
        await next.reply(letters.photoAdded(photos.length, LETTER_ATTACHMENTS_MAX), { reply_markup: photosDoneKeyboard() });
      }
      continue;
    }
    const data = next.callbackQuery?.data;
    if (data === cb.letterPhotosDone || data === cb.letterNoPhotos) {
      await next.answerCallbackQuery();
      await next.editMessageReplyMarkup().catch(() => undefined);
      return photos;
    }
    if (data !== undefined && !OWN_BUTTON.test(data)) await conversation.skip({ next: true });
    if (next.message?.text !== undefined && next.message.forward_origin === undefined) {
      await next.reply(letters.photosExpected, { reply_markup: photos.length > 0 ? photosDoneKeyboard() : noPhotosKeyboard() });
    } else {
      await explainUnexpected(next, 'button', letters.photosExpected);
    }
    await conversation.skip();
  }
  await ctx.reply(letters.photosLimit(LETTER_ATTACHMENTS_MAX));
  return photos;
}

/**
 * Category → account (asked only when several are linked) → text → optional photos → confirm → stored, with
 * its number. Replayed from the top on every update: core calls go through `external`.
 */
export function writeLetterConversation(deps: TelegramDeps) {
  return async function writeLetterFlow(conversation: Flow, ctx: FlowContext): Promise<void> {
    const { core } = deps;
    const subscriberId = await conversation.external((outside) => outside.subscriber!.id);

    await ctx.reply(letters.chooseCategory, { reply_markup: letterCategoryKeyboard() });
    const categoryPress = await waitForButton(conversation, {
      ownButton: OWN_BUTTON,
      accepts: (data) => letterCategories.some((c) => data === cb.letterCategory(c)),
    });
    const category = letterCategories.find((c) => categoryPress.callbackQuery.data === cb.letterCategory(c)) as LetterCategory;

    const linked = await conversation.external(async () =>
      (await listLinkedAccounts(core, subscriberId)).map((a) => ({ accountId: a.accountId, number: a.number, address: a.address })),
    );
    let account: (typeof linked)[number] | null = linked.length === 1 ? linked[0]! : null;
    if (linked.length > 1) {
      await ctx.reply(letters.chooseAccount, { reply_markup: letterAccountKeyboard(linked) });
      const pressed = await waitForButton(conversation, {
        ownButton: OWN_BUTTON,
        accepts: (data) => data === cb.letterNoAccount || linked.some((a) => data === cb.letterAccount(a.accountId)),
      });
      account = linked.find((a) => pressed.callbackQuery.data === cb.letterAccount(a.accountId)) ?? null;
    }

    const askText = letters.askText(LETTER_TEXT_MAX);
    await ctx.reply(askText, { reply_markup: { remove_keyboard: true } });
    for (;;) {
      const typed = await waitForText(conversation, { ownButton: OWN_BUTTON, hint: askText });
      const text = typed.message.text;
      if (length(text) > LETTER_TEXT_MAX) {
        await typed.reply(letters.tooLong(LETTER_TEXT_MAX, length(text)));
        continue;
      }
      const photos = await collectPhotos(conversation, ctx);

      await ctx.reply(letters.confirm({ category, accountNumber: account?.number ?? null, text, photos: photos.length }), {
        reply_markup: letterConfirmKeyboard(),
      });
      const decision = await waitForButton(conversation, {
        ownButton: OWN_BUTTON,
        accepts: (data) => data === cb.letterSend || data === cb.letterChange,
      });
      if (decision.callbackQuery.data === cb.letterChange) {
        await decision.reply(letters.changeText);
        continue;
      }

      const accountId = account?.accountId ?? null;
      const outcome = await conversation.external(() => writeLetter(core, { subscriberId, accountId, category, text, attachments: photos }));
      switch (outcome.kind) {
        case 'stored':
          await ctx.reply(letters.stored(outcome.number), { reply_markup: mainMenuKeyboard() });
          return;
        case 'empty':
          await ctx.reply(letters.empty);
          continue;
        case 'too-long':
          await ctx.reply(letters.tooLong(outcome.max, length(text)));
          continue;
        case 'too-many-attachments':
          // Cannot happen (photos stop at the limit); asked again rather than lost.
          await ctx.reply(letters.photosLimit(outcome.max));
          continue;
        case 'not-linked':
          await ctx.reply(letters.notLinked, { reply_markup: mainMenuKeyboard() });
          return;
      }
    }
  };
}
