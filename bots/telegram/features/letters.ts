import { Composer } from 'grammy';
import { getLetterForSubscriber, listLetters } from '../../../core/letters/index.ts';
import type { SubscriberLetter } from '../../../core/letters/index.ts';
import { letters } from '../../texts/letters.ts';
import { menu } from '../../texts/menu.ts';
import { actionData, cb } from '../callback-data.ts';
import type { BotContext, TelegramDeps } from '../context.ts';
import { writeLetterConversation, WRITE_LETTER } from '../conversations/write-letter.ts';
import { lettersListKeyboard } from '../keyboards/letters.ts';
import { mainMenuKeyboard } from '../keyboards/main-menu.ts';
import { enterFresh, type TelegramFeature } from './feature.ts';

/** Telegram refuses messages over 4096 characters; a long history is cut rather than lost. */
const MESSAGE_MAX = 4000;
/** How many letters "My letters" lists; older ones are rarely looked for. */
const LIST_LIMIT = 10;

const fit = (text: string) => (text.length > MESSAGE_MAX ? `${text.slice(0, MESSAGE_MAX)}…` : text);

function lastAnswer(letter: SubscriberLetter): string | null {
  const answers = letter.messages.filter((m) => m.author === 'staff');
  return answers.length > 0 ? answers[answers.length - 1]!.text : null;
}

export function letterListText(list: readonly SubscriberLetter[], timeZone: string): string {
  return fit([letters.listHeader, ...list.map((l) => letters.listItem({ ...l, lastAnswer: lastAnswer(l) }, timeZone))].join('\n\n'));
}

export function letterHistoryText(letter: SubscriberLetter, timeZone: string): string {
  const parts = [
    letters.letterHeader(letter),
    letters.message({ author: 'subscriber', text: letter.text, createdAt: letter.createdAt, photos: letter.attachments.length }, timeZone),
    ...letter.messages.map((m) => letters.message({ ...m, photos: m.attachments.length }, timeZone)),
  ];
  if (!letter.messages.some((m) => m.author === 'staff') && letter.status === 'new') parts.push(letters.noAnswerYet);
  return fit(parts.join('\n\n'));
}

/** "Write a letter" (a flow) and "My letters" (a list with one button per letter to open its history). */
export const lettersFeature: TelegramFeature = {
  name: 'letters',
  conversations: (deps) => [{ id: WRITE_LETTER, builder: writeLetterConversation(deps) }],
  composer: (deps: TelegramDeps) => {
    const composer = new Composer<BotContext>();
    const chat = composer.chatType('private');
    const timeZone = deps.core.settings.timeZone;

    const write = (ctx: BotContext) => enterFresh(ctx, WRITE_LETTER);
    chat.command('letter', write);
    chat.hears(menu.letter, write);

    const list = async (ctx: BotContext) => {
      const found = await listLetters(deps.core, ctx.subscriber!.id, { limit: LIST_LIMIT });
      if (found.length === 0) {
        await ctx.reply(letters.none, { reply_markup: mainMenuKeyboard() });
        return;
      }
      await ctx.reply(letterListText(found, timeZone), { reply_markup: lettersListKeyboard(found) });
    };
    chat.command('letters', list);
    chat.hears(menu.letters, list);
    chat.callbackQuery(actionData['letters:list'], async (ctx) => {
      await ctx.answerCallbackQuery();
      await list(ctx);
    });

    chat.callbackQuery(cb.openLetterPattern, async (ctx) => {
      const found = await getLetterForSubscriber(deps.core, { subscriberId: ctx.subscriber!.id, letterId: Number(ctx.match[1]) });
      if (found.kind === 'not-found') {
        await ctx.answerCallbackQuery({ text: letters.notFound });
        return;
      }
      await ctx.answerCallbackQuery();
      await ctx.reply(letterHistoryText(found.letter, timeZone), { reply_markup: mainMenuKeyboard() });
    });
    return composer;
  },
};
