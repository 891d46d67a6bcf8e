import { describe, expect, it } from 'vitest';
import { outageNotices } from '../../../bots/texts/outages.ts';
import type { OutageAffect, OutageChangeKind, OutageKind, OutageView } from '../../../core/outages/types.ts';

// A notice says the water is off only when it is: a pressure drop or sewage works leave the tap running, and a
// subscriber told «відключено воду» would fill buckets for nothing (seen in the playground with «Знижений тиск»).

function notice(kind: OutageKind, affects: OutageAffect[], change: OutageChangeKind): string {
  const outage: OutageView = {
    id: 3, kind, startsAt: '2026-12-05T08:30:00Z', endsAt: '2026-12-05T17:00:00Z', affects, text: 'Роботи на мережі.',
    targets: [{ street: 'Соборна', houses: null }], status: 'announced', revision: 0, source: 'staff', createdBy: 'Ірина',
    createdAt: '2026-12-05T08:30:00Z', closedAt: null,
  };
  return outageNotices.notice({ change, outage, accounts: [{ accountId: 1, number: '990004', address: "м. Кам'янське, вул. Соборна, 7" }], timeZone: 'Europe/Kyiv' });
}

const changes: OutageChangeKind[] = ['before', 'start', 'update', 'restored'];

describe('outage notices', () => {
  it('say the water is off, and back, when cold water is among what is missing', () => {
    expect(notice('emergency', ['cold-water', 'pressure'], 'start')).toMatch(/^Аварія: відключено воду\./);
    expect(notice('planned', ['cold-water'], 'before')).toMatch(/^Завтра планові роботи: буде відключено воду\./);
    expect(notice('emergency', ['cold-water'], 'restored')).toMatch(/^Воду відновлено\./);
  });

  it('never say the water is off when only the pressure or sewage is affected', () => {
    for (const kind of ['planned', 'emergency'] as const) {
      for (const affects of [['pressure'], ['sewage'], ['sewage', 'pressure']] as OutageAffect[][]) {
        for (const change of changes) {
          const text = notice(kind, affects, change);
          const heading = text.split('\n')[0]!;
          expect(heading).not.toMatch(/вод[уи]/i);
          expect(heading.length).toBeGreaterThan(0);
        }
      }
    }
    expect(notice('emergency', ['pressure'], 'start')).toMatch(/^Аварія на мережі\.\n\nАварійне відключення: знижений тиск води\./);
  });
});
