import type { Channel, LetterCategory, LetterStatus, ReadingCorrection } from '../../models/models.ts';
import type { StaffAccountView } from '../../core/accounts/types.ts';
import { fitText } from '../../core/text.ts';
import { letters } from './letters.ts';
import { day, money, moment } from './format.ts';
import { providerNames } from './payments.ts';

// What the staff desk (the utility's Telegram group) reads, and the notices subscribers get about their letters
// and accounts. Plain text, no markup: names and letters are the subscribers' own words and need no escaping.

const channelNames: Record<Channel, string> = { telegram: 'Telegram', viber: 'Viber' };
const linkMethods: Record<string, string> = {
  payment: 'за оплатою',
  surname: 'за прізвищем',
  phone: 'за телефоном',
  'channel-link': 'з іншого месенджера',
};
/** Shortened at a grapheme boundary: an emoji, a flag or a letter with its accent is never cut in half. */
const cut = (text: string, max: number) => fitText(text, max);
const balance = (kop: number) => (kop > 0 ? `борг ${money(kop)}` : kop < 0 ? `переплата ${money(kop)}` : 'без боргу');

export interface CardAccount {
  number: string;
  address: string;
  balanceKop: number;
}

/** What the head of a letter's card in the staff group says (the letter's text goes below it, whole). */
export interface LetterCardHead {
  number: number;
  category: LetterCategory;
  status: LetterStatus;
  channel: Channel;
  createdAt: string;
  subscriber: { name: string; phone: string | null } | null;
  /** The accounts shown; `moreAccounts` more are not (a card must fit in one Telegram message). */
  accounts: CardAccount[];
  moreAccounts: number;
  correction: ReadingCorrection | null;
  photos: number;
  closedBy: string | null;
  /** How the last staff answer's delivery went, once it has been tried. */
  lastDelivery: { outcome: 'delivered' | 'blocked' | 'not-subscribed' | 'refused'; at: string } | null;
}

const deliveryLines: Record<NonNullable<LetterCardHead['lastDelivery']>['outcome'], string> = {
  delivered: 'доставлено абонентові',
  blocked: 'не доставлено, бот заблокований абонентом',
  'not-subscribed': 'не доставлено, абонент відписався',
  refused: 'не доставлено, месенджер не прийняв повідомлення',
};

const reminderOutcomes: Record<string, string> = {
  completed: 'усім, кому треба',
  unsettled: 'пройдено, частина чекає повторного надсилання',
  'quiet-hours': 'зупинено на тихі години',
  stopped: 'зупинено',
  error: 'помилка',
};

const pluralRules = new Intl.PluralRules('uk');
const plural = (count: number, one: string, few: string, many: string) => {
  const form = pluralRules.select(count);
  return form === 'one' ? one : form === 'few' ? few : many;
};
const accountsWord = (count: number) => plural(count, 'рахунок', 'рахунки', 'рахунків');

