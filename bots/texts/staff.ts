import type { Channel, LetterCategory, LetterStatus, ReadingCorrection } from '../../models/models.ts';
import type { StaffAccountView } from '../../core/accounts/types.ts';
import { letters } from './letters.ts';
import { day, money, moment } from './format.ts';

// What the staff desk (the utility's Telegram group) reads, and the notices subscribers get about their letters
// and accounts. Plain text, no markup: names and letters are the subscribers' own words and need no escaping.

const channelNames: Record<Channel, string> = { telegram: 'Telegram', viber: 'Viber' };
const linkMethods: Record<string, string> = { payment: 'за оплатою', surname: 'за прізвищем', phone: 'за телефоном' };
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
const balance = (kop: number) => (kop > 0 ? `борг ${money(kop)}` : kop < 0 ? `переплата ${money(kop)}` : 'без боргу');

export interface CardAccount {
  number: string;
  address: string;
  balanceKop: number;
}

export interface LetterCard {
  number: number;
  category: LetterCategory;
  status: LetterStatus;
  channel: Channel;
  createdAt: string;
  subscriber: { name: string; phone: string | null } | null;
  accounts: CardAccount[];
  correction: ReadingCorrection | null;
  text: string;
  photos: number;
  closedBy: string | null;
}

const reminderOutcomes: Record<string, string> = {
  completed: 'усім, кому треба',
  unsettled: 'пройдено, частина чекає повторного надсилання',
  'quiet-hours': 'зупинено на тихі години',
  stopped: 'зупинено',
  error: 'помилка',
};

export const staff = {
  channel: (channel: Channel) => channelNames[channel],

  letterCard: (l: LetterCard, timeZone: string) =>
    [
      `📨 Лист №${l.number} · ${letters.categories[l.category]}`,
      `Від: ${l.subscriber ? l.subscriber.name || 'без імені' : 'абонент видалив свої дані'} · ${channelNames[l.channel]}`,
      ...(l.subscriber ? [`Телефон: ${l.subscriber.phone ? `+${l.subscriber.phone} (підтверджений)` : 'не підтверджений'}`] : []),
      ...(l.accounts.length === 0
        ? ['Рахунок: не вказано']
        : l.accounts.map((a) => `Рахунок № ${a.number} · ${a.address} · ${balance(a.balanceKop)}`)),
      ...(l.correction
        ? [`Лічильник ${l.correction.meterSerial}: останній показник ${l.correction.lastValue}, абонент просить ${l.correction.requestedValue}`]
        : []),
      `Отримано: ${moment(l.createdAt, timeZone)}${l.photos > 0 ? ` · фото: ${l.photos}` : ''}`,
      `Статус: ${letters.statuses[l.status]}${l.status === 'closed' && l.closedBy ? ` (${l.closedBy})` : ''}`,
      '',
      cut(l.text, 3000),
      '',
      l.status === 'closed'
        ? 'Лист закрито. Відповідь у відповідь на це повідомлення все одно дійде абонентові.'
        : 'Щоб відповісти, напишіть у відповідь на це повідомлення. /note ТЕКСТ — нотатка для своїх.',
    ].join('\n'),

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
  accountCard: (a: StaffAccountView) =>
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
    `За вашим листом №${number} показник лічильника ${serial} виправлено: ${value}.`,
  accountLinked: (accountNumber: string, address: string) =>
    `До вашого особового рахунку № ${accountNumber} (${address}) щойно приєднався ще один абонент. Якщо це не ви і не ваші близькі, напишіть нам, будь ласка, листа.`,
  myLettersButton: 'Мої листи',
};
