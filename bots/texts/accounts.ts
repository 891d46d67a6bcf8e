import { day, money, period, volume } from './format.ts';

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
};