export const staff = {
  channel: (channel: Channel) => channelNames[channel],

  /** An emergency («Аварія») letter is marked so staff see it first, in the group's list and in the topic. */
  urgentMarker: '🚨 ТЕРМІНОВО',

  letterCardHead: (l: LetterCardHead, timeZone: string) =>
    [
      `${l.category === 'emergency' ? '🚨 ТЕРМІНОВО · ' : '📨 '}Лист №${l.number} · ${letters.categories[l.category]}`,
      `Від: ${l.subscriber ? cut(l.subscriber.name, 100) || 'без імені' : 'абонент видалив свої дані'} · ${channelNames[l.channel]}`,
      ...(l.subscriber ? [`Телефон: ${l.subscriber.phone ? `+${l.subscriber.phone} (підтверджений)` : 'не підтверджений'}`] : []),
      ...(l.accounts.length === 0
        ? ['Рахунок: не вказано']
        : l.accounts.map((a) => cut(`Рахунок № ${a.number} · ${a.address} · ${balance(a.balanceKop)}`, 160))),
      ...(l.moreAccounts > 0 ? [`…і ще ${l.moreAccounts} ${accountsWord(l.moreAccounts)} (/account НОМЕР — картка рахунку)`] : []),
      ...(l.correction
        ? [cut(`Лічильник ${l.correction.meterSerial}: останній показник ${l.correction.lastValue}, абонент просить ${l.correction.requestedValue}`, 200)]
        : []),
      `Отримано: ${moment(l.createdAt, timeZone)}${l.photos > 0 ? ` · фото: ${l.photos}` : ''}`,
      `Статус: ${letters.statuses[l.status]}${l.status === 'closed' && l.closedBy ? ` (${cut(l.closedBy, 60)})` : ''}`,
      ...(l.lastDelivery ? [`Остання відповідь: ${deliveryLines[l.lastDelivery.outcome]}, ${moment(l.lastDelivery.at, timeZone)}`] : []),
    ].join('\n'),

  letterCardFooter: (status: LetterStatus) =>
    status === 'closed'
      ? 'Лист закрито. Відповідь у відповідь на це повідомлення все одно дійде абонентові.'
      : 'Щоб відповісти, напишіть у відповідь на це повідомлення. /note ТЕКСТ — нотатка для своїх.',

  /** Under the first piece of a letter too long for one message. */
  letterContinues: (parts: number) => `(далі — ще ${parts} ${plural(parts, 'повідомлення', 'повідомлення', 'повідомлень')} з текстом листа)`,
  /** Heads each further piece of a long letter's text. */
  letterContinuation: (number: number, part: number, total: number) => `📨 Лист №${number}, продовження (${part}/${total}):`,

  /** Posted instead of a card Telegram refused, so the letter is never silently missing from the group. */
  cardRefused: (number: number, reason: string) =>
    `⚠️ Лист №${number} не вдалося показати тут: Telegram відмовив (${cut(reason, 200)}). Повний лист: /letter ${number}. Відповідайте у відповідь на це повідомлення.`,
  partRefused: (number: number, part: number) =>
    `⚠️ Частину ${part} листа №${number} не вдалося показати тут. Повний лист: /letter ${number}.`,

  subscriberCard: (s: { name: string; channel: Channel; phone: string | null; accounts: CardAccount[] }) =>
    [
      `👤 ${s.name || 'Абонент без імені'} · ${channelNames[s.channel]}`,
      `Телефон: ${s.phone ? `+${s.phone} (підтверджений)` : 'не підтверджений'}`,
      ...(s.accounts.length === 0 ? ['Приєднаних рахунків немає'] : s.accounts.map((a) => `Рахунок № ${a.number} · ${a.address}`)),
      '',
      'Усі листи цього абонента — у цій темі. Повідомлення тут (крім команд) надсилаються йому як відповідь на останній лист.',
    ].join('\n'),

  topicTitle: (name: string, accountNumbers: readonly string[]) => {
    const title = [name.trim() || 'Абонент', ...(accountNumbers.length ? [accountNumbers.join(', ')] : [])].join(' · ');
    return cut(title, 120);
  },

  photoUnavailable: (letterNumber: number, index: number) => `📷 Фото ${index + 1} до листа №${letterNumber} не вдалося показати.`,

  closeButton: 'Закрити',
  correctButton: 'Виправити показник',

  closed: (number: number) => `Лист №${number} закрито.`,
  alreadyClosed: 'Цей лист уже закрито.',
  letterNotFound: 'Такого листа немає.',
  correctionApplied: (serial: string, value: number) => `Показник ${serial}: ${value} внесено, лист закрито.`,
  correctionAlreadyApplied: 'Цей показник уже внесено.',
  correctionRefused: {
    'not-a-correction': 'Цей лист не про виправлення показника.',
    'not-found': 'Такого листа немає.',
    'meter-gone': 'Лічильника вже немає в базі.',
    'invalid-value': 'Неприпустиме значення показника.',
  } as const,
  correctionOverCapacity: (maxValue: number) => `Показник більший за розрядність лічильника (максимум ${maxValue}).`,

  delivered: '✅ Доставлено абонентові.',
  notDelivered: {
    blocked: '⚠️ Не доставлено: абонент заблокував бота.',
    'not-subscribed': '⚠️ Не доставлено: абонент відписався від бота.',
    refused: '⚠️ Не доставлено: месенджер абонента не прийняв це повідомлення (наприклад, задовге). Скоротіть відповідь і надішліть ще раз.',
  } as const,
  photosNotDelivered: (count: number, channel: Channel) =>
    `📷 ${count === 1 ? 'Фото' : `Фото (${count})`} не вдалося передати у ${channelNames[channel]}: абонент отримав лише текст.`,
  answerRefused: {
    empty: 'Порожню відповідь не надіслано.',
    'too-long': (max: number) => `Відповідь задовга (можна до ${max} символів) і не надіслана.`,
    'too-many-attachments': (max: number) => `Забагато фото (можна до ${max}); відповідь не надіслана.`,
    'not-found': 'Лист не знайдено; відповідь не надіслана.',
    'subscriber-gone': 'Абонент видалив свої дані; відповідь нікому надіслати.',
  },
  noteSaved: (number: number) => `📝 Нотатку додано до листа №${number}. Абонент її не бачить.`,
  noteUsage: 'Нотатка: /note ТЕКСТ у темі абонента або у відповідь на повідомлення листа.',
  noteNoLetter: 'Не зрозуміло, до якого листа нотатка: напишіть її в темі абонента або у відповідь на повідомлення листа.',

  securityAlert: (p: { failures: number; sinceIso: string }, timeZone: string) =>
    `🚨 Підозріла активність: ${p.failures} невдалих спроб підтвердити рахунок з ${moment(p.sinceIso, timeZone)}. Можливий перебір номерів рахунків.`,

  accountUsage: 'Формат: /account НОМЕР_РАХУНКУ',
  accountNotFound: (number: string) => `Рахунок «${cut(number, 30)}» не знайдено.`,
  onlinePayment: (p: StaffAccountView['onlinePayments'][number], timeZone: string) =>
    `• ${moment(p.paidAt, timeZone)}, ${money(p.amountKop)}, ${providerNames[p.provider] ?? p.provider} № ${p.providerPaymentId}, замовлення ${p.orderId} — ` +
    (p.reversedAt ? `повернено ${moment(p.reversedAt, timeZone)}` : p.billingPaidOn ? `зараховано білінгом ${day(p.billingPaidOn)}` : 'очікує зарахування'),
  accountCard: (a: StaffAccountView, timeZone: string) =>
    [
      `🏠 Рахунок № ${a.number}`,
      `Власник: ${a.holder}`,
      `Адреса: ${a.address}`,
      `Баланс: ${balance(a.balanceKop)}`,
      `Телефон у білінгу: ${a.phoneMasked ?? 'немає'}`,
      '',
      a.meters.length === 0 ? 'Лічильників немає.' : 'Лічильники:',
      ...a.meters.map(
        (m) =>
          `• ${m.serial} (${m.service}${m.place ? `, ${m.place}` : ''}): останній показник ${m.lastValue}${m.lastValueDate ? ` від ${day(m.lastValueDate)}` : ''}${m.verificationDue ? `, повірка до ${day(m.verificationDue)}` : ''}`,
      ),
      '',
      a.linkedSubscribers.length === 0 ? 'У ботах рахунок ніхто не приєднав.' : 'Приєднали в ботах:',
      ...a.linkedSubscribers.map(
        (s) => `• ${s.name || 'без імені'} · ${channelNames[s.channel]} · ${s.phoneMasked ?? 'телефон не підтверджено'} · ${linkMethods[s.linkedVia] ?? s.linkedVia}`,
      ),
      ...(a.onlinePayments.length > 0 ? ['', 'Оплати онлайн:', ...a.onlinePayments.map((p) => staff.onlinePayment(p, timeZone))] : []),
    ].join('\n'),

  meterPhotoCaption: (p: { meterSerial: string; value: number; localDate: string; readingId: number }) =>
    `📷 Лічильник № ${p.meterSerial}: показник ${p.value} м³ від ${day(p.localDate)} (квитанція № ${p.readingId})`,

  help: [
    'Працівникам у цій групі:',
    '• Відповідь абонентові — напишіть у темі абонента або у відповідь на повідомлення листа.',
    '• Кнопки під листом: «Закрити», «Виправити показник» (для листів про показники).',
    '/note ТЕКСТ — нотатка до листа для своїх (абонент її не бачить)',
    '/letters — відкриті листи, спочатку найстаріші',
    '/letter НОМЕР — лист з усією історією',
    '/account НОМЕР — картка особового рахунку',
    '/reminders — останнє розсилання нагадувань',
    '/outage — оголосити відключення води (коротка форма, перед надсиланням видно, скільки абонентів отримають)',
    '/outages — активні відключення; кнопки під кожним: змінити час завершення, «Воду відновлено»',
    '/cancel — скасувати свою форму відключення',
    '/help — ця довідка',
    '',
    '🚨 ТЕРМІНОВО — лист про аварію: його картку закріплено, відповідайте першим.',
  ].join('\n'),

  noReminderRuns: 'Нагадування ще не надсилалися.',
  reminderRun: (
    r: { slot: string; period: string; startedAt: string; finishedAt: string | null; outcome: string | null; due: number; sent: number; failed: number; blocked: number; skipped: number; alreadyDone: number },
    timeZone: string,
  ) =>
    [
      `Останнє розсилання нагадувань (${r.slot}, за ${r.period.slice(0, 7)}):`,
      `почато ${moment(r.startedAt, timeZone)}, ${r.finishedAt ? `завершено ${moment(r.finishedAt, timeZone)}` : 'ще триває або перервано'}${r.outcome ? ` (${reminderOutcomes[r.outcome] ?? r.outcome})` : ''}`,
      `Мали отримати: ${r.due}. Надіслано: ${r.sent}. Не вдалося: ${r.failed}. Заблокували бота: ${r.blocked}. Пропущено: ${r.skipped}. Уже нагадано раніше: ${r.alreadyDone}.`,
    ].join('\n'),

  lettersUsage: 'Формат: /letter НОМЕР',
  noOpenLetters: 'Відкритих листів немає.',
  openLettersHeader: (count: number) => `Відкриті листи (${count}), спочатку найстаріші:`,
  openLetterLine: (
    l: { number: number; category: LetterCategory; status: LetterStatus; channel: Channel; accountNumber: string | null; createdAt: string; text: string },
    timeZone: string,
  ) =>
    `№${l.number} · ${moment(l.createdAt, timeZone)} · ${letters.categories[l.category]} · ${letters.statuses[l.status]} · ${channelNames[l.channel]}${l.accountNumber ? ` · рах. ${l.accountNumber}` : ''}\n   ${cut(l.text.replace(/\s+/g, ' '), 80)}`,
  historyHeader: 'Історія:',
  historyLine: (m: { author: 'subscriber' | 'staff' | 'note'; staffName: string | null; text: string; createdAt: string; photos: number }, timeZone: string) =>
    [
      `— ${m.author === 'subscriber' ? 'Абонент' : m.author === 'staff' ? `Відповідь (${m.staffName ?? 'працівник'})` : `Нотатка (${m.staffName ?? 'працівник'})`}, ${moment(m.createdAt, timeZone)}:`,
      ...(m.text ? [m.text] : []),
      ...(m.photos > 0 ? [`(фото: ${m.photos})`] : []),
    ].join('\n'),
};

/** Notices a subscriber gets on their own channel: answers to letters, closings, corrections, new links. */
export const notices = {
  answer: (number: number, text: string) => [`Відповідь на ваш лист №${number}:`, '', text || '(фото)'].join('\n'),
  letterClosed: (number: number) =>
    `Ваш лист №${number} закрито. Дякуємо за звернення! Якщо питання залишилося, напишіть, будь ласка, новий лист.`,
  readingCorrected: (number: number, serial: string, value: number) =>
    `За вашим листом №${number} показник лічильника ${serial} виправлено: ${value} м³.`,
  accountLinked: (accountNumber: string, address: string) =>
    `До вашого особового рахунку № ${accountNumber} (${address}) щойно приєднався ще один абонент. Якщо це не ви і не ваші близькі, напишіть нам, будь ласка, листа.`,
  myLettersButton: 'Мої листи',
};
