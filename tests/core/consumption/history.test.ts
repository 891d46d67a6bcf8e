import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { consumptionFrom, consumptionHistory, counterOf, type MeterHistory } from '../../../core/consumption/history.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import { aCharge, aLink, aMeter, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aReading } from '../../support/readings-builders.ts';

const meter = (points: [string, number][], extra: Partial<MeterHistory> = {}): MeterHistory => ({
  meterId: 1,
  serial: 'K-1',
  place: 'кухня',
  digits: 5,
  points: points.map(([date, value]) => ({ date, value })),
  ...extra,
});

/** A reading on the 1st of each month from `from`, `perMonth` m³ apart. */
const monthly = (from: string, count: number, start: number, perMonth: number): [string, number][] =>
  Array.from({ length: count }, (_, i) => {
    const [y, m] = from.split('-').map(Number) as [number, number];
    const index = y * 12 + m - 1 + i;
    return [`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`, start + i * perMonth];
  });

describe('consumption history from readings', () => {
  it('gives each whole month between two readings what the meter ran, and the current month so far', () => {
    const history = consumptionFrom({ today: '2026-12-10', months: 24, meters: [meter([...monthly('2025-12', 13, 100, 4), ['2026-12-09', 151]])], billed: [] });
    expect(history.source).toBe('meters');
    expect(history.months).toHaveLength(13);
    expect(history.months[0]).toBe('2025-12');
    expect(history.current).toBe('2026-12');
    expect(history.series[0]!.values).toEqual([...Array(12).fill(4), 3]);
    // The average is of the whole months: the current one, measured so far, is not one.
    expect(history.average).toBe(4);
  });

  it('spreads a gap between two readings over its days, and leaves months with no reading after them empty', () => {
    // Readings on 1 Jan, then none until 1 May (120 m³ over 120 days), then none at all after 1 Jun.
    const history = consumptionFrom({ today: '2026-09-15', months: 12, meters: [meter([['2026-01-01', 0], ['2026-05-01', 120], ['2026-06-01', 155]])], billed: [] });
    const values = Object.fromEntries(history.months.map((m, i) => [m, history.series[0]!.values[i]]));
    expect(values['2026-01']).toBeCloseTo(31, 3);
    expect(values['2026-02']).toBeCloseTo(28, 3);
    expect(values['2026-04']).toBeCloseTo(30, 3);
    expect(values['2026-05']).toBe(35);
    expect([values['2025-12'], values['2026-06'], values['2026-07'], values['2026-09']]).toEqual([null, null, null, null]);
    expect(history.totals.filter((t) => t !== null)).toHaveLength(5);
  });

  it('carries a counter over its last digit, and drops a reading a later correction contradicts', () => {
    const rolled = counterOf({ digits: 3, points: [{ date: '2026-01-01', value: 990 }, { date: '2026-02-01', value: 5 }] });
    expect(rolled('2026-02-01')! - rolled('2026-01-01')!).toBe(15);
    // 500 on 1 Feb was a typo: the next month's 210 shows it, so February is measured from January's 200.
    const corrected = counterOf({ digits: 5, points: [{ date: '2026-01-01', value: 190 }, { date: '2026-02-01', value: 500 }, { date: '2026-03-01', value: 210 }] });
    expect(corrected('2026-03-01')! - corrected('2026-01-01')!).toBe(20);
  });

  it('draws one series per meter; a month counts in the average only when every meter tells it', () => {
    const kitchen = meter(monthly('2026-01', 12, 0, 5));
    const bath = meter(monthly('2026-03', 10, 0, 2), { meterId: 2, serial: 'B-2', place: 'ванна' });
    const history = consumptionFrom({ today: '2026-12-20', months: 24, meters: [kitchen, bath], billed: [] });
    expect(history.series.map((s) => s.key)).toEqual(['meter:1', 'meter:2']);
    const at = (month: string) => history.months.indexOf(month);
    expect(history.totals[at('2026-02')]).toBe(5);
    expect(history.totals[at('2026-05')]).toBe(7);
    expect(history.average).toBe(7);
  });
});

