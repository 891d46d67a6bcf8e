import { localDate, localHour, periodBounds, periodOf } from '../calendar.ts';
import { Coalescer } from '../coalescer.ts';
import { reclaimExpired, settleReminders, type Claim, type SettleResult } from './claims.ts';
import { dueAmong } from './due.ts';
import { sendClaimed } from './send.ts';
import { isQuietHour } from './slot.ts';
import type { ReminderDeps } from './types.ts';

export interface SweepCounts {
  /** Expired claims taken over. */
  resent: number;
  sent: number;
  failed: number;
  blocked: number;
  /** Taken over, but no longer due (a reading came in, reminders were turned off) or the channel is off. */
  skipped: number;
  rateLimited: number;
}

const BATCH = 100;

/**
 * Sends again the reminders of this period whose sender died after claiming them (the lease ran out), whatever
 * slot they belong to: the schedule runs this every little while, and every pass runs it at its end, so a
 * crash costs at most a lease's delay, never the reminder. At-least-once: a message the dead sender had already
 * handed to the platform goes a second time. Each is sent only if the subscriber is still due; quiet hours and
 * the abort signal stop it between batches (what is left stays claimed, for the next sweep).
 */
export async function resendExpiredClaims(deps: ReminderDeps, options: { signal?: AbortSignal } = {}): Promise<SweepCounts> {
  const { db, clock, settings, sender } = deps;
  const counts: SweepCounts = { resent: 0, sent: 0, failed: 0, blocked: 0, skipped: 0, rateLimited: 0 };
  // Each result is settled as soon as it is known (batched with its neighbours), so a crash in the middle of a
  // sweep leaves only the sends in flight to go twice.
  const settles = new Coalescer<{ claim: Claim; result: SettleResult }, void>(async (batch) => {
    await settleReminders(db, batch);
    return batch.map(() => undefined);
  }, BATCH);
  for (;;) {
    if (options.signal?.aborted) return counts;
    const now = clock.now();
    if (isQuietHour(localHour(now, settings.timeZone), settings.quietHours)) return counts;
    const today = localDate(now, settings.timeZone);
    const period = periodOf(today);
    const claims = await reclaimExpired(db, { period, limit: BATCH }, { now, leaseMs: settings.leaseMs, maxAttempts: settings.maxAttempts });
    if (claims.length === 0) return counts;
    counts.resent += claims.length;
    const due = new Map(
      (
        await dueAmong(db, {
          ...periodBounds(today),
          overdueOn: settings.skipVerificationOverdue ? today : null,
          subscriberIds: claims.map((c) => c.subscriberId),
        })
      ).map((d) => [d.subscriberId, d]),
    );
    let next = 0;
    const worker = async () => {
      while (next < claims.length) {
        const claim = claims[next++]!;
        const subscriber = due.get(claim.subscriberId);
        const outcome = subscriber
          ? await sendClaimed(sender, { ...subscriber, period })
          : { status: 'skipped' as const, error: 'no-longer-due', rateLimitedWaits: 0 };
        counts[outcome.status] += 1;
        counts.rateLimited += outcome.rateLimitedWaits;
        await settles.submit({ claim, result: { status: outcome.status, at: clock.now(), ...(outcome.error ? { error: outcome.error } : {}) } });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(settings.concurrency, claims.length)) }, worker));
    if (claims.length < BATCH) return counts;
  }
}
