import { moment, plural } from './format.ts';

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
};
