import { linkByPhone, listLinkedAccounts, type AccountOffer } from '../../core/accounts/index.ts';
import { deferPhone, keepUnverifiedPhone, setPhone } from '../../core/subscribers.ts';
import { linking } from '../texts/linking.ts';
import { menuTexts } from '../texts/menu.ts';
import { onboarding } from '../texts/onboarding.ts';
import { settings } from '../texts/settings.ts';
import type { Chat, Choice } from './chat.ts';
import { unexpectedAnswer } from './kit.ts';
import { linkAccountSteps } from './link-account.ts';
import { PAGE_SIZE } from './message-size.ts';
import type { FlowDeps } from './router.ts';

// The phone step, the same on every channel, and what follows it.
//
// Evidence: only a contact the channel marks `verified` (Telegram's request_contact of the sender's own number)
// becomes the subscriber's phone, which one-tap linking matches against billing. Any other contact card (every
// Viber contact: it cannot be told apart from a forwarded address-book card; a forwarded Telegram card) is
// kept as an unverified phone for staff to call, and the subscriber is told it cannot link accounts.

export type PhoneResult = { kind: 'verified'; offers: AccountOffer[] } | { kind: 'unverified' } | { kind: 'later' };

/** Asks for the phone through the channel's contact button; «Пізніше» is a choice beside it. */
export async function phoneStep(chat: Chat, deps: FlowDeps, options: { prompt: string; deferOnLater: boolean }): Promise<PhoneResult> {
  const later = [[{ id: 'later', label: onboarding.laterButton }]];
  const again = (text: string) => chat.say(text, { keyboard: 'contact', choices: later });
  await again(`${options.prompt}\n\n${onboarding.noContactButtonHint}`);
  for (;;) {
    const input = await chat.wait();
    if (input.kind === 'choice' && input.id === 'later') {
      if (options.deferOnLater) await chat.step(() => deferPhone(deps.core, chat.subscriberId));
      return { kind: 'later' };
    }
    if (input.kind === 'contact') {
      const raw = input.phone;
      if (raw === null) {
        await again(onboarding.invalidPhone);
        continue;
      }
      if (input.verified) {
        const saved = await chat.step(() => setPhone(deps.core, chat.subscriberId, raw));
        if (saved.kind === 'saved') return { kind: 'verified', offers: saved.offers };
      } else {
        const kept = await chat.step(() => keepUnverifiedPhone(deps.core, chat.subscriberId, raw));
        if (kept.kind === 'kept') return { kind: 'unverified' };
      }
      await again(onboarding.invalidPhone);
      continue;
    }
    await again(input.kind === 'text' ? onboarding.usePhoneButton : unexpectedAnswer(input, 'choice', onboarding.usePhoneButton));
  }
}

const offerChoice = (o: AccountOffer): Choice => ({ id: `o:${o.accountId}`, label: linking.offerButton(o.number, o.address) });

/**
 * The accounts billing knows under the verified phone, one tap each, at most PAGE_SIZE to a message with «Ще…»
 * for the rest and «Інший рахунок» to add one by its number. Returns 'other' for the latter; otherwise the
 * flow is over and its last message (with the menu) is said.
 */
export async function offersStep(chat: Chat, deps: FlowDeps, found: readonly AccountOffer[], intro: string): Promise<'other' | 'finished'> {
  let offers = [...found];
  let from = 0;
  let before = intro;
  let linkedAny = false;
  for (;;) {
    if (from >= offers.length) from = 0;
    const page = offers.slice(from, from + PAGE_SIZE);
    const extra: Choice[] = [];
    if (offers.length > PAGE_SIZE) extra.push({ id: 'more', label: linking.moreOffersButton });
    extra.push({ id: 'other', label: linking.otherAccountShort });
    extra.push({ id: 'done', label: linkedAny ? linking.doneButton : onboarding.laterButton });
    const text = `${before ? `${before}\n\n` : ''}${linking.offersPage(offers.length, from, from + page.length)}`;
    await chat.say(text, { choices: [...page.map((o) => [offerChoice(o)]), extra] });
    before = '';

    let picked: string | null = null;
    while (picked === null) {
      const input = await chat.wait();
      if (input.kind === 'choice' && (input.id === 'more' || input.id === 'other' || input.id === 'done' || page.some((o) => offerChoice(o).id === input.id))) {
        picked = input.id;
      } else {
        await chat.say(unexpectedAnswer(input, 'choice'), { choices: [...page.map((o) => [offerChoice(o)]), extra], again: true });
      }
    }
    if (picked === 'other') return 'other';
    if (picked === 'done') {
      await chat.say(menuTexts.shown, { keyboard: 'menu' });
      return 'finished';
    }
    if (picked === 'more') {
      from += PAGE_SIZE;
      continue;
    }
    const offer = page.find((o) => offerChoice(o).id === picked)!;
    const outcome = await chat.step(() => linkByPhone(deps.core, { subscriberId: chat.subscriberId, accountId: offer.accountId }));
    offers = offers.filter((o) => o.accountId !== offer.accountId);
    if (outcome.kind === 'not-offered') {
      before = linking.offerGone;
    } else {
      linkedAny = true;
      if (offers.length === 0) {
        await chat.say(linking.linkedOutcome(outcome), { keyboard: 'menu' });
        return 'finished';
      }
      before = linking.linkedOutcome(outcome);
    }
    if (offers.length === 0) {
      await chat.say(before, { keyboard: 'menu' });
      return 'finished';
    }
  }
}

/**
 * What follows the phone, the same on every channel: the accounts the verified phone matches; when there are
 * none, adding one by its number if the subscriber has no account yet; otherwise the menu. Runs to the end.
 */
export async function afterPhone(chat: Chat, deps: FlowDeps, phone: PhoneResult, options: { linkWhenNone: boolean }): Promise<void> {
  const said =
    phone.kind === 'later'
      ? options.linkWhenNone
        ? onboarding.phoneLater
        : settings.phoneUnchanged
      : phone.kind === 'unverified'
        ? onboarding.unverifiedPhoneKept
        : phone.offers.length === 0
          ? onboarding.noOffersForPhone
          : onboarding.phoneSaved;
  if (phone.kind === 'verified' && phone.offers.length > 0) {
    if ((await offersStep(chat, deps, phone.offers, said)) === 'other') await linkAccountSteps(chat, deps);
    return;
  }
  if (options.linkWhenNone) {
    const linked = await chat.step(async () => (await listLinkedAccounts(deps.core, chat.subscriberId)).length);
    if (linked === 0) {
      await linkAccountSteps(chat, deps, { intro: said });
      return;
    }
  }
  await chat.say(said, { keyboard: 'menu' });
}
