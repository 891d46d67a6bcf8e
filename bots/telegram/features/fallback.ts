import { Composer } from 'grammy';
import { common } from '../../texts/common.ts';
import type { BotContext } from '../context.ts';
import { mainMenuKeyboard } from '../keyboards/main-menu.ts';

/**
 * Installed after every feature: what no feature took. An inline button nobody handles (its flow is over or was
 * lost in a restart) stops its spinner and says so; anything else gets a pointer to the menu.
 */
export function fallbackComposer(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chat = composer.chatType('private');

  chat.on('callback_query', async (ctx) => {
    await ctx.answerCallbackQuery({ text: common.staleButton });
    await ctx.reply(common.staleButton, { reply_markup: mainMenuKeyboard() });
  });
  chat.on('message', async (ctx) => {
    const message = ctx.message;
    const text =
      message.forward_origin !== undefined ? common.forwarded : message.text !== undefined ? common.unknownText : common.notUnderstoodMedia;
    await ctx.reply(text, { reply_markup: mainMenuKeyboard() });
  });
  return composer;
}
