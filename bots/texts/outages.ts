// Outages of water supply by address (issue 15). Two helpers share this file: `outageNotices` (the notices sent
// to subscribers, and the words for an outage's parts both sides use) is outages-core's; the menu, account-view
// and staff texts go into their own exported objects below it (outages-chat's), so neither edits the other's.
import { formatHouseList } from '../../core/addresses/houses.ts';
import type { OutageTarget } from '../../core/addresses/targets.ts';
import type { AffectedAccount, OutageAffect, OutageChangeKind, OutageDraft, OutageKind, OutageReach, OutageView } from '../../core/outages/types.ts';
import { count, moment } from './format.ts';

const AFFECT_WORDS: Record<OutageAffect, string> = {
  'cold-water': 'холодне водопостачання',
  sewage: 'водовідведення (каналізація)',
  pressure: 'знижений тиск води',
};

const KIND_WORDS: Record<OutageKind, string> = { planned: 'Планові роботи', emergency: 'Аварійне відключення' };

/** «Соборна: 1-25, 30; Садова (вся вулиця)». */
export function targetsText(targets: readonly OutageTarget[]): string {
  return targets.map((t) => (t.houses === null ? `${t.street} (вся вулиця)` : `${t.street}: ${formatHouseList(t.houses)}`)).join('; ');
}

export function affectsText(affects: readonly OutageAffect[]): string {
  return affects.map((a) => AFFECT_WORDS[a]).join(', ');
}

/** «з 06.12.2026 о 09:00 до 06.12.2026 о 17:00», or «з … (час завершення уточнюється)». */
export function periodText(outage: Pick<OutageView, 'startsAt' | 'endsAt'>, timeZone: string): string {
  const from = `з ${moment(outage.startsAt, timeZone)}`;
  return outage.endsAt === null ? `${from} (час завершення уточнюється)` : `${from} до ${moment(outage.endsAt, timeZone)}`;
}

const accountLines = (accounts: readonly AffectedAccount[]) =>
  accounts.length === 1
    ? [`Особовий рахунок ${accounts[0]!.number}, ${accounts[0]!.address}.`]
    : ['Ваші особові рахунки за цими адресами:', ...accounts.map((a) => `• ${a.number}, ${a.address}`)];

export interface OutageNoticeInput {
  change: OutageChangeKind;
  outage: OutageView;
  accounts: readonly AffectedAccount[];
  timeZone: string;
}

// «воду відключено» only when the water is off: sewage works or a pressure drop leave it running.
const HEADINGS: Record<OutageChangeKind, (kind: OutageKind, waterOff: boolean) => string> = {
  before: (_kind, waterOff) => (waterOff ? 'Завтра планові роботи: буде відключено воду.' : 'Завтра планові роботи.'),
  start: (kind, waterOff) =>
    kind === 'emergency'
      ? waterOff ? 'Аварія: відключено воду.' : 'Аварія на мережі.'
      : waterOff ? 'Розпочато планові роботи: воду відключено.' : 'Розпочато планові роботи.',
  update: (kind, waterOff) => (waterOff ? 'Змінено час відключення води.' : kind === 'emergency' ? 'Змінено час завершення аварійних робіт.' : 'Змінено час планових робіт.'),
  restored: (kind, waterOff) => (waterOff ? 'Воду відновлено.' : kind === 'emergency' ? 'Аварійні роботи завершено.' : 'Планові роботи завершено.'),
};

export const outageNotices = {
  kind: (kind: OutageKind) => KIND_WORDS[kind],
  notice: (input: OutageNoticeInput): string => {
    const { outage, change } = input;
    const lines = [HEADINGS[change](outage.kind, outage.affects.includes('cold-water')), ''];
    if (change === 'restored') {
      lines.push(`${KIND_WORDS[outage.kind]} за адресою: ${targetsText(outage.targets)} завершено.`);
    } else {
      lines.push(`${KIND_WORDS[outage.kind]}: ${affectsText(outage.affects)}.`);
      lines.push(`Адреси: ${targetsText(outage.targets)}.`);
      lines.push(`Час: ${periodText(outage, input.timeZone)}.`);
      if (outage.text !== '') lines.push('', outage.text);
    }
    lines.push('', ...accountLines(input.accounts));
    if (change !== 'restored' && outage.kind === 'planned') lines.push('', 'Вимкнути сповіщення про планові роботи можна в налаштуваннях.');
    return lines.join('\n');
  },
};

// outages-chat's: the staff group's form and cards, and what subscribers see outside the notices.

