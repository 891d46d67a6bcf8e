// The monthly reminder to send meter readings, and its two buttons.
import { period as periodName } from './format.ts';
import { menu } from './menu.ts';

export interface ReminderTextInput {
  /** The billing period's first day, '2026-11-01'. */
  period: string;
  /** Meters still without a reading this period, grouped by the account they are on. */
  accounts: { accountNumber: string; meterSerials: string[] }[];
}

const meterWord = (count: number) => (count === 1 ? 'лічильник' : 'лічильники');

export const reminders = {
  due: (input: ReminderTextInput) =>
    [
      `Нагадуємо: час передати показники лічильників за ${periodName(input.period)}.`,
      '',
      'Ще не передано:',
      ...input.accounts.map(
        (a) => `• особовий рахунок ${a.accountNumber}: ${meterWord(a.meterSerials.length)} ${a.meterSerials.join(', ')}`,
      ),
      '',
      'Натисніть «Передати показники», щоб зробити це зараз.',
    ].join('\n'),
  submitButton: menu.readings,
  payButton: menu.pay,
  offButton: 'Вимкнути нагадування',
};
