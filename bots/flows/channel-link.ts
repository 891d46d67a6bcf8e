import { inspectChannelLinkCode, redeemChannelLinkCode, type CodeRefusal } from '../../core/identity.ts';
import { linking } from '../texts/linking.ts';
import type { Chat } from './chat.ts';
import { choose } from './kit.ts';
import type { FlowDeps } from './router.ts';

// Opening a one-time link made in the subscriber's chat on another channel (core/identity.ts): the accounts
// linked there are offered with one button; core links them all in one transaction and uses the code once.

function refusalText(refusal: CodeRefusal): string {
  switch (refusal.kind) {
    case 'unknown':
      return linking.codeUnknown;
    case 'expired':
      return linking.codeExpired;
    case 'used':
      return linking.codeUsed;
    case 'same-channel':
      return linking.codeSameChannel;
  }
}

/** Runs to the end: its last message carries the menu. */
export async function channelLinkStep(chat: Chat, deps: FlowDeps, code: string, options: { intro?: string } = {}): Promise<void> {
  const before = options.intro ? `${options.intro}\n\n` : '';
  const offer = await chat.step(() => inspectChannelLinkCode(deps.core, { subscriberId: chat.subscriberId, code }));
  if (offer.kind !== 'offer') {
    await chat.say(`${before}${refusalText(offer)}`, { keyboard: 'menu' });
    return;
  }
  const from = linking.channelNames[offer.fromChannel];
  if (offer.accounts.length === 0) {
    await chat.say(`${before}${linking.channelOfferEmpty(from)}`, { keyboard: 'menu' });
    return;
  }
  const answer = await choose(chat, `${before}${linking.channelOffer(from, offer.accounts)}`, [
    [{ id: 'link', label: linking.channelLinkButton }, { id: 'no', label: linking.channelLinkNo }],
  ]);
  if (answer === 'no') {
    await chat.say(linking.channelLinkDeclined, { keyboard: 'menu' });
    return;
  }
  const outcome = await chat.step(() => redeemChannelLinkCode(deps.core, { subscriberId: chat.subscriberId, code }));
  if (outcome.kind !== 'linked') {
    await chat.say(refusalText(outcome), { keyboard: 'menu' });
    return;
  }
  const numbers = [...outcome.linked, ...outcome.alreadyLinked].map((a) => a.number);
  await chat.say(numbers.length > 0 ? linking.channelLinked(from, numbers) : linking.channelOfferEmpty(from), { keyboard: 'menu' });
}
