import { Composer } from 'grammy';
import { menu } from '../../texts/menu.ts';
import { actionData } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import { submitReadingConversation, SUBMIT_READING } from '../conversations/readings.ts';
import { enterFresh, type TelegramFeature } from './feature.ts';

/** "Submit readings": the command, the menu button, and the button reminders carry all start the same flow. */
export const readingsFeature: TelegramFeature = {
  name: 'readings',
  conversations: (deps) => [{ id: SUBMIT_READING, builder: submitReadingConversation(deps) }],
  composer: () => {
    const composer = new Composer<BotContext>();
    const chat = composer.chatType('private');
    const start = (ctx: BotContext) => enterFresh(ctx, SUBMIT_READING);
    chat.command('readings', start);
    chat.hears(menu.readings, start);
    chat.callbackQuery(actionData['readings:start'], async (ctx) => {
      await ctx.answerCallbackQuery();
      await start(ctx);
    });
    return composer;
  },
};
