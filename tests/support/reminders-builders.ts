import { QueryTypes } from 'sequelize';
import type { Clock } from '../../core/clock.ts';
import { defaultReminderSettings, type DueReminder, type ReminderDelivery, type ReminderDeps, type ReminderSender, type ReminderSettings } from '../../core/reminders/types.ts';
import type { Database } from '../../models/database.ts';
import type { Meter, Subscriber } from '../../models/models.ts';
import { aLink, aMeter, anAccount, aSubscriber, type SubscriberSeed } from './builders.ts';

/** Empties what the reminders tests fill, so each test starts from no subscribers and no reminders. */
export async function clearReminderData(db: Database): Promise<void> {
  await db.sequelize.query('TRUNCATE reminders_sent, reminder_runs, readings, links, meters, accounts, subscribers, rate_buckets CASCADE');
}

/** A subscriber with one linked account and `meters` meters on it (no readings). */
export async function aDueSubscriber(
  db: Database,
  seed: { subscriber?: SubscriberSeed; meters?: number } = {},
): Promise<{ subscriber: Subscriber; meters: Meter[]; accountNumber: string }> {
  const account = await anAccount(db);
  const meters: Meter[] = [];
  for (let i = 0; i < (seed.meters ?? 1); i++) meters.push(await aMeter(db, account));
  const subscriber = await aSubscriber(db, seed.subscriber);
  await aLink(db, subscriber, account);
  return { subscriber, meters, accountNumber: account.number };
}

/** A stand-in for the sending side (a port): records what it was asked to deliver, answers what the test says. */
export class RecordingSender implements ReminderSender {
  readonly delivered: DueReminder[] = [];
  constructor(private readonly answer: (reminder: DueReminder, index: number) => Promise<ReminderDelivery> | ReminderDelivery = () => ({ kind: 'sent', rateLimitedWaits: 0 })) {}
  private calls = 0;
  async deliver(reminder: DueReminder): Promise<ReminderDelivery> {
    const result = await this.answer(reminder, this.calls++);
    if (result.kind === 'sent') this.delivered.push(reminder);
    return result;
  }
  ids(): number[] {
    return this.delivered.map((d) => d.subscriberId).sort((a, b) => a - b);
  }
}

export function reminderDeps(db: Database, clock: Clock, sender: ReminderSender, settings: Partial<ReminderSettings> = {}): ReminderDeps {
  return { db, clock, sender, settings: { ...defaultReminderSettings, concurrency: 4, pageSize: 7, ...settings } };
}

export interface ReminderRow {
  subscriber_id: number;
  period: string;
  slot: string;
  status: string;
  attempts: number;
  error: string | null;
}

export async function reminderRows(db: Database, slot?: string): Promise<ReminderRow[]> {
  return db.sequelize.query<ReminderRow>(
    `SELECT subscriber_id, period, slot, status, attempts, error FROM reminders_sent
      ${slot ? 'WHERE slot = :slot' : ''} ORDER BY subscriber_id, slot`,
    { replacements: { slot: slot ?? null }, type: QueryTypes.SELECT },
  );
}