const kindNames: Record<OutageKind, string> = { planned: 'планове', emergency: 'аварійне' };
/** Short words for the form's tick buttons. */
const affectButtons: Record<OutageAffect, string> = { 'cold-water': 'Холодна вода', sewage: 'Водовідведення', pressure: 'Знижений тиск' };
type OutageTextView = Pick<OutageView, 'id' | 'kind' | 'startsAt' | 'endsAt' | 'affects' | 'text'>;
const capital = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}`;

/** The staff group's form (/outage), the outage's card, /outages. */
export const outageDesk = {
  askTargets:
    '🚱 Нове відключення, крок 1 з 5.\n\nВулиці й будинки: будинки через кому (можна діапазони), вулиці через крапку з комою; ' +
    'вулиця без номерів — уся вулиця.\nНаприклад: Соборна 1-25, 30; Садова\n\n«Скасувати» — вийти з форми.',
  targetsHint: 'Напишіть вулиці й будинки текстом, наприклад: Соборна 1-25, 30; Садова',
  targetsRefused: (problems: readonly string[]) => `Не вдалося прочитати адреси:\n${problems.map((p) => `• ${p}`).join('\n')}\n\nНапишіть ще раз, наприклад: Соборна 1-25, 30; Садова`,
  targetProblem: {
    empty: 'адрес немає',
    noStreet: (part: string) => `«${part}» — немає назви вулиці`,
    badHouses: (street: string, houses: string) => `${street}: «${houses}» — не номери будинків (приклад: 1-25, 30, 12а)`,
    repeatedStreet: (street: string) => `вулиця ${street} названа двічі: об’єднайте її будинки в одному місці`,
  },
  askKind: 'Крок 2 з 5. Яке відключення?',
  kindButtons: { planned: 'Планове', emergency: 'Аварійне' } as Record<OutageKind, string>,
  askPeriod:
    'Крок 3 з 5. З якого й до якого часу (за київським часом)?\nНаприклад: 09:00-18:00 (сьогодні), 06.12 09:00 - 06.12 18:00, 22:00-06:00 (до ранку).',
  periodHint: 'Напишіть час текстом, наприклад: 09:00-18:00 або 06.12 09:00 - 06.12 18:00',
  periodRefused: {
    unreadable: 'Не зрозумів час. Напишіть початок і кінець через тире, наприклад: 09:00-18:00 або 06.12 09:00 - 06.12 18:00',
    'end-before-start': 'Кінець раніше за початок. Напишіть ще раз, наприклад: 09:00-18:00',
    'already-over': 'Цей час уже минув. Напишіть період, що ще не закінчився.',
  },
  askAffects: 'Крок 4 з 5. Що буде відсутнє? Позначте одне чи кілька й натисніть «Далі».',
  affectButton: (affect: OutageAffect, on: boolean) => `${on ? '✅' : '▫️'} ${affectButtons[affect]}`,
  nextButton: 'Далі',
  affectsNone: 'Позначте хоча б одне: холодна вода, водовідведення чи знижений тиск.',
  askText: (max: number) => `Крок 5 з 5. Текст для абонентів (до ${max} символів): причина, що робити, куди звертатися.`,
  textHint: 'Напишіть текст для абонентів повідомленням.',
  textTooLong: (max: number, length: number) => `Текст задовгий: ${length} символів, можна до ${max}. Скоротіть, будь ласка.`,
  textEmpty: 'Текст порожній. Напишіть кілька слів для абонентів.',
  preview: (draft: OutageDraft, reach: OutageReach, tz: string) =>
    [
      `Перевірте відключення (${kindNames[draft.kind]}):`,
      `Адреси: ${targetsText(draft.targets)}`,
      `Час: ${periodText(draft, tz)}`,
      `Відсутні: ${affectsText(draft.affects)}`,
      `Текст: ${draft.text}`,
      '',
      `Особових рахунків за цими адресами: ${reach.accounts}.`,
      reach.subscribers.total === 0
        ? 'Абонентів у месенджерах за цими адресами немає — сповіщень не буде.'
        : `Отримають: ${count(reach.subscribers.total, ['абонент', 'абоненти', 'абонентів'])} (Telegram ${reach.subscribers.telegram}, Viber ${reach.subscribers.viber}).`,
      ...(reach.billableViber > 0 ? [`Платних повідомлень Viber (абоненти, що не писали понад добу): ${reach.billableViber}.`] : []),
      ...(reach.optedOut > 0 ? [`Вимкнули сповіщення про планові роботи: ${reach.optedOut} (їм не надсилаємо).`] : []),
      ...(reach.streetsNotFound.length > 0 ? [`⚠️ Немає жодного рахунку на вулицях: ${reach.streetsNotFound.join(', ')}. Перевірте назви.`] : []),
      draft.kind === 'planned' ? 'Планове: сповіщення напередодні ввечері та на початку робіт.' : 'Аварійне: сповіщення піде одразу.',
    ].join('\n'),
  sendButton: 'Надіслати',
  cancelButton: 'Скасувати',
  announced: (id: number) => `✅ Відключення №${id} оголошено. Сповіщення йдуть абонентам.`,
  alreadyAnnounced: (id: number) => `Відключення №${id} вже оголошено (повторне натискання нічого не надсилає).`,
  draftRefused: (problems: readonly string[]) => `Не вдалося оголосити:\n${problems.map((p) => `• ${p}`).join('\n')}\n\nПочніть знову: /outage`,
  draftProblem: {
    'no-targets': 'немає адрес',
    'bad-time': 'неправильний час',
    'ends-before-start': 'кінець раніше за початок',
    'already-over': 'цей час уже минув',
    'no-affects': 'не позначено, що буде відсутнє',
    'text-too-long': 'задовгий текст',
  } as Record<string, string>,
  cancelled: 'Форму скасовано, нічого не надіслано.',
  nothingToCancel: 'Немає форми, яку можна скасувати.',
  staleButton: 'Ця кнопка вже не діє.',
  notYourForm: 'Ця форма не ваша: почніть свою командою /outage.',

  card: (o: OutageView, tz: string) =>
    [
      `${o.kind === 'emergency' ? '🚨' : '🛠'} Відключення №${o.id} (${kindNames[o.kind]})${o.status === 'closed' ? ' — закрито, воду відновлено' : ''}`,
      `Адреси: ${targetsText(o.targets)}`,
      `Час: ${periodText(o, tz)}`,
      `Відсутні: ${affectsText(o.affects)}`,
      `Текст: ${o.text}`,
    ].join('\n'),
  newEndButton: 'Змінити час завершення',
  closeButton: 'Воду відновлено',
  askNewEnd: (id: number, endsAt: string | null, tz: string) =>
    `Відключення №${id}${endsAt ? ` (зараз до ${moment(endsAt, tz)})` : ''}: до якого часу тепер? Наприклад: 18:00 або 06.12 10:00.`,
  endHint: 'Напишіть час текстом, наприклад: 18:00 або 06.12 10:00',
  endRefused: {
    unreadable: 'Не зрозумів час. Напишіть, наприклад: 18:00 або 06.12 10:00',
    'end-before-start': 'Це раніше за початок відключення. Напишіть пізніший час.',
    'already-over': 'Цей час уже минув. Якщо воду відновлено, натисніть «Воду відновлено».',
  },
  updated: (id: number, endsAt: string, tz: string) => `✅ Відключення №${id}: нове завершення ${moment(endsAt, tz)}. Хто вже отримав сповіщення про нього, отримає оновлення; ще не надіслані підуть із новим часом.`,
  unchanged: (id: number) => `Відключення №${id}: час той самий, нічого не надіслано.`,
  confirmClose: (id: number) => `Закрити відключення №${id}? Хто вже отримав сповіщення про нього, отримає «воду відновлено»; ще не надіслані буде скасовано.`,
  confirmCloseButton: 'Так, воду відновлено',
  keepOpenButton: 'Ні',
  keptOpen: (id: number) => `Відключення №${id} триває.`,
  closed: (id: number) => `✅ Відключення №${id} закрито. Хто вже отримав сповіщення про нього, отримає «воду відновлено»; ще не надіслані скасовано.`,
  alreadyClosed: (id: number) => `Відключення №${id} вже закрито.`,
  notFound: 'Такого відключення немає.',
  noActive: 'Активних відключень немає. Нове: /outage',
  activeHeader: (n: number) => `Активні відключення: ${n}. Змінити час чи закрити — кнопками під кожним.`,
  groupOnly: 'Відключення оголошують у групі працівників.',
};


/** What subscribers see: «Відключення», an account's view, settings, the answer to an emergency letter. */
export const outageCabinet = {
  none: 'За вашими адресами відключень немає.',
  header: 'Відключення за вашими адресами:',
  currentHeader: 'Зараз:',
  nextHeader: 'Заплановано:',
  line: (o: OutageTextView, accounts: readonly AffectedAccount[], tz: string) =>
    [
      `${o.kind === 'emergency' ? '🚨 Аварійне' : '🛠 Планове'} відключення`,
      ...accounts.map((a) => `${a.address} (рахунок ${a.number})`),
      capital(periodText(o, tz)),
      `Не буде: ${affectsText(o.affects)}`,
      ...(o.text ? [o.text] : []),
    ].join('\n'),
  inForceOnAccount: (o: OutageTextView, tz: string) =>
    `⚠️ Зараз ${kindNames[o.kind]} відключення (${affectsText(o.affects)})${o.endsAt ? ` до ${moment(o.endsAt, tz)}` : ', завершення уточнюється'}.`,
  plannedOffButton: 'Вимкнути сповіщення про планові роботи',
  plannedOnButton: 'Увімкнути сповіщення про планові роботи',
  plannedLine: (on: boolean) => `Сповіщення про планові відключення: ${on ? 'увімкнено' : 'вимкнено'} (про аварії повідомляємо завжди)`,
  plannedOff: 'Сповіщення про планові відключення вимкнено. Про аварійні ми й далі повідомлятимемо одразу.',
  plannedOn: 'Сповіщення про планові відключення увімкнено: повідомимо напередодні ввечері та на початку робіт.',
  emergencyKnown: (o: OutageTextView, tz: string) =>
    `За вашою адресою вже оголошено аварійне відключення (${affectsText(o.affects)})${o.endsAt ? ` до ${moment(o.endsAt, tz)}` : '; час завершення уточнюється'}. ` +
    `Бригада вже працює.${o.text ? `\n\n${o.text}` : ''}\n\nКоли воду відновлять, ми повідомимо тут.`,
};
