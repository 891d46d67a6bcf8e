import cron, { type ScheduledTask } from 'node-cron';
import { localDate } from '../core/calendar.ts';
import { runReminderPass } from '../core/reminders/pass.ts';
import { unfinishedSlotsOn } from '../core/reminders/runs.ts';
import { resendExpiredClaims } from '../core/reminders/sweep.ts';
import { scheduledSlot } from '../core/reminders/slot.ts';
import type { ReminderDeps, ReminderRunSummary } from '../core/reminders/types.ts';
import type { Logger } from './logger.ts';

export interface ReminderScheduleDeps {
  reminders: ReminderDeps;
  /** config.reminders.cron and .timeZone: the expression is matched on the wall clock of that zone. */
  cron: string;
  timeZone: string;
  logger: Logger;
  /** How often expired claims are looked for (default: a quarter of the lease, at most a minute). */
  sweepEveryMs?: number;
}

export interface ReminderSchedule {
  /** Starts the cron job, and picks up today's scheduled slot if a previous process left it unfinished. */
  start(): void;
  /** Stops the cron job, the sweep and the pass in progress (their sends in flight finish and are recorded). */
  stop(): Promise<void>;
  /** The pass now running, if any: for tests and shutdown. */
  readonly running: Promise<ReminderRunSummary | undefined> | undefined;
}

/**
 * node-cron fires the reminders pass at each match of REMINDER_CRON in REMINDER_TZ. Every instance may run the
 * schedule: the claims in reminders_sent let each reminder go out once however many passes share a slot. One
 * pass at a time per instance; a firing that comes while one runs is skipped (the slot it would have started
 * is the next day's by default, and whoever is still due then is reminded then).
 *
 * Besides the cron, a sweep runs every little while: claims of this period whose sender died (the lease ran out)
 * are sent again, whichever slot they belong to and whether or not that slot's pass is still running anywhere.
 */
export function createReminderSchedule(deps: ReminderScheduleDeps): ReminderSchedule {
  const { reminders, logger } = deps;
  if (!cron.validate(deps.cron)) throw new Error(`REMINDER_CRON is not a valid cron expression: ${deps.cron}`);
  let task: ScheduledTask | undefined;
  let controller: AbortController | undefined;
  let running: Promise<ReminderRunSummary | undefined> | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  const sweepEveryMs = deps.sweepEveryMs ?? Math.max(1000, Math.min(60_000, Math.floor(reminders.settings.leaseMs / 4)));

  function sweep(): void {
    if (sweeping || !controller || controller.signal.aborted) return;
    const signal = controller.signal;
    sweeping = resendExpiredClaims(reminders, { signal })
      .then((counts) => {
        if (counts.resent > 0) logger.info({ ...counts }, 'reminders whose sender died were sent again');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'reminders sweep failed'))
      .finally(() => {
        sweeping = undefined;
      });
  }

  function runSlot(slot: string, why: 'scheduled' | 'resumed'): Promise<ReminderRunSummary | undefined> | undefined {
    if (running) {
      logger.warn({ slot, why }, 'reminders pass still running; this firing is skipped');
      return undefined;
    }
    const signal = (controller ??= new AbortController()).signal;
    const pass = (async () => {
      try {
        const summary = await runReminderPass(reminders, { slot, signal });
        logger.info({ why, ...summary }, 'reminders pass finished');
        return summary;
      } catch (error) {
        logger.error({ err: error, slot, why }, 'reminders pass failed');
        return undefined;
      }
    })();
    running = pass.finally(() => {
      running = undefined;
    });
    return running;
  }

  async function resume(): Promise<void> {
    const today = localDate(reminders.clock.now(), deps.timeZone);
    const [slot] = await unfinishedSlotsOn(reminders.db, today);
    if (slot) await runSlot(slot, 'resumed');
  }

  return {
    start() {
      if (task) return;
      controller = new AbortController();
      task = cron.schedule(
        deps.cron,
        async (context) => {
          await runSlot(scheduledSlot(context.date, deps.timeZone), 'scheduled');
        },
        { timezone: deps.timeZone, name: 'reminders', noOverlap: true },
      );
      resume().catch((error: unknown) => logger.error({ err: error }, 'could not look for an unfinished reminders slot'));
      sweepTimer = setInterval(sweep, sweepEveryMs);
      sweepTimer.unref();
    },
    async stop() {
      const stopping = task;
      task = undefined;
      if (stopping) await stopping.destroy();
      clearInterval(sweepTimer);
      controller?.abort();
      await Promise.all([running, sweeping]);
    },
    get running() {
      return running;
    },
  };
}
