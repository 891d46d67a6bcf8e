// Outages of water supply by address (issue 15). Two helpers share this file: `outageNotices` (the notices sent
// to subscribers, and the words for an outage's parts both sides use) is outages-core's; the menu, account-view
// and staff texts go into their own exported objects below it (outages-chat's), so neither edits the other's.
import { formatHouseList } from '../../core/addresses/houses.ts';
import type { OutageTarget } from '../../core/addresses/targets.ts';
import type { AffectedAccount, OutageAffect, OutageChangeKind, OutageKind, OutageView } from '../../core/outages/types.ts';
import { moment } from './format.ts';

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

const HEADINGS: Record<OutageChangeKind, (kind: OutageKind) => string> = {
  before: () => 'Завтра планові роботи: буде відключено воду.',
  start: (kind) => (kind === 'emergency' ? 'Аварія: відключено воду.' : 'Розпочато планові роботи: воду відключено.'),
  update: () => 'Змінено час відключення води.',
  restored: () => 'Воду відновлено.',
};

export const outageNotices = {
  kind: (kind: OutageKind) => KIND_WORDS[kind],
  notice: (input: OutageNoticeInput): string => {
    const { outage, change } = input;
    const lines = [HEADINGS[change](outage.kind), ''];
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
