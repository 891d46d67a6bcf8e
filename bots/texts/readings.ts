import { day, period, plural } from './format.ts';

// Submitting a meter reading: choosing the meter, the value, and every answer core can give, in plain words.

export interface ReadingMeterLine {
  serial: string;
  service: string;
  place: string;
  lastValue: number;
  lastValueDate: string | null;
  submittedToday?: boolean;
}

const m3 = (value: number) => `${value} м³`;
const decimal = (value: number) => String(value).replace('.', ',');
const lastKnown = (m: { lastValue: number; lastValueDate: string | null }) =>
  m.lastValueDate ? `${m3(m.lastValue)} на ${day(m.lastValueDate)}` : m3(m.lastValue);
const meterName = (m: { serial: string; service: string; place: string }) =>
  `${m.service}${m.place ? `, ${m.place}` : ''} (№ ${m.serial})`;

export const readings = {
  noAccounts: 'Щоб передати показники, спочатку додайте свій особовий рахунок. Натисніть «Додати рахунок».',
  addAccountButton: 'Додати рахунок',
  noMeters: 'За вашими рахунками не знайдено лічильників. Якщо лічильник є, напишіть нам, будь ласка, листа («Написати листа»).',
  chooseAccount: 'Оберіть особовий рахунок, за яким передаєте показники:',
  accountButton: (number: string, address: string) => `№ ${number}, ${address}`,
  chooseMeter: (accountNumber: string, meters: readonly ReadingMeterLine[]) =>
    [
      `Рахунок № ${accountNumber}. Оберіть лічильник:`,
      ...meters.map((m) => `• ${meterName(m)}: останній показник ${lastKnown(m)}${m.submittedToday ? ' (сьогодні вже передано)' : ''}`),
    ].join('\n'),
  meterButton: (m: { serial: string; service: string; place: string }) => `№ ${m.serial} — ${m.service}${m.place ? `, ${m.place}` : ''}`,
  askValue: (m: ReadingMeterLine) =>
    `Лічильник: ${meterName(m)}.\nОстанній показник: ${lastKnown(m)}.\n\n` +
    'Введіть, будь ласка, поточний показник — лише чорні цифри, цілі кубометри, без червоних цифр після коми (наприклад, 356).',
  invalidValue:
    'Показник — це ціле число кубометрів: лише чорні цифри з лічильника, без коми та червоних цифр (наприклад, 356). Введіть, будь ласка, ще раз.',
  confirmValue: (serial: string, value: string) => `Передати показник ${value} м³ для лічильника № ${serial}?`,
  sendButton: 'Так, надіслати',
  changeButton: 'Змінити',
  askAgain: 'Добре. Введіть, будь ласка, показник ще раз.',
  accepted: (r: { readingId: number; meterSerial: string; value: number; previousValue: number; consumption: number; period: string; localDate: string }) =>
    [
      `Дякуємо! Показник прийнято. Квитанція № ${r.readingId}.`,
      `Лічильник № ${r.meterSerial}`,
      `Показник: ${m3(r.value)} (попередній: ${m3(r.previousValue)})`,
      `Споживання: ${m3(r.consumption)}`,
      `Період: ${period(r.period)}`,
      `Дата передачі: ${day(r.localDate)}`,
    ].join('\n'),
  sameDay: (retryOn: string) =>
    `Показник цього лічильника сьогодні вже передано. Наступний можна передати ${day(retryOn)}.`,
  outsideWindow: (opensOn: string) =>
    `Зараз показники не приймаються. Передати їх можна буде з ${day(opensOn)}.`,
  verificationOverdue: (due: string) =>
    `Строк повірки цього лічильника минув ${day(due)}, тому показники за ним зараз не приймаються, а нарахування ведеться за нормами. ` +
    'Щоб замовити повірку, напишіть нам листа (тема «Заявка на послугу») або зверніться до абонентського відділу. Після повірки показники знову прийматимуться.',
  overCapacity: (maxValue: number) =>
    `На цьому лічильнику не може бути показника, більшого за ${maxValue} м³. Перевірте, будь ласка, чорні цифри і введіть показник ще раз.`,
  lower: (value: number, lastValue: number) =>
    `Показник ${m3(value)} менший за останній відомий — ${m3(lastValue)}. Такий показник не можна прийняти автоматично.\n\n` +
    'Якщо ви помилилися — введіть інше значення. Якщо показник правильний (наприклад, лічильник замінили), надішліть лист на виправлення — фахівці перевірять і внесуть показник.',
  correctionLetterButton: 'Надіслати лист на виправлення',
  retypeButton: 'Ввести інше значення',
  correctionLetterText: (serial: string, lastValue: number, value: number) =>
    `Прошу виправити показник лічильника № ${serial}: останній відомий показник ${m3(lastValue)}, а фактичний показник зараз ${m3(value)}.`,
  jump: (c: { value: number; consumption: number; days: number; perDay: number }) =>
    `Показник ${m3(c.value)} означає споживання ${m3(c.consumption)} за ${c.days} ${plural(c.days, ['день', 'дні', 'днів'])} ` +
    `(в середньому ${String(c.perDay).replace('.', ',')} м³ на добу) — значно більше, ніж зазвичай. Показник правильний?`,
  jumpYesButton: 'Так, показник правильний',
  chooseAnother: 'Оберіть, будь ласка, інший лічильник:',
  page: (page: number, pages: number) => `(сторінка ${page} з ${pages})`,
  correctionAsk:
    'Можете додати до листа коментар (наприклад, «лічильник замінили 10.11») і фото лічильника: надішліть їх сюди. ' +
    'Коли все готово, натисніть «Надіслати лист».',
  correctionSendButton: 'Надіслати лист',
  correctionAdded: (photos: number, max: number) =>
    `Додано${photos > 0 ? ` (фото: ${photos} з ${max})` : ''}. Надішліть ще або натисніть «Надіслати лист».`,
  correctionPhotosFull: (max: number) => `Додано максимум фото (${max}). Натисніть «Надіслати лист».`,
  correctionWithComment: (letter: string, comment: string) => `${letter}\n\nКоментар: ${comment}`,
  correctionTooLong: (max: number, length: number) =>
    `Коментар задовгий: лист вийшов би на ${length} символів, а можна до ${max}. Напишіть, будь ласка, коротше.`,
  typedNumberHint: 'Натисніть, будь ласка, одну з кнопок або введіть інший показник числом.',
  notLinked: 'Цей лічильник уже не належить до ваших рахунків. Відкрийте, будь ласка, «Мої рахунки».',
  letterFailed: 'Не вдалося надіслати лист: цей лічильник уже не належить до ваших рахунків.',

  leak: (l: { perDay: number; usualPerDay: number }) =>
    [
      `⚠️ Увага: це в середньому ${decimal(l.perDay)} м³ на добу — набагато більше, ніж зазвичай за цим лічильником ` +
        `(близько ${decimal(l.usualPerDay)} м³ на добу). Можливо, десь тече вода. Перевірте, будь ласка:`,
      '• бачок унітаза: чи не тече вода в чашу, коли ніхто не змивав (кілька крапель барвника в бачок — якщо за 15 хвилин колір видно в чаші, бачок протікає);',
      '• крани і змішувачі: чи не капає з них;',
      '• «зірочку» на циферблаті лічильника: закрийте всі крани — якщо вона все одно крутиться, вода десь витікає.',
      'Якщо витоку не знайшли або потрібна допомога, напишіть нам листа.',
    ].join('\n'),
  leakLetterButton: 'Написати лист про можливий витік',
  leakLetterText: (r: { meterSerial: string; value: number; localDate: string; leak: { perDay: number; usualPerDay: number } }) =>
    `Передав(ла) показник ${m3(r.value)} лічильника № ${r.meterSerial} (${day(r.localDate)}): споживання вийшло ${decimal(r.leak.perDay)} м³ на добу, ` +
    `а зазвичай близько ${decimal(r.leak.usualPerDay)} м³ на добу. Прошу перевірити лічильник і допомогти знайти можливий витік.`,

  photoOffer: '📷 Можете додати фото лічильника з цим показником — просто надішліть його сюди.',
  photoOfferHint: 'Надішліть, будь ласка, фото лічильника або оберіть пункт меню.',
  photoAdded: (readingId: number) => `Фото лічильника додано до показника (квитанція № ${readingId}). Дякуємо!`,
  photoAlreadyAdded: (readingId: number) => `До показника за квитанцією № ${readingId} фото вже додано.`,
  photoTooBig: (maxBytes: number) =>
    `Фото завелике: можна до ${decimal(Math.floor(maxBytes / 104_857.6) / 10)} МБ. Надішліть, будь ласка, менше фото (наприклад, як звичайне фото, а не файлом).`,
  photoUnreadable: 'Не вдалося отримати це фото. Надішліть, будь ласка, фото лічильника ще раз — як фото, не файлом.',
  photoRequired:
    'Такий великий показник приймаємо лише з фото лічильника, на якому добре видно цифри. Надішліть, будь ласка, фото сюди — ' +
    'показник буде прийнято разом із ним.',
  photoNotAvailable: 'Фото зараз не вдається прийняти. Спробуйте, будь ласка, пізніше.',
};
