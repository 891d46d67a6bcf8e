import { localDate, localHour, periodOf } from '../calendar.ts';
import { claimReminders, openClaims, settleReminders, type Claim, type SettleResult } from './claims.ts';
import { Coalescer } from '../coalescer.ts';
import { DueFeed } from './due.ts';
import { recordProgress, startRun } from './runs.ts';
import { errorText, sendClaimed } from './send.ts';
import { isQuietHour } from './slot.ts';
import { resendExpiredClaims } from './sweep.ts';
import type { DueReminder, ReminderCounts, ReminderDeps, ReminderRunOutcome, ReminderRunSummary } from './types.ts';

export interface ReminderPassOptions {
  /** Which firing this pass belongs to (see slot.ts): the unit of "once". */
  slot: string;
  /** When the pass starts; decides the period. Defaults to the clock. */
  now?: Date;
  /** Aborting stops taking new subscribers; sends in flight finish and are recorded. */
  signal?: AbortSignal;
}

const PROGRESS_EVERY = 200;
/** Most claims or settles in one statement: enough to cover the workers, small enough to keep each statement short. */
const BATCH_MAX = 100;

/**
 * One pass over the subscribers due now, for one slot. Each reminder is claimed in PostgreSQL before it is
 * sent (see claims.ts), so re-running the slot, after a crash or on a second instance at the same time, sends
 * only what no one has claimed. `concurrency` workers share a keyset feed of due subscribers, so memory stays
 * flat and enough sends are in flight to keep the rate limiter's tokens in use.
 *
 * Quiet hours (local time in the reminders' zone): a pass that starts in them sends nothing, and a pass that
 * reaches them stops taking subscribers; what it leaves is not made up later that night: the next slot (the
 * next day, by default) reminds whoever is still due. Both end with outcome 'quiet-hours'.
 *
 * At its end the pass sends again every claim of the period whose lease ran out (resendExpiredClaims), and the
 * slot counts as completed only when none of its claims is left unsettled: claims held by a sender that died
 * less than a lease ago leave the pass 'unsettled', so the slot is resumed on the next start, and the schedule's
 * sweep sends them once the lease is over.
 */
export async function runReminderPass(deps: ReminderDeps, options: ReminderPassOptions): Promise<ReminderRunSummary> {
  const { db, clock, settings, sender } = deps;
  const now = options.now ?? clock.now();
  const today = localDate(now, settings.timeZone);
  const period = periodOf(today);
  const slot = options.slot;
  const counts: ReminderCounts = { due: 0, sent: 0, failed: 0, blocked: 0, skipped: 0, alreadyDone: 0, rateLimited: 0 };
  const runId = await startRun(db, { slot, period, startedAt: clock.now() });

  const quiet = () => isQuietHour(localHour(clock.now(), settings.timeZone), settings.quietHours);
  let stopped: ReminderRunOutcome | undefined;
  let processed = 0;
  let progress: Promise<void> = Promise.resolve();

  // Each worker still claims right before it sends and settles right after, as if alone; what workers ask for
  // at the same moment goes to PostgreSQL as one statement (see coalescer.ts). So nothing is claimed ahead of
  // its send, and a result waits for its commit only as long as one statement already in flight.
  const claims = new Coalescer<number, Claim | null>(async (subscriberIds) => {
    const taken = await claimReminders(db, { period, slot, subscriberIds }, { now: clock.now(), leaseMs: settings.leaseMs, maxAttempts: settings.maxAttempts });
    const byId = new Map(taken.map((claim) => [claim.subscriberId, claim]));
    return subscriberIds.map((id) => byId.get(id) ?? null);
  }, BATCH_MAX);
  const settles = new Coalescer<{ claim: Claim; result: SettleResult }, void>(async (batch) => {
    await settleReminders(db, batch);
    return batch.map(() => undefined);
  }, BATCH_MAX);

  async function remind(due: DueReminder, claim: Claim): Promise<void> {
    const { status, error, rateLimitedWaits } = await sendClaimed(sender, due);
    counts.rateLimited += rateLimitedWaits;
    counts[status] += 1;
    await settles.submit({ claim, result: { status, at: clock.now(), ...(error ? { error } : {}) } });
  }

  async function worker(feed: DueFeed): Promise<void> {
    for (;;) {
      if (stopped) return;
      if (options.signal?.aborted) {
        stopped = 'stopped';
        return;
      }
      if (quiet()) {
        stopped = 'quiet-hours';
        return;
      }
      const next = await feed.next();
      if (!next) return;
      counts.due += 1;
      const due: DueReminder = { ...next, period };
      const claim = await claims.submit(due.subscriberId);
      if (!claim) counts.alreadyDone += 1;
      else await remind(due, claim);
      if (++processed % PROGRESS_EVERY === 0) {
        // One progress write at a time, and a failed one never stops the sending.
        progress = progress.then(() => recordProgress(db, runId, { ...counts }).catch(() => undefined));
      }
    }
  }

  try {
    if (quiet()) {
      stopped = 'quiet-hours';
    } else {
      const feed = new DueFeed(db, {
        today,
        pageSize: settings.pageSize,
        skipVerificationOverdue: settings.skipVerificationOverdue,
        prefetchBelow: settings.concurrency * 2,
      });
      const guarded = () =>
        worker(feed).catch((error: unknown) => {
          stopped = 'error';
          throw error;
        });
      const results = await Promise.allSettled(Array.from({ length: Math.max(1, settings.concurrency) }, guarded));
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
      if (!stopped) {
        const swept = await resendExpiredClaims(deps, options.signal ? { signal: options.signal } : {});
        counts.sent += swept.sent;
        counts.failed += swept.failed;
        counts.blocked += swept.blocked;
        counts.skipped += swept.skipped;
        counts.rateLimited += swept.rateLimited;
        if (options.signal?.aborted) stopped = 'stopped';
        else if (await openClaims(db, { period, slot })) stopped = 'unsettled';
      }
    }
  } catch (error) {
    await progress;
    await recordProgress(db, runId, counts, { outcome: 'error', finishedAt: clock.now(), error: errorText(error) }).catch(() => undefined);
    throw error;
  }
  await progress;
  const outcome: ReminderRunOutcome = stopped ?? 'completed';
  await recordProgress(db, runId, counts, { outcome, finishedAt: clock.now() });
  return { runId, slot, period, outcome, ...counts };
}
