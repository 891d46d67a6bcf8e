import type { PaymentAlert } from '../../core/outbox.ts';
import { money, moment } from './format.ts';

// What subscribers read when paying online, and the alerts staff get about payments. Plain text, no markup.

export const payments = {
  button: 'Оплатити',
  chooseAccount: 'Який рахунок оплатити?',
  accountButton: (number: string, address: string) => `${number}, ${address}`,
  noAccounts: 'Щоб оплатити, спершу приєднайте свій особовий рахунок (пункт «Мої рахунки»).',
  notLinked: 'Цей рахунок не приєднано до вашого профілю, тож оплатити його тут не можна.',
  offerDebt: (accountNumber: string, debtKop: number) => `Рахунок № ${accountNumber}. Заборгованість: ${money(debtKop)}.`,
  offerNoDebt: (accountNumber: string) => `Рахунок № ${accountNumber}. Заборгованості немає — можна внести аванс.`,
  payDebt: (debtKop: number) => `Сплатити ${money(debtKop)}`,
  otherAmount: 'Інша сума',
  askAmount: (minKop: number, maxKop: number) => `Напишіть суму в гривнях, від ${money(minKop)} до ${money(maxKop)}, наприклад 350 або 350,50.`,
  amountHint: 'Сума — це число гривень, можна з копійками: 350 або 350,50.',
  amountTooSmall: (minKop: number) => `Найменша сума — ${money(minKop)}.`,
  amountTooLarge: (maxKop: number) => `Найбільша сума за один раз — ${money(maxKop)}.`,
  link: (amountKop: number, accountNumber: string, orderId: string) =>
    `До сплати ${money(amountKop)} за рахунок № ${accountNumber}.\nЗамовлення ${orderId}.\nНатисніть «Перейти до оплати» — відкриється захищена сторінка LiqPay. Квитанцію надішлемо сюди, щойно оплата пройде.`,
  linkButton: 'Перейти до оплати',
  checkoutDescription: (accountNumber: string) => `Оплата послуг водоканалу, рахунок № ${accountNumber}`,
  unavailable: 'Онлайн-оплата зараз недоступна. Спробуйте пізніше.',
  pendingInBilling: 'оплачено онлайн, очікує зарахування',
  reversedOnline: 'онлайн-оплату повернено',
  receipt: (p: { amountKop: number; accountNumber: string; paidAt: string; orderId: string; providerPaymentId: string }, timeZone: string) =>
    [
      '✅ Оплату отримано.',
      `Сума: ${money(p.amountKop)}`,
      `Рахунок № ${p.accountNumber}`,
      `Дата і час: ${moment(p.paidAt, timeZone)}`,
      `Замовлення: ${p.orderId}`,
      `Номер платежу LiqPay: ${p.providerPaymentId}`,
      'Поки білінг не зарахує платіж, у рахунку він буде позначений «оплачено онлайн, очікує зарахування».',
    ].join('\n'),
};

/** How the payment providers are named to people. */
export const providerNames: Record<string, string> = { liqpay: 'LiqPay' };

export const paymentAlerts = {
  text: (alert: PaymentAlert, timeZone: string): string =>
    alert.reason === 'amount-mismatch'
      ? `💳⚠️ Оплата не зарахована: за замовленням ${alert.orderId} (рахунок № ${alert.accountNumber}) провайдер повідомив ` +
        `${alert.reportedKop === null ? 'невідому суму' : money(alert.reportedKop)} ${alert.reportedCurrency ?? ''} замість ${money(alert.expectedKop)}. ` +
        'Перевірте платіж у кабінеті LiqPay.'
      : `🚨 ${alert.count} запитів про оплату з неправильним підписом з ${moment(alert.sinceIso, timeZone)}. Хтось підробляє повідомлення LiqPay.`,
};
