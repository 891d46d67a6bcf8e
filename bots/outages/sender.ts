import type { OutageDelivery, OutageNotice, OutageSender } from '../../core/outages/types.ts';
import { changeKindOf } from '../../core/outages/types.ts';
import type { Channel } from '../../models/models.ts';
import type { OutgoingMessage, SubscriberNotifier } from '../notifier.ts';
import { sendWithinLimits, type ReminderSenderOptions } from '../reminders/sender.ts';
import { outageNotices } from '../texts/outages.ts';

/** The notice in channel-neutral form: one message naming every affected account of the subscriber. */
export function outageNoticeMessage(notice: OutageNotice, timeZone: string): OutgoingMessage {
  return { text: outageNotices.notice({ change: changeKindOf(notice.change), outage: notice.outage, accounts: notice.accounts, timeZone }) };
}

export interface OutageSenderOptions extends Omit<ReminderSenderOptions, 'notifiers'> {
  /**
   * Outage notices go out on every channel with a notifier, whatever VIBER_REMINDERS says: being told the water
   * is off is not a reminder. On Viber each goes through the billable sender and is counted.
   */
  notifiers: Partial<Record<Channel, SubscriberNotifier>>;
  timeZone: string;
}

/** Sends outage notices at the platforms' limits, sharing the rate buckets with the reminders. */
export function createOutageSender(options: OutageSenderOptions): OutageSender {
  return {
    async deliver(notice: OutageNotice): Promise<OutageDelivery> {
      const notifier = options.notifiers[notice.channel];
      if (!notifier) return { kind: 'skipped', reason: 'channel-off' };
      const recipient = { channel: notice.channel, channelUserId: notice.channelUserId };
      return sendWithinLimits(options, notifier, recipient, outageNoticeMessage(notice, options.timeZone));
    },
  };
}
