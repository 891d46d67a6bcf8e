import { count, moment, plural } from './format.ts';

// Linking a personal account: the number, a proof that it is one's own, and every refusal explained.

export const linking = {
  offersFound: (count: number) =>
    count === 1
      ? 'За вашим номером телефону знайдено особовий рахунок. Натисніть на нього, щоб додати:'
      : 'За вашим номером телефону знайдено особові рахунки. Натисніть на потрібний, щоб додати:',
  offerButton: (number: string, address: string) => `№ ${number}, ${address}`,
  otherAccountButton: 'Додати інший рахунок',
  askNumber: 'Введіть, будь ласка, номер особового рахунку. Його надруковано у квитанції (наприклад, 100234).',
  invalidNumber: 'Номер рахунку — це цифри з квитанції (до 20 знаків). Перевірте, будь ласка, і введіть ще раз.',
  chooseProof: (number: string) =>
    `Рахунок № ${number}. Щоб переконатися, що він ваш, оберіть, як підтвердите:`,
  proofPaymentButton: 'Сума останнього платежу',
  proofSurnameButton: 'Перші три літери прізвища',
  askPayment: 'Введіть суму вашого останнього платежу за цим рахунком, наприклад: 250,50',
  askSurname: 'Введіть перші три літери прізвища власника рахунку, наприклад: Шев',
  invalidAnswer: {
    payment: 'Суму потрібно ввести числом у гривнях, наприклад: 250,50 або 250. Спробуйте ще раз.',
    surname: 'Потрібно щонайменше три літери прізвища, наприклад: Шев. Спробуйте ще раз.',
  },
  linked: (number: string, address: string) => `Готово! Рахунок № ${number} додано.\nАдреса: ${address}`,
  alreadyLinked: (number: string, address: string) => `Рахунок № ${number} (${address}) уже є серед ваших рахунків.`,
  /** Either way the account is the subscriber's now: by proof, by phone, or from before. */
  linkedOutcome: (o: { kind: 'linked' | 'already-linked'; account: { number: string; address: string } }) =>
    o.kind === 'linked' ? linking.linked(o.account.number, o.account.address) : linking.alreadyLinked(o.account.number, o.account.address),
  mismatch: (number: string, attemptsLeft: number) =>
    `Дані не збігаються з даними рахунку № ${number}. ` +
    (attemptsLeft > 0
      ? `Залишилось ${attemptsLeft} ${plural(attemptsLeft, ['спроба', 'спроби', 'спроб'])}. Перевірте номер рахунку і спробуйте ще раз.`
      : 'Спроби на сьогодні вичерпано.'),
  tryAgainButton: 'Спробувати ще раз',
  locked: (untilIso: string, timeZone: string) =>
    `Забагато невдалих спроб. Додати цей рахунок можна буде після ${moment(untilIso, timeZone)} (за київським часом). Якщо рахунок ваш, напишіть нам листа — допоможемо.`,
  offerGone: 'Цей рахунок уже не пропонується для швидкого додавання. Додайте його, будь ласка, за номером.',

  // The flows shared by every channel.
  /** Offers by the verified phone, a page at a time. */
  offersPage: (total: number, from: number, to: number) =>
    (total === 1
      ? 'За вашим номером телефону знайдено особовий рахунок. Натисніть на нього, щоб додати:'
      : `За вашим номером телефону знайдено ${count(total, ['особовий рахунок', 'особові рахунки', 'особових рахунків'])}. Натисніть на потрібний, щоб додати:`) +
    (total > to - from ? `\n(показано ${from + 1}–${to})` : ''),
  moreOffersButton: 'Ще…',
  otherAccountShort: 'Інший рахунок',
  doneButton: 'Готово',
  /** A failed proof with attempts left: the number again (a typo in it is the likeliest reason). */
  mismatchRetry: (number: string, attemptsLeft: number) =>
    `Дані не збігаються з даними рахунку № ${number}. ${plural(attemptsLeft, ['Залишилася', 'Залишилося', 'Залишилося'])} ${count(attemptsLeft, ['спроба', 'спроби', 'спроб'])}. Перевірте номер рахунку і введіть його ще раз.`,
  mismatchFinal: (number: string) => `Дані не збігаються з даними рахунку № ${number}.`,
  /** Which lock fired, and when it ends (the wall clock of the utility). */
  lockedPair: (number: string, untilIso: string, timeZone: string) =>
    `Забагато невдалих спроб із рахунком № ${number}. Спробувати додати його знову можна після ${moment(untilIso, timeZone)} (за київським часом).`,
  lockedSubscriber: (untilIso: string, timeZone: string) =>
    `Забагато невдалих спроб із різними номерами рахунків. Додавати нові рахунки за номером можна буде після ${moment(untilIso, timeZone)} (за київським часом).`,
  lockedAccount: (number: string, untilIso: string, timeZone: string) =>
    `Додавання рахунку № ${number} у кабінеті тимчасово призупинено через невдалі спроби. Спробуйте після ${moment(untilIso, timeZone)} (за київським часом).`,
  lockedHelp: 'Якщо рахунок ваш, напишіть нам листа — допоможемо.',

  // One identity across channels.
  channelNames: { telegram: 'Telegram', viber: 'Viber' } as Record<'telegram' | 'viber', string>,
  connectButton: (channel: string) => `Підключити ${channel}`,
  connectLink: (channel: string, link: string, minutes: number) =>
    `Щоб підключити ${channel} до цього кабінету, відкрийте на телефоні з ${channel} це посилання:\n${link}\n\nВоно діє ${count(minutes, ['хвилину', 'хвилини', 'хвилин'])} і лише один раз. Нікому його не пересилайте: хто відкриє його, побачить ваші рахунки.`,
  connectNoAccounts: 'Спочатку додайте рахунок тут — тоді його можна буде перенести в інший месенджер одним натисканням.',
  channelOffer: (channel: string, accounts: readonly { number: string; address: string }[]) =>
    `Це посилання з вашого кабінету в ${channel}. Додати сюди ${accounts.length === 1 ? 'ваш рахунок' : 'ваші рахунки'}?\n` +
    accounts.map((a) => `• № ${a.number}, ${a.address}`).join('\n'),
  channelOfferEmpty: (channel: string) => `Це посилання з вашого кабінету в ${channel}, але там зараз немає рахунків. Додайте рахунок за номером.`,
  channelLinkButton: 'Так, додати',
  channelLinkNo: 'Ні',
  channelLinked: (channel: string, numbers: readonly string[]) =>
    `Готово! ${numbers.length === 1 ? `Рахунок № ${numbers[0]} додано` : `Рахунки № ${numbers.join(', ')} додано`} з кабінету в ${channel}. Листи й відповіді залишаються в тому месенджері, де їх написано.`,
  channelLinkDeclined: 'Добре, нічого не додано.',
  codeUnknown: 'Це посилання не діє. Створіть, будь ласка, нове в «Налаштуваннях» іншого месенджера.',
  codeExpired: 'Строк дії цього посилання минув. Створіть, будь ласка, нове в «Налаштуваннях» іншого месенджера.',
  codeUsed: 'Це посилання вже використано. Якщо це були не ви, напишіть нам листа.',
  codeSameChannel: 'Це посилання треба відкрити в іншому месенджері, не тут.',
};
