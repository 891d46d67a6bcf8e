import { proveOwnership, type ProofByAnswer, type ProofOutcome } from '../../core/accounts/index.ts';
import { normalizeAccountNumber } from '../../core/parse.ts';
import { linking } from '../texts/linking.ts';
import type { Chat } from './chat.ts';
import { askText, choose } from './kit.ts';
import type { Flow, FlowDeps } from './router.ts';

// Adding an account by its number: the number, how to prove it is one's own, the answer, the outcome. Whether
// a failure leads back to the number or ends here is core's decision (`next` in the outcome); the flow only
// shows it. Used on its own («Додати рахунок») and as the tail of onboarding.

const PROOF_CHOICES = [[{ id: 'pay', label: linking.proofPaymentButton }], [{ id: 'sur', label: linking.proofSurnameButton }]];

/** The refusal for a lock in force: which lock fired and when it really ends. */
export function lockedText(limit: string, accountNumber: string, untilIso: string, timeZone: string): string {
  const text =
    limit === 'pair'
      ? linking.lockedPair(accountNumber, untilIso, timeZone)
      : limit === 'account'
        ? linking.lockedAccount(accountNumber, untilIso, timeZone)
        : linking.lockedSubscriber(untilIso, timeZone);
  return `${text}\n\n${linking.lockedHelp}`;
}

/** Runs to the end: its last message carries the menu. */
export async function linkAccountSteps(chat: Chat, deps: FlowDeps, options: { intro?: string } = {}): Promise<void> {
  const timeZone = deps.core.settings.timeZone;
  // What to say before waiting for the number: nothing when the last message already asked for it again.
  let prompt: string | null = options.intro ? `${options.intro}\n\n${linking.askNumber}` : linking.askNumber;
  for (;;) {
    let accountNumber = normalizeAccountNumber(await askText(chat, prompt, { hint: linking.askNumber }));
    while (accountNumber === null) accountNumber = normalizeAccountNumber(await askText(chat, linking.invalidNumber, { hint: linking.askNumber }));
    prompt = null;

    const method: ProofByAnswer = (await choose(chat, linking.chooseProof(accountNumber), PROOF_CHOICES)) === 'pay' ? 'payment' : 'surname';
    const ask = method === 'payment' ? linking.askPayment : linking.askSurname;
    let outcome: ProofOutcome;
    let askFirst: string | null = ask;
    for (;;) {
      // Secret: the answer is blanked in the stored state once checked (it must never be stored).
      const answer = await askText(chat, askFirst, { hint: ask, secret: true });
      askFirst = null;
      const number = accountNumber;
      outcome = await chat.step(() => proveOwnership(deps.core, { subscriberId: chat.subscriberId, accountNumber: number, method, answer }));
      if (outcome.kind !== 'invalid-answer') break;
      await chat.say(linking.invalidAnswer[outcome.method]);
    }

    switch (outcome.kind) {
      case 'linked':
      case 'already-linked':
        await chat.say(linking.linkedOutcome(outcome), { keyboard: 'menu' });
        return;
      case 'locked':
        await chat.say(lockedText(outcome.limit, accountNumber, outcome.until, timeZone), { keyboard: 'menu' });
        return;
      case 'invalid-number':
        prompt = linking.invalidNumber;
        continue;
      case 'mismatch':
        if (outcome.next === 'ask-number-again') {
          await chat.say(linking.mismatchRetry(outcome.accountNumber, outcome.attemptsLeft));
          continue;
        }
        await chat.say(
          outcome.lockedBy && outcome.lockedUntil
            ? `${linking.mismatchFinal(outcome.accountNumber)}\n\n${lockedText(outcome.lockedBy, outcome.accountNumber, outcome.lockedUntil, timeZone)}`
            : `${linking.mismatchFinal(outcome.accountNumber)}\n\n${linking.lockedHelp}`,
          { keyboard: 'menu' },
        );
        return;
    }
  }
}

/** «Додати рахунок». */
export const linkAccountFlow: Flow<null> = {
  id: 'link-account',
  run: (chat, deps) => linkAccountSteps(chat, deps),
};

