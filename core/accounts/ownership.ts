import { QueryTypes } from 'sequelize';
import { normalizeAccountNumber } from '../parse.ts';
import type { LockScope } from '../../models/models.ts';
import { matchesAny, paymentAnswer, surnameAnswer, surnameLetters, SURNAME_PREFIX_LENGTH } from './answers.ts';
import { activeLock, countFailure, raiseBurstAlert, recordAttempt } from './limits.ts';
import { insertLink, lockSubscriber } from './links.ts';
import { accountSummaries } from './summaries.ts';
import type { AccountSummary, CoreDeps } from './types.ts';

export type ProofByAnswer = 'payment' | 'surname';

export interface ProofRequest {
  subscriberId: number;
  /** As typed: spaces and dashes are fine. */
  accountNumber: string;
  method: ProofByAnswer;
  /** As typed: an amount ("1 234,50 грн") or the surname's first letters. Never logged, never stored. */
  answer: string;
}

export type ProofOutcome =
  | { kind: 'linked'; account: AccountSummary; noticesQueued: number }
  | { kind: 'already-linked'; account: AccountSummary }
  /**
   * The number and answer do not match an account: the same whether the account does not exist or the answer
   * is wrong. The number is given back as read, so a typo is easy to spot. `lockedUntil` is set when this very
   * failure reached a limit (attemptsLeft is 0 then), with `lockedBy` the lock that lasts longest. `next` is
   * what the flow does now: ask for the number again (attempts are left: a typo in the number is the likeliest
   * reason) or stop.
   */
  | {
      kind: 'mismatch';
      accountNumber: string;
      attemptsLeft: number;
      lockedUntil: string | null;
      lockedBy: LockScope | null;
      next: 'ask-number-again' | 'stop';
    }
  /**
   * A limit is in force: nothing was checked. `limit` says which: 'pair' (this account, for this subscriber),
   * 'subscriber-day'/'subscriber-month' (any new account, for this subscriber), 'account' (this account's
   * self-service linking is suspended, for everyone); `until` is when the longest lock in force ends.
   */
  | { kind: 'locked'; until: string; limit: LockScope }
  | { kind: 'invalid-answer'; method: ProofByAnswer }
  | { kind: 'invalid-number' };

/** How many of the account's latest payments count as proof: the last bill may not have been paid yet. */
const PAYMENTS_ACCEPTED = 2;

// Stand-ins compared when the account is unknown or has fewer payments, so that path does the same work.
const NO_SURNAME = '\u0000'.repeat(SURNAME_PREFIX_LENGTH);
const NO_PAYMENT = '-1';

/**
 * Links an account to a subscriber who proves they hold it: the account number plus either the amount of one
 * of its two latest payments (to the kopeck) or the first three letters of the holder's surname.
 *
 * An unknown number and a wrong answer look the same from outside, in outcome and in the work done. Past a
 * brute-force limit nothing is checked at all. Attempts are recorded without the answer.
 */
export async function proveOwnership(deps: CoreDeps, request: ProofRequest): Promise<ProofOutcome> {
  const accountNumber = normalizeAccountNumber(request.accountNumber);
  if (accountNumber === null) return { kind: 'invalid-number' };
  const given = request.method === 'payment' ? answerAsKop(request.answer) : surnameAnswer(request.answer);
  if (given === null) return { kind: 'invalid-answer', method: request.method };

  return deps.db.sequelize.transaction(async (transaction): Promise<ProofOutcome> => {
    const now = deps.clock.now();
    await lockSubscriber(deps, transaction, request.subscriberId);
    // Attempts on one account number by different subscribers take turns too, for the per-account limit.
    await deps.db.sequelize.query(`SELECT pg_advisory_xact_lock(727002, hashtext(:accountNumber))`, {
      replacements: { accountNumber },
      type: QueryTypes.SELECT,
      transaction,
    });

    const attempt = { subscriberId: request.subscriberId, accountNumber, method: request.method, now };
    const lock = await activeLock(deps, transaction, attempt);
    if (lock) {
      await recordAttempt(deps, transaction, { ...attempt, result: 'refused', limitFired: lock.scope });
      return { kind: 'locked', until: lock.until.toISOString(), limit: lock.scope };
    }

    const account = await deps.db.models.Account.findOne({ where: { number: accountNumber }, transaction });
    let expected: string[];
    if (request.method === 'payment') {
      const payments = await deps.db.sequelize.query<{ amount_kop: number }>(
        `SELECT amount_kop FROM payments WHERE account_id = :accountId ORDER BY paid_on DESC, amount_kop DESC LIMIT ${PAYMENTS_ACCEPTED}`,
        { replacements: { accountId: account?.id ?? -1 }, type: QueryTypes.SELECT, transaction },
      );
      expected = payments.map((p) => String(p.amount_kop));
      while (expected.length < PAYMENTS_ACCEPTED) expected.push(NO_PAYMENT);
    } else {
      const prefix = [...surnameLetters(account?.surname ?? '')].slice(0, SURNAME_PREFIX_LENGTH).join('');
      expected = [account && prefix.length === SURNAME_PREFIX_LENGTH ? prefix : NO_SURNAME];
    }
    const proven = matchesAny(given, expected) && account !== null;

    if (!proven) {
      const attemptId = await recordAttempt(deps, transaction, { ...attempt, result: 'mismatch', limitFired: null });
      const failure = await countFailure(deps, transaction, { attemptId, subscriberId: request.subscriberId, accountNumber, now });
      await raiseBurstAlert(deps, transaction, now);
      const lock = failure.fired[0] ?? null;
      return {
        kind: 'mismatch',
        accountNumber,
        attemptsLeft: failure.attemptsLeft,
        lockedUntil: lock?.until.toISOString() ?? null,
        lockedBy: lock?.scope ?? null,
        next: failure.attemptsLeft > 0 && lock === null ? 'ask-number-again' : 'stop',
      };
    }

    await recordAttempt(deps, transaction, { ...attempt, result: 'success', limitFired: null });
    const linked = await insertLink(deps, transaction, { subscriberId: request.subscriberId, account, method: request.method, now });
    const [summary] = await accountSummaries(deps.db, [account.id], transaction);
    return linked.kind === 'linked'
      ? { kind: 'linked', account: summary!, noticesQueued: linked.noticesQueued }
      : { kind: 'already-linked', account: summary! };
  });
}

function answerAsKop(text: string): string | null {
  const kop = paymentAnswer(text);
  return kop === null ? null : String(kop);
}
