import type { PaymentAlert } from '../../core/outbox.ts';
import { money, moment } from './format.ts';

// What subscribers read when paying online, and the alerts staff get about payments. Plain text, no markup.

/** Whose transaction number the receipt shows: Viber's payments go through LiqPay, whose callback brings the number. */
function providerPaymentLabel(provider: string): string {
  return provider === 'telegram' ? 'Номер платежу в платіжного провайдера' : 'Номер платежу LiqPay';
}

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
  invoice: (amountKop: number, accountNumber: string, orderId: string) =>
    `До сплати ${money(amountKop)} за рахунок № ${accountNumber}.\nЗамовлення ${orderId}.\nРахунок на оплату надіслано окремим повідомленням: натисніть у ньому кнопку оплати. Квитанцію надішлемо сюди, щойно оплата пройде.`,
  invoiceRefused: 'Оплатити цю суму в месенджері не вийде. Натисніть «Перейти до оплати» — відкриється захищена сторінка LiqPay.',
  /** Viber's checkout was declined or cancelled (its payment status callback). */
  notCompleted: 'Оплату не завершено, гроші не списано. Щоб спробувати ще, почніть оплату знову.',
  /** Telegram's invoice title: at most 32 characters. */
  invoiceTitle: 'Оплата послуг водоканалу',
  /** The invoice's one price line. */
  invoiceLabel: 'Водопостачання і водовідведення',
  /** Telegram shows these when the payment is refused at the last step (answerPreCheckoutQuery). */
  precheckRefused: {
    'unknown-order': 'Це замовлення не знайдено. Почніть оплату знову: «Оплатити» в меню.',
    closed: 'Це замовлення вже оплачене або закрите. Щоб сплатити ще, почніть оплату знову.',
    mismatch: 'Сума не збігається із замовленням. Почніть оплату знову.',
    'not-linked': 'Рахунок більше не приєднаний до вашого профілю, тож оплатити його тут не можна.',
    unavailable: 'Не вдалося перевірити замовлення. Спробуйте за хвилину.',
  },
  checkoutDescription: (accountNumber: string) => `Оплата послуг водоканалу, рахунок № ${accountNumber}`,
  unavailable: 'Онлайн-оплата зараз недоступна. Спробуйте пізніше.',
  pendingInBilling: 'оплачено онлайн, очікує зарахування',
  reversedOnline: 'онлайн-оплату повернено',
  receipt: (p: { amountKop: number; accountNumber: string; paidAt: string; orderId: string; provider: string; providerPaymentId: string }, timeZone: string) =>
    [
      '✅ Оплату отримано.',
      `Сума: ${money(p.amountKop)}`,
      `Рахунок № ${p.accountNumber}`,
      `Дата і час: ${moment(p.paidAt, timeZone)}`,
      `Замовлення: ${p.orderId}`,
      `${providerPaymentLabel(p.provider)}: ${p.providerPaymentId}`,
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
