import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { judgeLeak, periodsPerDay } from '../../../core/readings/leak.ts';
import { submitReading } from '../../../core/readings/index.ts';
import type { ReadingRules } from '../../../core/settings.ts';
import { aMeter } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLinkedMeter, aReading, coreDeps } from '../../support/readings-builders.ts';

const rules = { leakFactor: 3, leakMinM3PerDay: 0.5 };

/** A value every `days` days, `perDay` m³ a day each period, from `start` at 100 m³. */
function steady(start: string, periods: { days: number; perDay: number }[]) {
  const points = [{ date: start, value: 100 }];
  for (const p of periods) {
    const last = points.at(-1)!;
    const date = new Date(`${last.date}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() + p.days);
    points.push({ date: date.toISOString().slice(0, 10), value: last.value + Math.round(p.perDay * p.days) });
  }
  return points;
}
const after = (points: { date: string; value: number }[], days: number, perDay: number) => {
  const last = points.at(-1)!;
  const date = new Date(`${last.date}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return { date: date.toISOString().slice(0, 10), value: last.value + Math.round(perDay * days) };
};

describe('the leak rule', () => {
  const monthly = steady('2026-03-01', Array.from({ length: 6 }, () => ({ days: 30, perDay: 0.3 })));

  it('warns when the use per day is above the factor × the usual and above the minimum', () => {
    expect(judgeLeak(rules, monthly, after(monthly, 30, 1))).toEqual({ perDay: 1, usualPerDay: 0.3, days: 30 });
  });

  it('stays quiet below the factor, and below the minimum whatever the factor', () => {
    expect(judgeLeak(rules, monthly, after(monthly, 30, 0.8))).toBeNull();
    const tiny = steady('2026-03-01', Array.from({ length: 6 }, () => ({ days: 30, perDay: 0.1 })));
    // 4× the usual, but 0.4 m³ a day is within what a household uses.
    expect(judgeLeak(rules, tiny, after(tiny, 30, 0.4))).toBeNull();
  });

  it('counts a skipped month as one longer period, not a hole', () => {
    const gaps = steady('2026-01-01', [
      { days: 31, perDay: 0.3 },
      { days: 90, perDay: 0.3 },
      { days: 30, perDay: 0.3 },
      { days: 61, perDay: 0.3 },
    ]);
    expect(periodsPerDay(gaps)).toHaveLength(4);
    // Three months since the last value at the usual rate: the total is large, the rate is not.
    expect(judgeLeak(rules, gaps, after(gaps, 92, 0.35))).toBeNull();
    expect(judgeLeak(rules, gaps, after(gaps, 92, 1.2))).toMatchObject({ usualPerDay: 0.3, days: 92 });
  });

  it('takes seasonal use in its stride: the median of six periods moves little with a summer', () => {
    const seasons = steady('2026-01-01', [
      { days: 30, perDay: 0.3 },
      { days: 30, perDay: 0.3 },
      { days: 30, perDay: 0.6 },
      { days: 30, perDay: 0.8 },
      { days: 30, perDay: 0.8 },
      { days: 30, perDay: 0.7 },
    ]);
    // A summer month at twice the winter's is no leak…
    expect(judgeLeak(rules, seasons, after(seasons, 30, 0.9))).toBeNull();
    // …but ten times the winter's is.
    expect(judgeLeak(rules, seasons, after(seasons, 30, 3))).toMatchObject({ perDay: 3 });
  });

  it('uses only the last six periods', () => {
    const history = steady('2025-01-01', [
      ...Array.from({ length: 6 }, () => ({ days: 30, perDay: 2 })),
      ...Array.from({ length: 6 }, () => ({ days: 30, perDay: 0.3 })),
    ]);
    expect(judgeLeak(rules, history, after(history, 30, 1.2))).toMatchObject({ usualPerDay: 0.3 });
  });

  it('gives a new meter no warning: too little history to call anything unusual', () => {
    const young = steady('2026-09-01', [
      { days: 30, perDay: 0.2 },
      { days: 30, perDay: 0.2 },
    ]);
    expect(judgeLeak(rules, young, after(young, 30, 5))).toBeNull();
    expect(judgeLeak(rules, [{ date: '2026-11-01', value: 0 }], { date: '2026-11-20', value: 500 })).toBeNull();
    expect(judgeLeak(rules, [], { date: '2026-11-20', value: 500 })).toBeNull();
  });

  it('does not use a replaced counter’s history: a value below the one before starts it again', () => {
    // The old meter showed 5,000 and used 5 m³ a day; the new one started at 0 two periods ago.
    const old = steady('2026-01-01', Array.from({ length: 6 }, () => ({ days: 30, perDay: 5 })));
    const replaced = [...old, { date: '2026-08-01', value: 0 }, { date: '2026-09-01', value: 9 }, { date: '2026-10-01', value: 18 }];
    expect(periodsPerDay(replaced)).toHaveLength(2);
    // 2 m³ a day is far below the old meter's 5, yet the new one has too little history to compare with.
    expect(judgeLeak(rules, replaced, { date: '2026-10-31', value: 78 })).toBeNull();
  });
});

describe('an accepted reading with a leak warning', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.destroy();
  });
  const deps = (iso: string, overrides: Partial<ReadingRules> = {}) => coreDeps(db, new FixedClock(new Date(iso)), overrides);

  async function withHistory(seed: { lastReading?: number; lastReadingDate?: string | null } = {}) {
    // Billing's 100 m³ on 2026-04-20, then monthly readings of 9 m³ (0.3 a day).
    const linked = await aLinkedMeter(db, { meter: { lastReading: seed.lastReading ?? 100, lastReadingDate: seed.lastReadingDate === undefined ? '2026-04-20' : seed.lastReadingDate } });
    let value = seed.lastReading ?? 100;
    for (const date of ['2026-05-20', '2026-06-19', '2026-07-19', '2026-08-18', '2026-09-17', '2026-10-17']) {
      value += 9;
      await aReading(db, linked.meter, { value, localDate: date, subscriber: linked.subscriber });
    }
    return { ...linked, value };
  }
  const submit = (linked: { subscriber: { id: number }; meter: { id: number } }, value: number, iso = '2026-11-16T10:00:00Z', rules: Partial<ReadingRules> = {}) =>
    submitReading(deps(iso, rules), { subscriberId: linked.subscriber.id, meterId: linked.meter.id, value, confirmed: true, channel: 'telegram' });

  it('comes back on the receipt when the month’s use is far above the meter’s own', async () => {
    const linked = await withHistory();
    const outcome = await submit(linked, linked.value + 60);
    expect(outcome).toMatchObject({ kind: 'accepted', receipt: { consumption: 60, leak: { perDay: 2, usualPerDay: 0.3, days: 30 } } });
  });

  it('not for an ordinary month, and not with a factor or minimum set higher', async () => {
    const linked = await withHistory();
    expect(await submit(linked, linked.value + 12)).toMatchObject({ kind: 'accepted', receipt: { leak: null } });
    const other = await withHistory();
    expect(await submit(other, other.value + 60, undefined, { leakMinM3PerDay: 2.5 })).toMatchObject({ receipt: { leak: null } });
    const third = await withHistory();
    expect(await submit(third, third.value + 60, undefined, { leakFactor: 10 })).toMatchObject({ receipt: { leak: null } });
  });

  it('a staff correction replaces its day’s value in the history', async () => {
    const linked = await withHistory();
    // The subscriber typed 9 too much on 2026-10-17; staff corrected it the same day, so the last value is 145.
    await aReading(db, linked.meter, { value: linked.value - 9, localDate: '2026-10-17', kind: 'staff-correction', submittedAt: new Date('2026-10-17T15:00:00Z') });
    const outcome = await submit(linked, linked.value - 9 + 60);
    expect(outcome).toMatchObject({ kind: 'accepted', receipt: { consumption: 60, leak: { perDay: 2 } } });
  });

  it('a new meter (only billing’s first value) gets no warning', async () => {
    const linked = await aLinkedMeter(db, { meter: { lastReading: 0, lastReadingDate: '2026-11-01' } });
    expect(await submit(linked, 200)).toMatchObject({ kind: 'accepted', receipt: { leak: null } });
  });

  it('a meter replaced under the same account: the old meter’s readings are not its history', async () => {
    const old = await withHistory();
    // The new meter is a meter of its own; its readings start over.
    const fresh = await aMeter(db, old.account, { lastReading: 0, lastReadingDate: '2026-10-17' });
    const outcome = await submitReading(deps('2026-11-16T10:00:00Z'), { subscriberId: old.subscriber.id, meterId: fresh.id, value: 60, confirmed: true, channel: 'telegram' });
    expect(outcome).toMatchObject({ kind: 'accepted', receipt: { leak: null } });
  });

  it('a counter billing restarted under the same serial: history before the drop is not used', async () => {
    const linked = await withHistory();
    // Billing now says 0 on 2026-10-20 (the meter was replaced, the serial kept).
    await db.models.Meter.update({ lastReading: 0, lastReadingDate: '2026-10-20' }, { where: { id: linked.meter.id } });
    expect(await submit(linked, 60)).toMatchObject({ kind: 'accepted', receipt: { consumption: 60, leak: null } });
  });
});
