import { isChannelLinkCode } from '../../core/identity.ts';
import { giveConsent, subscriberProfile } from '../../core/subscribers.ts';
import { vocative } from '../texts/format.ts';
import { onboarding } from '../texts/onboarding.ts';
import type { Chat } from './chat.ts';
import { channelLinkStep } from './channel-link.ts';
import { choose } from './kit.ts';
import { afterPhone, phoneStep } from './phone-step.ts';
import type { Flow, FlowDeps } from './router.ts';

// First contact: the greeting, the agreement and «Погоджуюсь» (nothing works before it: the router sends every
// event of a subscriber without consent here), then the phone and what follows it. A /start that carried a
// one-time link from the subscriber's other messenger goes to that link instead of the phone.

/** The phone step and what follows it; for onboarding and for a /start that finds no phone and no «later». */
export async function phoneAndAccounts(chat: Chat, deps: FlowDeps, prompt: string = onboarding.askPhoneShared): Promise<void> {
  const phone = await phoneStep(chat, deps, { prompt, deferOnLater: true });
  await afterPhone(chat, deps, phone, { linkWhenNone: true });
}

export const onboardingFlow: Flow<{ payload: string | null } | null> = {
  id: 'onboarding',
  async run(chat, deps, args) {
    const payload = args?.payload ?? null;
    const name = await chat.step(async () => vocative((await subscriberProfile(deps.core, chat.subscriberId)).name));
    await choose(chat, `${onboarding.greeting(name)}\n\n${onboarding.agreement}`, [[{ id: 'agree', label: onboarding.consentButton }]], {
      hint: onboarding.consentNeeded,
    });
    await chat.step(async () => {
      await giveConsent(deps.core, chat.subscriberId);
      return null;
    });
    if (isChannelLinkCode(payload)) {
      await channelLinkStep(chat, deps, payload, { intro: onboarding.consentThanks });
      return;
    }
    await phoneAndAccounts(chat, deps, `${onboarding.consentThanks}\n\n${onboarding.askPhoneShared}`);
  },
};
