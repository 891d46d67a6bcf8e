import { Composer } from 'grammy';
import { common } from '../../texts/common.ts';
import { menu, menuTexts } from '../../texts/menu.ts';
import { actionData } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import { mainMenuKeyboard } from '../keyboards/main-menu.ts';

/**
 * Installed after every feature: what no feature took. Menu items whose feature is not installed yet say so;
 * an inline button nobody handles (its flow is over or was lost in a restart) stops its spinner and says so;
 * anything else gets a pointer to the menu.
 */
export function fallbackComposer(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chat = composer.chatType('private');

  const notYet = (ctx: BotContext) => ctx.reply(menuTexts.notYet, { reply_markup: mainMenuKeyboard() });
  chat.command(['readings', 'letter', 'letters'], notYet);
  chat.hears([menu.readings, menu.letter, menu.letters], notYet);
  chat.callbackQuery([actionData['readings:start'], actionData['letters:list']], async (ctx) => {
    await ctx.answerCallbackQuery();
    await notYet(ctx);
  });

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
