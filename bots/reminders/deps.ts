import type { Clock } from '../../core/clock.ts';
import { defaultReminderSettings, type ReminderDeps, type ReminderSettings } from '../../core/reminders/types.ts';
import type { Channel } from '../../models/models.ts';
import type { Database } from '../../models/database.ts';
import type { Config } from '../config.ts';
import { BatchingRateLimiter, SharedRateLimiter } from '../rate-limiter.ts';
import { createReminderSender, reminderRateLimits, type ReminderNotifier } from './sender.ts';

export function reminderSettingsFrom(config: Pick<Config, 'reminders' | 'core'>, overrides: Partial<ReminderSettings> = {}): ReminderSettings {
  return {
    ...defaultReminderSettings,
    timeZone: config.reminders.timeZone,
    quietHours: config.reminders.quietHours,
    skipVerificationOverdue: config.core.readings.refuseAfterVerificationDue,
    leaseMs: config.reminders.leaseMs,
    ...overrides,
  };
}

/** What the schedule and the `send-reminders` command both run with: one place, so they never disagree. */
export function createReminderDeps(options: {
  config: Pick<Config, 'reminders' | 'core' | 'telegram'>;
  db: Database;
  clock: Clock;
  notifiers: Partial<Record<Channel, ReminderNotifier>>;
  overrides?: Partial<ReminderSettings>;
  /** Online payment is offered: reminders carry «Оплатити». */
  offerPayment?: boolean;
}): ReminderDeps {
  return {
    db: options.db,
    clock: options.clock,
    settings: reminderSettingsFrom(options.config, options.overrides),
    sender: createReminderSender({
      notifiers: options.notifiers,
      limiter: new BatchingRateLimiter(new SharedRateLimiter(options.db.sequelize)),
      limits: reminderRateLimits(options.config),
      offerPayment: options.offerPayment ?? false,
    }),
  };
}
