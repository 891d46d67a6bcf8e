import type { Clock } from '../../core/clock.ts';
import { deliverDueOutageNotices } from '../../core/outages/deliver.ts';
import { defaultOutageSettings, type OutageDeliveryCounts, type OutageDeliveryDeps } from '../../core/outages/types.ts';
import type { Channel } from '../../models/models.ts';
import type { Database } from '../../models/database.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { SubscriberNotifier } from '../notifier.ts';
import { BatchingRateLimiter, SharedRateLimiter } from '../rate-limiter.ts';
import { reminderRateLimits } from '../reminders/sender.ts';
import { createOutageSender } from './sender.ts';

/** What the schedule delivers outage notices with: the reminders' zone, quiet hours and rate buckets. */
export function createOutageDeliveryDeps(options: {
  config: Pick<Config, 'reminders' | 'outages' | 'telegram'>;
  db: Database;
  clock: Clock;
  notifiers: Partial<Record<Channel, SubscriberNotifier>>;
}): OutageDeliveryDeps {
  const { config } = options;
  return {
    db: options.db,
    clock: options.clock,
    settings: {
      ...defaultOutageSettings,
      timeZone: config.reminders.timeZone,
      quietHours: config.reminders.quietHours,
      eveningHour: config.outages.eveningHour,
      leaseMs: config.outages.leaseMs,
    },
    sender: createOutageSender({
      notifiers: options.notifiers,
      limiter: new BatchingRateLimiter(new SharedRateLimiter(options.db.sequelize)),
      limits: reminderRateLimits(config),
      timeZone: config.reminders.timeZone,
    }),
  };
}

export interface OutageSchedule {
  start(): void;
  /** Stops the timer and the pass in progress (its sends in flight finish and are recorded). */
  stop(): Promise<void>;
  /** Runs a pass now (unless one is running): for tests, and to send an emergency without waiting for the timer. */
  runNow(): Promise<OutageDeliveryCounts | undefined>;
}

/**
 * Every `everyMs` each instance runs a delivery pass: the claims in outage_notices let every instance take part
 * and each notice go out once. One pass at a time per instance; a tick that comes while one runs is skipped.
 */
export function createOutageSchedule(deps: { delivery: OutageDeliveryDeps; everyMs: number; logger: Logger }): OutageSchedule {
  let timer: NodeJS.Timeout | undefined;
  let controller: AbortController | undefined;
  let running: Promise<OutageDeliveryCounts | undefined> | undefined;

  function runNow(): Promise<OutageDeliveryCounts | undefined> {
    if (running) return running;
    const signal = (controller ??= new AbortController()).signal;
    running = deliverDueOutageNotices(deps.delivery, { signal })
      .then((counts) => {
        if (counts.changes > 0) deps.logger.info({ ...counts }, 'outage notices pass finished');
        return counts;
      })
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, 'outage notices pass failed');
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    start() {
      if (timer) return;
      controller = new AbortController();
      timer = setInterval(() => void runNow(), deps.everyMs);
      timer.unref();
      void runNow();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      controller?.abort();
      await running;
    },
    runNow,
  };
}
