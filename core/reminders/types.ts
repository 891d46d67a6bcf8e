import type { Clock } from '../clock.ts';
import type { LocalDate } from '../calendar.ts';
import type { Database } from '../../models/database.ts';
import type { Channel } from '../../models/models.ts';

/** Hours of the local day in which no reminder goes out: from `fromHour`:00 up to `toHour`:00 (may wrap midnight). */
export interface QuietHours {
  fromHour: number;
  toHour: number;
}

export interface ReminderSettings {
  /** Decides the period ("this month") and the quiet hours: the utility's zone, not the server's. */
  timeZone: string;
  quietHours: QuietHours | null;
  /** Leave out meters past their verification date: they take no readings, so reminding of them is noise. */
  skipVerificationOverdue: boolean;
  /** Sends in flight at once; each still waits for its rate-limit token. */
  concurrency: number;
  /** Due subscribers read per page (keyset): memory holds one page, whatever the total. */
  pageSize: number;
  /**
   * A claim older than this whose send never finished (the instance died) is sent again: at-least-once, with a
   * window as wide as the sends in flight at the crash. Longer than any send may take, rate-limit waits included.
   */
  leaseMs: number;
  /** A slot's reminder whose send threw is tried again by a later pass of the same slot, this many times in all. */
  maxAttempts: number;
}

export const defaultReminderSettings: ReminderSettings = {
  timeZone: 'Europe/Kyiv',
  quietHours: { fromHour: 21, toHour: 9 },
  skipVerificationOverdue: true,
  concurrency: 16,
  pageSize: 500,
  leaseMs: 10 * 60_000,
  maxAttempts: 3,
};

export interface DueMeter {
  accountNumber: string;
  meterSerial: string;
  meterId: number;
}

/** What one reminder is about: plain data, so the sender renders it in any channel's words. */
export interface DueReminder {
  subscriberId: number;
  channel: Channel;
  channelUserId: string;
  /** The billing period readings are due for: its first day. */
  period: LocalDate;
  meters: DueMeter[];
}

export type ReminderDelivery =
  | { kind: 'sent'; rateLimitedWaits: number }
  /** The channel says the subscriber blocked the bot or unsubscribed (the notifier has marked them): not retried. */
  | { kind: 'blocked'; reason: 'blocked' | 'not-subscribed'; rateLimitedWaits: number }
  /** Nothing to send with on this channel (e.g. Viber reminders turned off by the operator). */
  | { kind: 'skipped'; reason: 'channel-off' };

/**
 * The port the pass delivers through (bots/reminders/ implements it over the notifiers and the shared rate
 * limiter). A thrown error means "not delivered, may be retried": the reminder is recorded as failed.
 */
export interface ReminderSender {
  deliver(reminder: DueReminder): Promise<ReminderDelivery>;
}

export interface ReminderDeps {
  db: Database;
  clock: Clock;
  settings: ReminderSettings;
  sender: ReminderSender;
}

/**
 * 'unsettled': the pass walked every due subscriber, but some of the slot's claims were still open at its end
 * (held by a sender that died less than a lease ago, or by another instance still sending); the slot is not
 * done: a restart resumes it, and the schedule's sweep sends the dead sender's claims after the lease.
 */
export type ReminderRunOutcome = 'completed' | 'unsettled' | 'quiet-hours' | 'stopped' | 'error';

export interface ReminderCounts {
  /** Due subscribers the pass looked at (a pass stopped early has not seen them all). */
  due: number;
  sent: number;
  failed: number;
  blocked: number;
  skipped: number;
  /** Due, but this slot's reminder was already claimed (an earlier pass, or another instance right now). */
  alreadyDone: number;
  /** 429 answers waited out by the sender. */
  rateLimited: number;
}

export interface ReminderRunSummary extends ReminderCounts {
  runId: number;
  slot: string;
  period: LocalDate;
  outcome: ReminderRunOutcome;
}

/** A pass as staff see it (the `/reminders` staff command). */
export interface ReminderRunView extends ReminderCounts {
  runId: number;
  slot: string;
  period: LocalDate;
  startedAt: string;
  /** Null while it runs, or when the instance running it died. */
  finishedAt: string | null;
  outcome: ReminderRunOutcome | null;
  error: string | null;
}
