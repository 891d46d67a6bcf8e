import { normalizeAccountNumber } from '../../../core/parse.ts';
import { proveOwnership, type ProofOutcome } from '../../../core/accounts/index.ts';
import type { ProofByAnswer } from '../../../core/accounts/ownership.ts';
import { linking } from '../../texts/linking.ts';
import { cb } from '../callback-data.ts';
import type { Flow, FlowContext, TelegramDeps } from '../context.ts';
import { proofKeyboard } from '../keyboards/inline.ts';
import { mainMenuKeyboard } from '../keyboards/main-menu.ts';
import { explainUnexpected, isTypedText } from '../unexpected.ts';

export const LINK_ACCOUNT = 'link-account';

/**
 * Account number → how to prove it → the answer → linked, or the refusal explained. Used on its own (/add,
 * the menu) and as the tail of onboarding. Every core call goes through `external`: the function is replayed
 * from the top on each update, and only `external` results are remembered instead of repeated.
 */
export async function linkAccountSteps(deps: TelegramDeps, conversation: Flow, ctx: FlowContext): Promise<void> {
  const subscriberId = await conversation.external((outside) => outside.subscriber!.id);
  const timeZone = deps.core.settings.timeZone;

  for (;;) {
    await ctx.reply(linking.askNumber, { reply_markup: { remove_keyboard: true } });
    let accountNumber: string | null = null;
    while (accountNumber === null) {
      const typed = await conversation.waitUntil(isTypedText, {
        otherwise: (other) => explainUnexpected(other, 'text', linking.askNumber),
      });
      accountNumber = normalizeAccountNumber(typed.message!.text!);
      if (accountNumber === null) await typed.reply(linking.invalidNumber);
    }

    await ctx.reply(linking.chooseProof(accountNumber), { reply_markup: proofKeyboard() });
    const chosen = await conversation.waitForCallbackQuery([cb.proofPayment, cb.proofSurname], {
      otherwise: (other) => explainUnexpected(other, 'button'),
    });
    await chosen.answerCallbackQuery();
    const method: ProofByAnswer = chosen.callbackQuery.data === cb.proofPayment ? 'payment' : 'surname';
    await ctx.reply(method === 'payment' ? linking.askPayment : linking.askSurname);

    let outcome: ProofOutcome;
    for (;;) {
      const answer = await conversation.waitUntil(isTypedText, {
        otherwise: (other) => explainUnexpected(other, 'text', method === 'payment' ? linking.askPayment : linking.askSurname),
      });
      const text = answer.message!.text!;
      const number = accountNumber;
      outcome = await conversation.external(() => proveOwnership(deps.core, { subscriberId, accountNumber: number, method, answer: text }));
      if (outcome.kind !== 'invalid-answer') break;
      await ctx.reply(linking.invalidAnswer[outcome.method]);
    }

    switch (outcome.kind) {
      case 'linked':
      case 'already-linked':
        await ctx.reply(linking.linkedOutcome(outcome), { reply_markup: mainMenuKeyboard() });
        return;
      case 'locked':
        await ctx.reply(linking.locked(outcome.until, timeZone), { reply_markup: mainMenuKeyboard() });
        return;
      case 'mismatch':
        if (outcome.attemptsLeft > 0 && outcome.lockedUntil === null) {
          // Back to the number: a typo in it is the likeliest reason, and the text repeats it to check.
          await ctx.reply(linking.mismatch(outcome.accountNumber, outcome.attemptsLeft));
          continue;
        }
        await ctx.reply(
          outcome.lockedUntil
            ? `${linking.mismatch(outcome.accountNumber, 0)}\n\n${linking.locked(outcome.lockedUntil, timeZone)}`
            : linking.mismatch(outcome.accountNumber, 0),
          { reply_markup: mainMenuKeyboard() },
        );
        return;
      case 'invalid-number':
        await ctx.reply(linking.invalidNumber);
        continue;
    }
  }
}

export function linkAccountConversation(deps: TelegramDeps) {
  return async function linkAccount(conversation: Flow, ctx: FlowContext): Promise<void> {
    await linkAccountSteps(deps, conversation, ctx);
  };
}

