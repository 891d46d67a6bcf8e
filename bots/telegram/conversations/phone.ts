import { setPhone } from '../../../core/subscribers.ts';
import type { AccountOffer } from '../../../core/accounts/types.ts';
import { linking } from '../../texts/linking.ts';
import { onboarding } from '../../texts/onboarding.ts';
import type { Flow, FlowContext, TelegramDeps } from '../context.ts';
import { contactKeyboard } from '../keyboards/contact.ts';
import { offersKeyboard } from '../keyboards/inline.ts';
import { mainMenuKeyboard } from '../keyboards/main-menu.ts';
import { explainUnexpected } from '../unexpected.ts';
import { linkAccountSteps } from './link-account.ts';

export const ONBOARDING = 'onboarding';
export const CHANGE_PHONE = 'change-phone';

export type PhoneStepResult = { kind: 'saved'; offers: AccountOffer[] } | { kind: 'later' };

/**
 * Asks for the phone through Telegram's contact button and takes only the person's own contact: a forwarded
 * or someone else's contact is refused, because linking by phone trusts that Telegram vouched for it.
 */
export async function phoneStep(deps: TelegramDeps, conversation: Flow, ctx: FlowContext): Promise<PhoneStepResult> {
  const subscriberId = await conversation.external((outside) => outside.subscriber!.id);
  await ctx.reply(onboarding.askPhone, { reply_markup: contactKeyboard() });
  for (;;) {
    const next = await conversation.wait();
    const message = next.message;
    if (message?.contact) {
      if (message.contact.user_id === undefined || message.contact.user_id !== next.from?.id || message.forward_origin) {
        await next.reply(onboarding.foreignContact, { reply_markup: contactKeyboard() });
        continue;
      }
      const raw = message.contact.phone_number;
      const outcome = await conversation.external(() => setPhone(deps.core, subscriberId, raw));
      if (outcome.kind === 'invalid-phone') {
        await next.reply(onboarding.invalidPhone, { reply_markup: contactKeyboard() });
        continue;
      }
      await next.reply(onboarding.phoneSaved, { reply_markup: mainMenuKeyboard() });
      return { kind: 'saved', offers: outcome.offers };
    }
    if (message?.text === onboarding.laterButton && !message.forward_origin) {
      await conversation.external((outside) => {
        outside.session.phoneDeferred = true;
      });
      await next.reply(onboarding.phoneLater, { reply_markup: mainMenuKeyboard() });
      return { kind: 'later' };
    }
    if (message?.text !== undefined && !message.forward_origin) await next.reply(onboarding.usePhoneButton, { reply_markup: contactKeyboard() });
    else await explainUnexpected(next, 'contact', onboarding.usePhoneButton);
  }
}

async function offerAccounts(ctx: FlowContext, offers: AccountOffer[]): Promise<void> {
  await ctx.reply(linking.offersFound(offers.length), { reply_markup: offersKeyboard(offers) });
}

/** After consent: the phone, then the accounts billing knows under it (one tap each), or straight to linking. */
export function onboardingConversation(deps: TelegramDeps) {
  return async function onboardingFlow(conversation: Flow, ctx: FlowContext): Promise<void> {
    const phone = await phoneStep(deps, conversation, ctx);
    if (phone.kind === 'saved' && phone.offers.length > 0) {
      await offerAccounts(ctx, phone.offers);
      return;
    }
    await linkAccountSteps(deps, conversation, ctx);
  };
}

/** Settings → change phone: the same contact step, then any accounts the new phone matches. */
export function changePhoneConversation(deps: TelegramDeps) {
  return async function changePhone(conversation: Flow, ctx: FlowContext): Promise<void> {
    const phone = await phoneStep(deps, conversation, ctx);
    if (phone.kind === 'saved' && phone.offers.length > 0) await offerAccounts(ctx, phone.offers);
  };
}
