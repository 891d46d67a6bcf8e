import type { Attachment, Channel } from '../models/models.ts';

/**
 * A message the app starts on its own (a notice, a staff answer, a reminder), in channel-neutral form.
 * Each bot renders it with its own keyboards; `action` ids are routed by both bots the same way.
 */
export interface OutgoingMessage {
  text: string;
  photos?: Attachment[];
  actions?: Array<{ label: string; action: OutgoingAction }>;
}

/** Buttons a started message may carry; each bot maps them to its callback data / action body. */
export type OutgoingAction = 'readings:start' | 'reminders:off' | 'letters:list' | 'menu' | 'pay:start';

export interface Recipient {
  channel: Channel;
  channelUserId: string;
}

export type DeliveryResult =
  | { kind: 'delivered'; messageIds: string[] }
  /** Blocked the bot (Telegram 403) or unsubscribed (Viber): not retried; the subscriber is marked. */
  | { kind: 'unreachable'; reason: 'blocked' | 'not-subscribed' };

/** Each bot implements this for its channel. A thrown error means "try again later" (network, 429, 5xx). */
export interface SubscriberNotifier {
  readonly channel: Channel;
  send(recipient: Recipient, message: OutgoingMessage): Promise<DeliveryResult>;
}
