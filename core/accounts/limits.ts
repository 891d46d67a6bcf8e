import { QueryTypes, type Transaction } from 'sequelize';
import { enqueue } from '../outbox.ts';
import type { LockScope, ProofMethod } from '../../models/models.ts';
import type { CoreDeps } from './types.ts';

// Brute-force limits on ownership proofs. Three surname letters are a weak secret: the real attack is one
// common prefix sprayed over many account numbers, so besides failures per subscriber+account and per account,
// the limits count the distinct account numbers a subscriber has failed on. Everything here runs inside the
// proof's transaction, after the subscriber row and the account number have been locked, so two parallel
// attempts cannot both slip under a limit.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MONTH_MS = 30 * DAY_MS;

export interface ActiveLock {
  scope: LockScope;
  until: Date;
}

/** The lock that keeps this subscriber from proving this account number longest, if any is in force. */
export async function activeLock(
  deps: CoreDeps,
  transaction: Transaction,
  attempt: { subscriberId: number; accountNumber: string; now: Date },
): Promise<ActiveLock | null> {
  const [row] = await deps.db.sequelize.query<{ scope: LockScope; locked_until: Date }>(
    `SELECT scope, locked_until FROM ownership_locks
      WHERE locked_until > :now
        AND ((scope = 'pair' AND subscriber_id = :subscriberId AND account_number = :accountNumber)
          OR (scope IN ('subscriber-day', 'subscriber-month') AND subscriber_id = :subscriberId)
          OR (scope = 'account' AND account_number = :accountNumber))
      ORDER BY locked_until DESC
      LIMIT 1`,
    { replacements: attempt, type: QueryTypes.SELECT, transaction },
  );
  return row ? { scope: row.scope, until: new Date(row.locked_until) } : null;
}

export async function recordAttempt(
  deps: CoreDeps,
  transaction: Transaction,
  attempt: {
    subscriberId: number;
    accountNumber: string;
    method: ProofMethod;
    result: 'success' | 'mismatch' | 'refused';
    limitFired: string | null;
    now: Date;
  },
): Promise<number> {
  // The answer given is deliberately not a parameter here: it must never reach the table.
  const row = await deps.db.models.OwnershipAttempt.create(
    {
      subscriberId: attempt.subscriberId,
      accountNumber: attempt.accountNumber,
      method: attempt.method,
      result: attempt.result,
      limitFired: attempt.limitFired,
      createdAt: attempt.now,
    },
    { transaction },
  );
  return row.id;
}

export interface FailureOutcome {
  /** Locks this failure put in place, longest first. */
  fired: ActiveLock[];
  /** Failures left on this subscriber+account before a limit locks it; 0 once one has. */
  attemptsLeft: number;
}

/**
 * Counts a failure (already recorded as a 'mismatch' attempt) against every limit, writes the locks it
 * triggers and notes the one that lasts longest on the attempt row.
 */
export async function countFailure(
  deps: CoreDeps,
  transaction: Transaction,
  failure: { attemptId: number; subscriberId: number; accountNumber: string; now: Date },
): Promise<FailureOutcome> {
  const limits = deps.settings.proofLimits;
  const { now, subscriberId, accountNumber } = failure;
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const monthAgo = new Date(now.getTime() - MONTH_MS);
  const query = <T extends object>(sql: string, replacements: Record<string, unknown>) =>
    deps.db.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction });

  const [counts] = await query<{ pair: number; account: number }>(
    `SELECT count(*) FILTER (WHERE subscriber_id = :subscriberId)::int AS pair, count(*)::int AS account
       FROM ownership_attempts
      WHERE account_number = :accountNumber AND result = 'mismatch' AND created_at > :dayAgo`,
    { subscriberId, accountNumber, dayAgo },
  );
  const pairFailures = counts?.pair ?? 0;
  const accountFailures = counts?.account ?? 0;

  const fired: ActiveLock[] = [];
  const lockFor24h = new Date(now.getTime() + DAY_MS);
  if (pairFailures >= limits.pairFailuresPerDay) fired.push({ scope: 'pair', until: lockFor24h });
  if (accountFailures >= limits.accountFailuresPerDay) fired.push({ scope: 'account', until: lockFor24h });

  // Distinct account numbers failed on, each with its latest failure: the window frees when enough of them
  // have aged out that fewer than the limit remain.
  const subscriberWindows = [
    { scope: 'subscriber-day' as const, since: dayAgo, windowMs: DAY_MS, limit: limits.subscriberAccountsPerDay },
    { scope: 'subscriber-month' as const, since: monthAgo, windowMs: MONTH_MS, limit: limits.subscriberAccountsPerMonth },
  ];
  for (const window of subscriberWindows) {
    const numbers = await query<{ last_failure: Date }>(
      `SELECT max(created_at) AS last_failure FROM ownership_attempts
        WHERE subscriber_id = :subscriberId AND result = 'mismatch' AND created_at > :since
        GROUP BY account_number
        ORDER BY last_failure ASC`,
      { subscriberId, since: window.since },
    );
    if (numbers.length >= window.limit) {
      const freesAt = numbers[numbers.length - window.limit]!.last_failure;
      fired.push({ scope: window.scope, until: new Date(new Date(freesAt).getTime() + window.windowMs) });
    }
  }

  fired.sort((a, b) => b.until.getTime() - a.until.getTime());
  for (const lock of fired) {
    await deps.db.models.OwnershipLock.create(
      {
        scope: lock.scope,
        subscriberId: lock.scope === 'account' ? null : subscriberId,
        accountNumber: lock.scope === 'pair' || lock.scope === 'account' ? accountNumber : null,
        lockedUntil: lock.until,
        createdAt: now,
      },
      { transaction },
    );
  }
  if (fired.length > 0) {
    await deps.db.models.OwnershipAttempt.update(
      { limitFired: fired[0]!.scope },
      { where: { id: failure.attemptId }, transaction },
    );
  }

  const attemptsLeft =
    fired.length > 0
      ? 0
      : Math.max(0, Math.min(limits.pairFailuresPerDay - pairFailures, limits.accountFailuresPerDay - accountFailures));
  return { fired, attemptsLeft };
}

/**
 * Too many failures in all within the last hour: one alert per clock hour, whichever attempt notices it
 * first. The unique (kind, bucket) decides between parallel attempts; only the one that inserted enqueues.
 */
export async function raiseBurstAlert(deps: CoreDeps, transaction: Transaction, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - HOUR_MS);
  const [row] = await deps.db.sequelize.query<{ failures: number }>(
    `SELECT count(*)::int AS failures FROM ownership_attempts WHERE result = 'mismatch' AND created_at > :since`,
    { replacements: { since }, type: QueryTypes.SELECT, transaction },
  );
  const failures = row?.failures ?? 0;
  if (failures < deps.settings.proofLimits.burstAlertPerHour) return false;
  const bucket = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const inserted = await deps.db.sequelize.query<{ id: number }>(
    `INSERT INTO security_alerts (kind, bucket, details, created_at)
     VALUES ('ownership-burst', :bucket, :details, :now)
     ON CONFLICT (kind, bucket) DO NOTHING
     RETURNING id`,
    {
      replacements: { bucket, now, details: JSON.stringify({ failures, sinceIso: since.toISOString() }) },
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  if (inserted.length === 0) return false;
  await enqueue(
    deps.db.models,
    { kind: 'security-alert', payload: { failures, sinceIso: since.toISOString() } },
    { transaction, at: now },
  );
  return true;
}
