import { Composer } from 'grammy';
import { eraseSubscriber, setReminders } from '../../../core/subscribers.ts';
import { menu } from '../../texts/menu.ts';
import { settings } from '../../texts/settings.ts';
import { actionData, cb } from '../callback-data.ts';
import type { BotContext, TelegramDeps } from '../context.ts';
import { changePhoneConversation, CHANGE_PHONE } from '../conversations/phone.ts';
import { deleteConfirmKeyboard, settingsKeyboard } from '../keyboards/inline.ts';
import { mainMenuKeyboard } from '../keyboards/main-menu.ts';
import { enterFresh, type TelegramFeature } from './feature.ts';

export const settingsFeature: TelegramFeature = {
  name: 'settings',
  conversations: (deps) => [{ id: CHANGE_PHONE, builder: changePhoneConversation(deps) }],
  composer: (deps: TelegramDeps) => {
    const composer = new Composer<BotContext>();
    const chat = composer.chatType('private');

    const show = async (ctx: BotContext) => {
      const s = ctx.subscriber!;
      await ctx.reply(settings.header(s), { reply_markup: settingsKeyboard(s.remindersEnabled) });
    };
    chat.command('settings', show);
    chat.hears(menu.settings, show);

    chat.callbackQuery(cb.remindersSetPattern, async (ctx) => {
      const on = ctx.match[1] === 'on';
      const updated = await setReminders(deps.core, ctx.subscriber!.id, on);
      await ctx.answerCallbackQuery({ text: on ? settings.remindersOn : settings.remindersOff });
      // The same message turns into the new state, so the toggle always shows what is in force now.
      await ctx
        .editMessageText(settings.header(updated), { reply_markup: settingsKeyboard(updated.remindersEnabled) })
        .catch(() => undefined);
    });

    // A reminder's "turn reminders off" button.
    chat.callbackQuery(actionData['reminders:off'], async (ctx) => {
      await setReminders(deps.core, ctx.subscriber!.id, false);
      await ctx.answerCallbackQuery();
      await ctx.reply(settings.remindersOff, { reply_markup: mainMenuKeyboard() });
    });

    chat.callbackQuery(cb.changePhone, async (ctx) => {
      await ctx.answerCallbackQuery();
      await enterFresh(ctx, CHANGE_PHONE);
    });

    chat.callbackQuery(cb.deleteAsk, async (ctx) => {
      await ctx.answerCallbackQuery();
      await ctx.reply(settings.confirmDelete, { reply_markup: deleteConfirmKeyboard() });
    });
    chat.callbackQuery(cb.deleteYes, async (ctx) => {
      await eraseSubscriber(deps.core, ctx.subscriber!.id);
      if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
      ctx.session = {};
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      await ctx.reply(settings.deleted, { reply_markup: { remove_keyboard: true } });
    });
    chat.callbackQuery(cb.deleteNo, async (ctx) => {
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      await ctx.reply(settings.notDeleted, { reply_markup: mainMenuKeyboard() });
    });
    return composer;
  },
};
