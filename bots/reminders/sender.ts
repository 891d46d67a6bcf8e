import type { DueReminder, ReminderDelivery, ReminderSender } from '../../core/reminders/types.ts';
import type { Channel } from '../../models/models.ts';
import type { OutgoingMessage, Recipient, SubscriberNotifier } from '../notifier.ts';
import type { RateLimit } from '../rate-limiter.ts';
import { reminderMessage } from './message.ts';

/** Bucket keys in rate_buckets: anything else that sends in bulk on a channel should draw from the same one. */
export const SEND_RATE_KEYS: Record<Channel, string> = { telegram: 'telegram:send', viber: 'viber:send' };

/**
 * Viber documents no overall rate for send_message (only 100 unanswered messages an hour to one user, and 500
 * broadcast requests per 10 s, i.e. 50 a second); 20 a second stays well under anything it has published.
 */
export const VIBER_SEND_PER_SECOND = 20;

/**
 * Telegram allows about `globalPerSecond` messages a second in all. We aim slightly below it (95%): tokens are
 * spaced exactly, but network jitter bunches arrivals, and Telegram counts arrivals in a sliding second.
 * A token bucket lets at most `burst + perSecond` through in any second, so half the headroom goes to the burst
 * (25 at 1,000/s; 1 at 30/s, so a slow pass starts at the steady rate instead of a flood) and half stays for
 * jitter. The burst matters at high rates: senders come back in bunches, and with a bucket of one every instant
 * nobody asks is a token lost for good. Each reminder is one message into one chat, so the one-a-second limit
 * per chat holds by construction.
 */
export function reminderRateLimits(config: { telegram?: { globalPerSecond: number } | undefined }, headroom = 0.95): Record<Channel, RateLimit> {
  const limit = config.telegram?.globalPerSecond ?? 30;
  return {
    telegram: { perSecond: limit * headroom, burst: Math.max(1, Math.floor((limit * (1 - headroom)) / 2)) },
    viber: { perSecond: VIBER_SEND_PER_SECOND, burst: 1 },
  };
}

/** A notifier, and whether the operator lets reminders go out on its channel (the Viber notifier says so). */
export type ReminderNotifier = SubscriberNotifier & { readonly acceptsReminders?: boolean };

export interface ReminderSenderOptions {
  notifiers: Partial<Record<Channel, ReminderNotifier>>;
  /** A SharedRateLimiter, or a BatchingRateLimiter over one (many senders in one process). */
  limiter: { take(key: string, limit: RateLimit): Promise<void> };
  limits: Record<Channel, RateLimit>;
  /** 429s waited out for one reminder before it is given up as failed (a later pass of the slot tries again). */
  maxRateLimitedWaits?: number;
  /** A retry_after longer than this is not waited out here: the reminder fails and waits for a later pass. */
  maxWaitSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The retry_after of a "429 Too Many Requests" that reached us (grammY's error shape), or null for other errors. */
export function retryAfterSeconds(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { error_code?: unknown; parameters?: { retry_after?: unknown } };
  if (e.error_code !== 429) return null;
  return typeof e.parameters?.retry_after === 'number' ? e.parameters.retry_after : 1;
}

/** What became of a message sent within the limits: sent (with the 429s waited out), or the subscriber is gone. */
export type ThrottledDelivery =
  | { kind: 'sent'; rateLimitedWaits: number }
  | { kind: 'blocked'; reason: 'blocked' | 'not-subscribed'; rateLimitedWaits: number };

/**
 * Sends one started message through its channel's notifier after a token from the channel's bucket shared by
 * every instance. A 429 that gets past the notifier's own retries is waited out here and counted; "blocked"/"not
 * subscribed" is final (the notifier has marked the subscriber). Anything else throws: the caller may retry.
 * Every bulk sender (reminders, outage notices) goes through here, so they share the platforms' limits.
 */
export async function sendWithinLimits(
  options: Omit<ReminderSenderOptions, 'notifiers'>,
  notifier: SubscriberNotifier,
  recipient: Recipient,
  message: OutgoingMessage,
): Promise<ThrottledDelivery> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWaits = options.maxRateLimitedWaits ?? 5;
  const maxWaitSeconds = options.maxWaitSeconds ?? 60;
  let rateLimitedWaits = 0;
  for (;;) {
    await options.limiter.take(SEND_RATE_KEYS[recipient.channel], options.limits[recipient.channel]);
    try {
      const result = await notifier.send(recipient, message);
      return result.kind === 'delivered' ? { kind: 'sent', rateLimitedWaits } : { kind: 'blocked', reason: result.reason, rateLimitedWaits };
    } catch (error) {
      const retryAfter = retryAfterSeconds(error);
      if (retryAfter === null || rateLimitedWaits >= maxWaits || retryAfter > maxWaitSeconds) throw error;
      rateLimitedWaits += 1;
      await sleep(retryAfter * 1000);
    }
  }
}

/** Turns a due reminder into a message and sends it within the limits (sendWithinLimits). */
export function createReminderSender(options: ReminderSenderOptions): ReminderSender {
  return {
    async deliver(reminder: DueReminder): Promise<ReminderDelivery> {
      const notifier = options.notifiers[reminder.channel];
      if (!notifier || notifier.acceptsReminders === false) return { kind: 'skipped', reason: 'channel-off' };
      return sendWithinLimits(options, notifier, { channel: reminder.channel, channelUserId: reminder.channelUserId }, reminderMessage(reminder));
    },
  };
}
