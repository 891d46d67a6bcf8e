import { proveOwnership, type ProofByAnswer } from '../../../core/accounts/ownership.ts';
import { normalizeAccountNumber } from '../../../core/parse.ts';
import { common } from '../../texts/common.ts';
import { linking } from '../../texts/linking.ts';
import { choicesKeyboard } from '../keyboards.ts';
import type { FlowState } from '../state-store.ts';
import { sameWords, textOf, type FlowHandler, type Turn } from './types.ts';

// Adding an account by its number: the number, how to prove it is one's own, the answer, the outcome.
// The answer itself is never kept in the flow's state (it would sit in the database) nor logged.

export const LINK_ACCOUNT = 'link-account';

const cancelKeyboard = () => choicesKeyboard([{ label: common.cancelButton }]);
const proofKeyboard = () =>
  choicesKeyboard([{ label: linking.proofPaymentButton }, { label: linking.proofSurnameButton }, { label: common.cancelButton }]);

const at = (step: string, data: Record<string, unknown> = {}): FlowState => ({ flow: LINK_ACCOUNT, step, data });

export async function startLinkAccount(turn: Turn): Promise<FlowState> {
  await turn.say(linking.askNumber, cancelKeyboard());
  return at('number');
}

export const linkAccountFlow: FlowHandler = async (turn, state, input) => {
  const text = textOf(input);
  const accountNumber = typeof state.data.accountNumber === 'string' ? state.data.accountNumber : null;

  if (state.step === 'number') {
    const number = text === null ? null : normalizeAccountNumber(text);
    if (number === null) {
      await turn.say(text === null ? common.notUnderstoodMedia : linking.invalidNumber, cancelKeyboard());
      return state;
    }
    await turn.say(linking.chooseProof(number), proofKeyboard());
    return at('proof', { accountNumber: number });
  }

  if (state.step === 'proof' && accountNumber) {
    const method: ProofByAnswer | null =
      text === null ? null : sameWords(text, linking.proofPaymentButton) ? 'payment' : sameWords(text, linking.proofSurnameButton) ? 'surname' : null;
    if (method === null) {
      await turn.say(text === null ? common.notUnderstoodMedia : common.pressAButton, proofKeyboard());
      return state;
    }
    await turn.say(method === 'payment' ? linking.askPayment : linking.askSurname, cancelKeyboard());
    return at('answer', { accountNumber, method });
  }

  if (state.step === 'answer' && accountNumber) {
    const method = state.data.method === 'surname' ? 'surname' : 'payment';
    if (text === null) {
      await turn.say(common.notUnderstoodMedia, cancelKeyboard());
      return state;
    }
    const outcome = await proveOwnership(turn.core, { subscriberId: turn.subscriber.id, accountNumber, method, answer: text });
    switch (outcome.kind) {
      case 'linked':
      case 'already-linked':
        return turn.showMenu(linking.linkedOutcome(outcome));
      case 'invalid-answer':
        await turn.say(linking.invalidAnswer[outcome.method], cancelKeyboard());
        return state;
      case 'invalid-number':
        await turn.say(linking.invalidNumber, cancelKeyboard());
        return at('number');
      case 'locked':
        return turn.showMenu(linking.locked(outcome.until, turn.core.settings.timeZone));
      case 'mismatch':
        if (outcome.lockedUntil) {
          return turn.showMenu(
            `${linking.mismatch(outcome.accountNumber, 0)}\n\n${linking.locked(outcome.lockedUntil, turn.core.settings.timeZone)}`,
          );
        }
        if (outcome.attemptsLeft <= 0) return turn.showMenu(linking.mismatch(outcome.accountNumber, 0));
        await turn.say(`${linking.mismatch(outcome.accountNumber, outcome.attemptsLeft)}\n\n${linking.askNumber}`, cancelKeyboard());
        return at('number');
    }
  }
  return turn.showMenu(common.staleButton);
};
