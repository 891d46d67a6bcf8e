import { fitText } from '../../core/text.ts';
import type { LetterCategory, LetterStatus } from '../../models/models.ts';
import { moment } from './format.ts';

// Writing a letter to the utility and reading one's letters with the staff's answers.

/** Telegram refuses messages over 4096 characters; Viber's limit is larger. Long letters are cut in previews. */
const PREVIEW_MAX = 3000;
/** A letter's history is cut to this (Telegram's 4,096 is the smaller limit of the two channels). */
export const LETTER_HISTORY_MAX = 4000;
/** Cut at a character boundary: never half an emoji (core/text.ts). */
const cut = (text: string, max: number) => fitText(text, max);

export const letters = {
  categories: {
    question: 'Запитання',
    'data-correction': 'Виправлення даних',
    'reading-correction': 'Виправлення показників',
    emergency: 'Аварія',
    'service-request': 'Заявка на послугу',
  } satisfies Record<LetterCategory, string>,
  statuses: {
    new: 'нове',
    answered: 'є відповідь',
    closed: 'закрите',
  } satisfies Record<LetterStatus, string>,

  chooseCategory: 'Про що ваш лист? Оберіть тему:',
  chooseAccount: 'Якого особового рахунку стосується лист?',
  accountButton: (number: string, address: string) => `№ ${number}, ${address}`,
  noAccountButton: 'Не стосується рахунку',
  askText: (max: number) => `Напишіть, будь ласка, ваш лист одним повідомленням (до ${max} символів).`,
  tooLong: (max: number, length: number) =>
    `Лист задовгий: ${length} символів, а можна до ${max}. Скоротіть його, будь ласка, і надішліть ще раз.`,
  empty: 'Лист не може бути порожнім. Напишіть, будь ласка, текст листа.',
  askPhotos: (max: number) =>
    `Можете додати фото (до ${max}), наприклад лічильника чи пошкодження. Надішліть фото або натисніть «Без фото».`,
  photoAdded: (count: number, max: number) => `Фото додано (${count} з ${max}). Надішліть ще або натисніть «Готово».`,
  photosLimit: (max: number) => `Додано максимум фото (${max}).`,
  photosExpected: 'Надішліть, будь ласка, фото або натисніть кнопку «Готово» чи «Без фото».',
  doneButton: 'Готово',
  noPhotosButton: 'Без фото',
  prefilled: (text: string) => `Ось лист, який ми підготували:\n\n${text}\n\nЯкщо хочете щось змінити, натисніть «Змінити» перед надсиланням.`,
  confirm: (l: { category: LetterCategory; accountNumber: string | null; text: string; photos: number }) =>
    [
      'Перевірте, будь ласка, ваш лист:',
      `Тема: ${letters.categories[l.category]}`,
      ...(l.accountNumber ? [`Рахунок: № ${l.accountNumber}`] : []),
      ...(l.photos > 0 ? [`Фото: ${l.photos}`] : []),
      '',
      cut(l.text, PREVIEW_MAX),
      '',
      'Надіслати?',
    ].join('\n'),
  sendButton: 'Так, надіслати',
  changeButton: 'Змінити',
  changeText: 'Добре, напишіть лист ще раз.',
  textFirst: 'Спочатку напишіть, будь ласка, текст листа (фото можна надіслати з підписом — тоді підпис стане текстом листа).',
  emergencyPhone: (phone: string) =>
    `Якщо аварія триває зараз (тече вода, затоплює приміщення), телефонуйте одразу в аварійну службу водоканалу: ${phone}. ` +
    'Лист теж можна надіслати — оберіть далі.',
  captionTooLong: (max: number, length: number) =>
    `Фото додано, але підпис не вмістився в лист: разом ${length} символів, а можна до ${max}.`,
  alreadyStored: (number: number) => `Ваш лист №${number} уже прийнято раніше, вдруге його не надіслано. Відповідь надійде сюди, у цей чат.`,
  stored: (number: number) =>
    `Ваш лист №${number} прийнято. Відповідь надійде сюди, у цей чат. Переглянути листи та відповіді можна в розділі «Мої листи».`,
  notLinked: 'Цього рахунку вже немає серед ваших. Почніть, будь ласка, лист знову.',

  none: 'У вас ще немає листів. Щоб написати, натисніть «Написати листа».',
  listHeader: 'Ваші листи (спочатку нові):',
  listItem: (
    l: {
      number: number;
      category: LetterCategory;
      status: LetterStatus;
      createdAt: string;
      text: string;
      lastAnswer: string | null;
      /** Core's answer to "has staff answered it?"; when false the list says so, in the words the history uses. */
      answered?: boolean;
    },
    timeZone: string,
  ) =>
    [
      `Лист №${l.number} від ${moment(l.createdAt, timeZone)} — ${letters.categories[l.category]}`,
      `Статус: ${letters.statuses[l.status]}`,
      `Ваш лист: ${cut(l.text, 150)}`,
      ...(l.lastAnswer !== null ? [`Відповідь: ${cut(l.lastAnswer, 400)}`] : []),
      ...(l.answered === false ? [letters.unanswered(l.status)] : []),
    ].join('\n'),
  openButton: (number: number) => `Відкрити лист №${number}`,
  letterHeader: (
    l: { number: number; category: LetterCategory; status: LetterStatus; accountNumber: string | null },
  ) =>
    [
      `Лист №${l.number} — ${letters.categories[l.category]}`,
      `Статус: ${letters.statuses[l.status]}`,
      ...(l.accountNumber ? [`Рахунок: № ${l.accountNumber}`] : []),
    ].join('\n'),
  message: (m: { author: 'subscriber' | 'staff'; text: string; createdAt: string; photos: number }, timeZone: string) =>
    [
      `${m.author === 'staff' ? 'Відповідь водоканалу' : 'Ви'}, ${moment(m.createdAt, timeZone)}:`,
      ...(m.text ? [m.text] : []),
      ...(m.photos > 0 ? [`(фото: ${m.photos})`] : []),
    ].join('\n'),
  noAnswerYet: 'Відповіді ще немає. Ми повідомимо, щойно вона буде.',
  closedWithoutAnswer: 'Лист закрито без письмової відповіді.',
  backToListButton: 'До моїх листів',
  toMenuButton: 'Головне меню',
  /** What a letter staff have not answered says, in the list and in its history alike. */
  unanswered: (status: LetterStatus): string => (status === 'closed' ? letters.closedWithoutAnswer : letters.noAnswerYet),
  notFound: 'Цього листа не знайдено.',
};
