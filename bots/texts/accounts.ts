import { count, day, money, period, volume } from './format.ts';
import { payments } from './payments.ts';

// "My accounts": the list, one account's history, unlinking.

export interface MeterLine {
  serial: string;
  service: string;
  place: string;
  lastValue: number;
  lastValueDate: string | null;
}

export const accounts = {
  none: 'У вас ще немає доданих рахунків. Натисніть «Додати рахунок», щоб додати.',
  header: 'Ваші особові рахунки:',
  balance: (balanceKop: number) =>
    balanceKop > 0 ? `Борг: ${money(balanceKop)}` : balanceKop < 0 ? `Переплата: ${money(balanceKop)}` : 'Заборгованості немає',
  meter: (m: MeterLine) =>
    `• ${m.service}${m.place ? `, ${m.place}` : ''} (№ ${m.serial}): ${m.lastValue} м³` +
    (m.lastValueDate ? ` на ${day(m.lastValueDate)}` : ''),
  noMeters: 'Лічильників не знайдено.',
  summary: (a: { number: string; address: string; balanceKop: number; meters: MeterLine[] }) =>
    [
      `Рахунок № ${a.number}`,
      `Адреса: ${a.address}`,
      accounts.balance(a.balanceKop),
      a.meters.length > 0 ? `Лічильники:\n${a.meters.map(accounts.meter).join('\n')}` : accounts.noMeters,
    ].join('\n'),
  openButton: (number: string) => `Детальніше: № ${number}`,
  unlinkButton: 'Видалити рахунок з кабінету',
  chargesHeader: 'Нарахування:',
  charge: (c: { period: string; service: string; volumeM3: string | number; amountKop: number }) =>
    `• ${period(c.period)}, ${c.service}: ${volume(c.volumeM3)} — ${money(c.amountKop)}`,
  paymentsHeader: 'Оплати:',
  payment: (p: { paidOn: string; amountKop: number }) => `• ${day(p.paidOn)}: ${money(p.amountKop)}`,
  /** A payment made in the cabinet that billing has not booked yet, or one the payment provider refunded. */
  onlinePayment: (p: { paidOn: string; amountKop: number; state: 'pending' | 'reversed' }) =>
    `• ${day(p.paidOn)}: ${money(p.amountKop)} — ${p.state === 'pending' ? payments.pendingInBilling : payments.reversedOnline}`,
  payButton: payments.button,
  readingsHeader: 'Передані показники:',
  reading: (r: { localDate: string; value: number; meterSerial?: string }) =>
    `• ${day(r.localDate)}: ${r.value} м³${r.meterSerial ? ` (лічильник № ${r.meterSerial})` : ''}`,
  emptyHistory: 'немає записів',
  notLinked: 'Цього рахунку вже немає серед ваших. Відкрийте, будь ласка, «Мої рахунки» знову.',
  confirmUnlink: (number: string, address: string) =>
    `Видалити рахунок № ${number} (${address}) з вашого кабінету? Передавати показники за ним звідси більше не вийде.`,
  confirmUnlinkButton: 'Так, видалити',
  keepButton: 'Ні, залишити',
  unlinked: (number: string) => `Рахунок № ${number} видалено з вашого кабінету.`,
  kept: 'Добре, рахунок залишається.',

  // The flows shared by every channel.
  holder: (holder: string) => `Власник: ${holder}`,
  /** A meter in the account view: its last reading and its next verification, a past one marked. */
  meterCard: (m: MeterLine & { verificationDue: string | null }, overdue: boolean) =>
    `${accounts.meter(m)}` +
    (m.verificationDue
      ? overdue
        ? `\n  ⚠️ Строк повірки минув ${day(m.verificationDue)}: показники не приймаються, нарахування за нормою. Щоб замовити повірку, напишіть нам листа.`
        : `\n  Наступна повірка: до ${day(m.verificationDue)}`
      : ''),
  card: (
    a: { number: string; address: string; holder: string; balanceKop: number; meters: (MeterLine & { meterId: number; verificationDue: string | null })[] },
    overdueMeterIds: readonly number[],
  ) =>
    [
      `Рахунок № ${a.number}`,
      `Адреса: ${a.address}`,
      accounts.holder(a.holder),
      accounts.balance(a.balanceKop),
      a.meters.length > 0
        ? `Лічильники:\n${a.meters.map((m) => accounts.meterCard(m, overdueMeterIds.includes(m.meterId))).join('\n')}`
        : accounts.noMeters,
    ].join('\n'),
  listHeader: (total: number, from: number, to: number) =>
    `Ваші особові рахунки (${count(total, ['рахунок', 'рахунки', 'рахунків'])})${total > to - from ? `, показано ${from + 1}–${to}` : ''}. Натисніть на рахунок, щоб побачити подробиці:`,
  listLine: (a: { number: string; address: string; balanceKop: number }) => `№ ${a.number}, ${a.address} — ${accounts.balance(a.balanceKop).toLowerCase()}`,
  accountButton: (number: string, address: string) => `№ ${number}, ${address}`,
  moreButton: 'Ще…',
  toMenu: 'Головне меню',
  backToList: 'До списку рахунків',
  /** After unlinking: the same account linked in the subscriber's chat on another channel stays there. */
  stillOnOtherChannel: (channels: readonly string[]) =>
    `У ${channels.join(' і ')} цей рахунок залишається у вашому кабінеті; прибрати його там можна в тому месенджері.`,
};
