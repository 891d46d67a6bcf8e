import { Composer } from 'grammy';
import { linkByPhone } from '../../../core/accounts/index.ts';
import { linking } from '../../texts/linking.ts';
import { menu } from '../../texts/menu.ts';
import { cb } from '../callback-data.ts';
import type { BotContext, TelegramDeps } from '../context.ts';
import { linkAccountConversation, LINK_ACCOUNT } from '../conversations/link-account.ts';
import { mainMenuKeyboard } from '../keyboards/main-menu.ts';
import { enterFresh, type TelegramFeature } from './feature.ts';

export const linkingFeature: TelegramFeature = {
  name: 'linking',
  conversations: (deps) => [{ id: LINK_ACCOUNT, builder: linkAccountConversation(deps) }],
  composer: (deps: TelegramDeps) => {
    const composer = new Composer<BotContext>();
    const chat = composer.chatType('private');
    const start = (ctx: BotContext) => enterFresh(ctx, LINK_ACCOUNT);
    chat.command('add', start);
    chat.hears(menu.addAccount, start);
    chat.callbackQuery(cb.linkStart, async (ctx) => {
      await ctx.answerCallbackQuery();
      await start(ctx);
    });

    // One tap on an account billing knows under the subscriber's own (shared) phone.
    chat.callbackQuery(cb.offerPattern, async (ctx) => {
      const accountId = Number(ctx.match[1]);
      const outcome = await linkByPhone(deps.core, { subscriberId: ctx.subscriber!.id, accountId });
      await ctx.answerCallbackQuery();
      switch (outcome.kind) {
        case 'linked':
        case 'already-linked':
          await ctx.reply(linking.linkedOutcome(outcome), { reply_markup: mainMenuKeyboard() });
          return;
        case 'not-offered':
          await ctx.reply(linking.offerGone, { reply_markup: mainMenuKeyboard() });
          return;
      }
    });
    return composer;
  },
};
