import { Composer } from 'grammy';
import { help } from '../../texts/help.ts';
import { menu, menuTexts } from '../../texts/menu.ts';
import { actionData } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import { mainMenuKeyboard } from '../keyboards/main-menu.ts';
import type { TelegramFeature } from './feature.ts';

export const helpFeature: TelegramFeature = {
  name: 'help',
  composer: () => {
    const composer = new Composer<BotContext>();
    const chat = composer.chatType('private');
    const show = (ctx: BotContext) => ctx.reply(help.text, { reply_markup: mainMenuKeyboard() });
    chat.command('help', show);
    chat.hears(menu.help, show);
    // A notice's "menu" button.
    chat.callbackQuery(actionData.menu, async (ctx) => {
      await ctx.answerCallbackQuery();
      await ctx.reply(menuTexts.shown, { reply_markup: mainMenuKeyboard() });
    });
    return composer;
  },
};
