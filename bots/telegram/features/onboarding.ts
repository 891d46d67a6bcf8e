import { Composer, type MiddlewareFn } from 'grammy';
import { giveConsent } from '../../../core/subscribers.ts';
import { onboarding } from '../../texts/onboarding.ts';
import { cb } from '../callback-data.ts';
import type { BotContext, TelegramDeps } from '../context.ts';
import { onboardingConversation, ONBOARDING } from '../conversations/phone.ts';
import { consentKeyboard } from '../keyboards/inline.ts';
import { mainMenuKeyboard } from '../keyboards/main-menu.ts';
import type { TelegramFeature } from './feature.ts';
import { enterFresh } from './feature.ts';

/**
 * Nothing works before consent: every update from a subscriber who has not agreed gets the agreement again
 * (with the greeting on /start). The consent button itself passes, already recorded, to the handler below.
 */
export function consentGate(deps: TelegramDeps): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const subscriber = ctx.subscriber;
    if (!subscriber || subscriber.consented) return next();
    if (ctx.callbackQuery?.data === cb.consent) {
      ctx.subscriber = await giveConsent(deps.core, subscriber.id);
      return next();
    }
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: onboarding.consentNeeded });
    if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
    const isStart = /^\/start(@\w+)?(\s|$)/.test(ctx.message?.text ?? '');
    await ctx.reply(isStart ? onboarding.greeting(ctx.from?.first_name ?? '') : onboarding.consentNeeded, {
      reply_markup: { remove_keyboard: true },
    });
    await ctx.reply(onboarding.agreement, { reply_markup: consentKeyboard() });
  };
}

export const onboardingFeature: TelegramFeature = {
  name: 'onboarding',
  conversations: (deps) => [{ id: ONBOARDING, builder: onboardingConversation(deps) }],
  composer: () => {
    const composer = new Composer<BotContext>();
    const chat = composer.chatType('private');
    chat.callbackQuery(cb.consent, async (ctx) => {
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      await ctx.reply(onboarding.consentThanks);
      await enterFresh(ctx, ONBOARDING);
    });
    chat.command('start', async (ctx) => {
      const askPhone = ctx.subscriber?.phone === null && !ctx.session.phoneDeferred;
      if (askPhone) {
        await enterFresh(ctx, ONBOARDING);
        return;
      }
      await ctx.reply(onboarding.welcomeBack(ctx.from?.first_name ?? ''), { reply_markup: mainMenuKeyboard() });
    });
    return composer;
  },
};