describe('consumption history from billing', () => {
  it('takes billing volumes when they tell more months than the readings, the current month from the readings', () => {
    const billed = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'].map((period, i) => ({ period, volumeM3: 5 + (i % 2) }));
    const history = consumptionFrom({ today: '2026-12-08', months: 24, meters: [meter([['2026-11-25', 300], ['2026-12-07', 302.5]])], billed });
    expect(history.source).toBe('billing');
    expect(history.series.map((s) => s.key)).toEqual(['billed']);
    expect(history.months).toHaveLength(12);
    expect(history.series[0]!.values.slice(0, 3)).toEqual([5, 6, 5]);
    expect(history.series[0]!.values.at(-1)).toBeCloseTo(2.5 - (2.5 * 6) / 12, 3);
    expect(history.average).toBeCloseTo(60 / 11, 3);
  });

  it('has nothing to draw without volumes or readings, and the same data always gives the same version', () => {
    expect(consumptionFrom({ today: '2026-12-08', months: 24, meters: [meter([])], billed: [] }).source).toBe('none');
    const input = { today: '2026-12-08', months: 24, meters: [], billed: [{ period: '2026-10', volumeM3: 4 }] };
    expect(consumptionFrom(input).version).toBe(consumptionFrom(structuredClone(input)).version);
    expect(consumptionFrom({ ...input, billed: [{ period: '2026-10', volumeM3: 5 }] }).version).not.toBe(consumptionFrom(input).version);
  });
});

describe('loading an account\'s history', () => {
  let db: TestDatabase;
  const clock = new FixedClock(new Date('2026-12-05T09:00:00Z'));
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('reads charges (a period counted once whatever its services), readings with staff corrections winning, for a linked account only', async () => {
    const core = { db, clock, settings: defaultCoreSettings };
    const account = await anAccount(db);
    const subscriber = await aSubscriber(db);
    const stranger = await aSubscriber(db);
    await aLink(db, subscriber, account);
    const kitchen = await aMeter(db, account, { serial: 'K-7', lastReading: 100, lastReadingDate: '2026-10-01' });
    await aReading(db, kitchen, { value: 106, localDate: '2026-11-01' });
    await aReading(db, kitchen, { value: 160, localDate: '2026-12-01' });
    await aReading(db, kitchen, { value: 111, localDate: '2026-12-01', kind: 'staff-correction', submittedAt: new Date('2026-12-02T10:00:00Z') });
    await aReading(db, kitchen, { value: 112, localDate: '2026-12-04' });
    await aCharge(db, account, { period: '2026-10-01', service: 'водопостачання', volumeM3: '6.000', amountKop: 19_728 });
    await aCharge(db, account, { period: '2026-10-01', service: 'водовідведення', volumeM3: '6.000', amountKop: 11_916 });
    await aCharge(db, account, { period: '2026-11-01', service: 'водопостачання', volumeM3: '5.000', amountKop: 16_440 });

    expect(await consumptionHistory(core, { subscriberId: stranger.id, accountId: account.id })).toEqual({ kind: 'not-linked' });
    const found = await consumptionHistory(core, { subscriberId: subscriber.id, accountId: account.id });
    if (found.kind !== 'history') throw new Error('expected a history');
    expect(found.accountNumber).toBe(account.number);
    const { history } = found;
    const at = (month: string) => history.months.indexOf(month);
    // Readings tell October and November whole (6 and 5): as many months as billing, so the meter's series.
    expect(history.source).toBe('meters');
    expect(history.totals[at('2026-10')]).toBe(6);
    expect(history.totals[at('2026-11')]).toBe(5);
    expect(history.totals[at('2026-12')]).toBe(1);
    expect(history.series[0]!.meter).toEqual({ serial: 'K-7', place: 'кухня' });
  });
});
