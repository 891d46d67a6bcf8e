import { isChannelLinkCode } from '../../core/identity.ts';
import { subscriberProfile } from '../../core/subscribers.ts';
import { vocative } from '../texts/format.ts';
import { onboarding } from '../texts/onboarding.ts';
import { channelLinkStep } from './channel-link.ts';
import { phoneAndAccounts } from './onboarding.ts';
import type { Flow } from './router.ts';

// /start by a subscriber who has consented: a one-time link from their other messenger when the payload is
// one; the phone step when they have neither given a phone nor said «Пізніше»; otherwise welcome back by name
// (in the vocative) and the menu.

export const startCommandFlow: Flow<{ payload: string | null } | null> = {
  id: 'start',
  async run(chat, deps, args) {
    const payload = args?.payload ?? null;
    if (isChannelLinkCode(payload)) {
      await channelLinkStep(chat, deps, payload);
      return;
    }
    const profile = await chat.step(() => subscriberProfile(deps.core, chat.subscriberId));
    if (profile.phone === null && profile.phoneUnverified === null && !profile.phoneDeferred) {
      await phoneAndAccounts(chat, deps);
      return;
    }
    const name = await chat.step(() => vocative(profile.name));
    await chat.say(onboarding.welcomeBack(name), { keyboard: 'menu' });
  },
};
