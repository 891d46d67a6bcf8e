import type { DueReminder } from '../../core/reminders/types.ts';
import type { OutgoingMessage } from '../notifier.ts';
import { reminders } from '../texts/reminders.ts';

/**
 * The reminder in channel-neutral form: which accounts and meters are due, a button straight into the readings
 * flow, «Оплатити» when online payment is offered (`pay`), one to stop reminders.
 */
export function reminderMessage(reminder: DueReminder, options: { pay?: boolean } = {}): OutgoingMessage {
  const byAccount = new Map<string, string[]>();
  for (const meter of reminder.meters) {
    const serials = byAccount.get(meter.accountNumber) ?? [];
    serials.push(meter.meterSerial);
    byAccount.set(meter.accountNumber, serials);
  }
  return {
    text: reminders.due({
      period: reminder.period,
      accounts: [...byAccount].map(([accountNumber, meterSerials]) => ({ accountNumber, meterSerials })),
    }),
    actions: [
      { label: reminders.submitButton, action: 'readings:start' },
      ...(options.pay ? [{ label: reminders.payButton, action: 'pay:start' as const }] : []),
      { label: reminders.offButton, action: 'reminders:off' },
    ],
  };
}
