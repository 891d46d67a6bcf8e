import { giveConsent, setPhone } from '../../../core/subscribers.ts';
import { linkByPhone } from '../../../core/accounts/phone.ts';
import type { AccountOffer } from '../../../core/accounts/types.ts';
import { common } from '../../texts/common.ts';
import { linking } from '../../texts/linking.ts';
import { onboarding } from '../../texts/onboarding.ts';
import { choicesKeyboard, sharePhoneKeyboard } from '../keyboards.ts';
import type { FlowState } from '../state-store.ts';
import { viberTexts } from '../texts-viber.ts';
import { startLinkAccount } from './link-account.ts';
import { sameWords, textOf, type FlowHandler, type Inbound, type Turn } from './types.ts';

// First contact: greeting and agreement, consent (nothing else works before it), the phone by the share-phone
// button or "later", the accounts billing knows under that phone, then the main menu.

export const ONBOARDING = 'onboarding';

const consentKeyboard = () => choicesKeyboard([{ label: onboarding.consentButton }]);

/** Everything a subscriber without consent sends lands here. */
export async function consentGate(turn: Turn, state: FlowState | null, input: Inbound): Promise<FlowState | null> {
  const text = textOf(input);
  if (text !== null && sameWords(text, onboarding.consentButton)) {
    await giveConsent(turn.core, turn.subscriber.id);
    return askPhone(turn, `${onboarding.consentThanks}\n\n`);
  }
  const shownBefore = state?.flow === ONBOARDING && state.step === 'consent';
  if (shownBefore) {
    await turn.say(onboarding.consentNeeded, consentKeyboard());
  } else {
    const pressedStart = text !== null && viberTexts.startWords.some((w) => sameWords(w, text));
    const greeting = pressedStart ? '' : `${onboarding.greeting(turn.subscriber.name)}\n\n`;
    await turn.say(`${greeting}${onboarding.agreement}`, consentKeyboard());
  }
  return { flow: ONBOARDING, step: 'consent', data: {} };
}

async function askPhone(turn: Turn, before = ''): Promise<FlowState> {
  await turn.say(`${before}${onboarding.askPhone}\n\n${viberTexts.desktopPhoneHint}`, sharePhoneKeyboard());
  return { flow: ONBOARDING, step: 'phone', data: {} };
}

interface OffersData {
  offers: AccountOffer[];
}

function offerChoices(offers: AccountOffer[]) {
  return [
    ...offers.map((o) => ({ label: linking.offerButton(o.number, o.address) })),
    { label: linking.otherAccountButton },
    { label: onboarding.laterButton },
  ];
}

export const onboardingFlow: FlowHandler = async (turn, state, input) => {
  if (state.step === 'consent') return turn.showMenu(onboarding.welcomeBack(turn.subscriber.name));
  if (state.step === 'phone') return phoneStep(turn, input);
  if (state.step === 'offers') return offersStep(turn, state.data as unknown as OffersData, input);
  return turn.showMenu();
};

async function phoneStep(turn: Turn, input: Inbound): Promise<FlowState | null> {
  if (input.kind === 'contact') {
    if (!input.phone) return turn.showMenu(viberTexts.contactWithoutPhone);
    const outcome = await setPhone(turn.core, turn.subscriber.id, input.phone);
    if (outcome.kind === 'invalid-phone') {
      await turn.say(onboarding.invalidPhone, sharePhoneKeyboard());
      return { flow: ONBOARDING, step: 'phone', data: {} };
    }
    if (outcome.offers.length === 0) return turn.showMenu(onboarding.phoneSaved);
    await turn.say(`${onboarding.phoneSaved}\n\n${linking.offersFound(outcome.offers.length)}`, choicesKeyboard(offerChoices(outcome.offers)));
    return { flow: ONBOARDING, step: 'offers', data: { offers: outcome.offers } satisfies OffersData as unknown as Record<string, unknown> };
  }
  const text = textOf(input);
  if (text !== null && sameWords(text, onboarding.laterButton)) return turn.showMenu(onboarding.phoneLater);
  const hint = input.kind === 'text' ? onboarding.usePhoneButton : common.notUnderstoodMedia;
  await turn.say(`${hint}\n\n${viberTexts.desktopPhoneHint}`, sharePhoneKeyboard());
  return { flow: ONBOARDING, step: 'phone', data: {} };
}

async function offersStep(turn: Turn, data: OffersData, input: Inbound): Promise<FlowState | null> {
  const text = textOf(input);
  const offers = data.offers ?? [];
  const again = async (hint: string) => {
    await turn.say(hint, choicesKeyboard(offerChoices(offers)));
    return { flow: ONBOARDING, step: 'offers', data: data as unknown as Record<string, unknown> };
  };
  if (text === null) return again(common.notUnderstoodMedia);
  if (sameWords(text, onboarding.laterButton)) return turn.showMenu();
  if (sameWords(text, linking.otherAccountButton)) return startLinkAccount(turn);
  const chosen = offers.find((o) => sameWords(text, linking.offerButton(o.number, o.address)));
  if (!chosen) return again(common.pressAButton);
  const outcome = await linkByPhone(turn.core, { subscriberId: turn.subscriber.id, accountId: chosen.accountId });
  if (outcome.kind === 'not-offered') return turn.showMenu(linking.offerGone);
  const answer = linking.linkedOutcome(outcome);
  const left = offers.filter((o) => o.accountId !== chosen.accountId);
  if (left.length === 0) return turn.showMenu(answer);
  await turn.say(`${answer}\n\n${linking.offersFound(left.length)}`, choicesKeyboard(offerChoices(left)));
  return { flow: ONBOARDING, step: 'offers', data: { offers: left } satisfies OffersData as unknown as Record<string, unknown> };
}
