import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { checkReadingValue, submitReading } from '../../../core/readings/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLinkedMeter, aReading, coreDeps } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

// Billing knows 120 m³ on 2026-10-25 (the builder's default).
const clock = new FixedClock(new Date('2026-11-25T10:00:00Z'));
const deps = () => coreDeps(db, clock);
const check = (who: { subscriber: { id: number }; meter: { id: number } }, value: string | number) =>
  checkReadingValue(deps(), { subscriberId: who.subscriber.id, meterId: who.meter.id, value });

describe('checking a value before it is confirmed', () => {
  it('answers what submitReading would, and stores nothing', async () => {
    const linked = await aLinkedMeter(db, { meter: { digits: 4 } });
    expect(await check(linked, '125')).toEqual({ kind: 'acceptable', value: 125, consumption: 5, previousValue: 120 });
    expect(await check(linked, '12,5')).toEqual({ kind: 'invalid-value' });
    expect(await check(linked, 10_000)).toEqual({ kind: 'over-capacity', maxValue: 9999 });
    expect(await check(linked, '100')).toEqual({
      kind: 'lower',
      lastValue: 120,
      correction: { meterId: linked.meter.id, meterSerial: linked.meter.serial, lastValue: 120, requestedValue: 100 },
    });
    expect(await check(linked, 220)).toEqual({ kind: 'needs-confirmation', value: 220, consumption: 100, days: 31, perDay: 3.23 });
    expect(await db.models.Reading.count({ where: { meterId: linked.meter.id } })).toBe(0);
    // The same rules, the same answers.
    for (const value of ['12,5', 10_000, '100', 220]) {
      const submitted = await submitReading(deps(), { subscriberId: linked.subscriber.id, meterId: linked.meter.id, value, confirmed: false, channel: 'viber' });
      expect(submitted).toEqual(await check(linked, value));
    }
  });

  it('refuses a meter past its verification, one read today, and one not linked, whatever the value', async () => {
    const overdue = await aLinkedMeter(db, { meter: { verificationDue: '2026-11-01' } });
    expect(await check(overdue, '125')).toEqual({ kind: 'verification-overdue', due: '2026-11-01' });
    const readToday = await aLinkedMeter(db);
    await aReading(db, readToday.meter, { value: 125, localDate: '2026-11-25', subscriber: readToday.subscriber });
    expect(await check(readToday, '130')).toEqual({ kind: 'same-day', retryOn: '2026-11-26' });
    const other = await aLinkedMeter(db);
    expect(await checkReadingValue(deps(), { subscriberId: other.subscriber.id, meterId: overdue.meter.id, value: '125' })).toEqual({ kind: 'not-linked' });
  });
});
