import { describe, expect, it } from 'vitest';
import { eveningBefore } from '../../../core/outages/changes.ts';
import { instantOfLocal, parseOutageTime } from '../../../core/outages/local-time.ts';

const TZ = 'Europe/Kyiv';
const iso = (at: Date | null) => at?.toISOString() ?? null;

describe('outage times', () => {
  it('reads local times in the utility’s zone, summer and winter, and ISO 8601 with an offset', () => {
    expect(iso(parseOutageTime('2026-12-07 09:00', TZ))).toBe('2026-12-07T07:00:00.000Z');
    expect(iso(parseOutageTime('07.07.2026 9:30', TZ))).toBe('2026-07-07T06:30:00.000Z');
    expect(iso(parseOutageTime('2026-12-07T09:00:00+02:00', TZ))).toBe('2026-12-07T07:00:00.000Z');
    expect(iso(parseOutageTime('2026-12-07T07:00Z', TZ))).toBe('2026-12-07T07:00:00.000Z');
    // ISO 8601 without an offset is a local time.
    expect(iso(parseOutageTime('2026-12-07T09:00', TZ))).toBe('2026-12-07T07:00:00.000Z');
  });

  it('refuses what is not a time', () => {
    for (const text of ['', '2026-02-30 09:00', '2026-12-07 24:00', '2026-12-07', 'завтра о 9', '2026-12-07T09:00+25:00']) {
      expect(parseOutageTime(text, TZ), text).toBeNull();
    }
  });

  it('knows the hour skipped and the hour repeated when clocks change', () => {
    // 29 March 2026: 03:00 becomes 04:00 in Kyiv.
    expect(instantOfLocal('2026-03-29', 3, 30, TZ)).toBeNull();
    // 25 October 2026: 03:00–04:00 comes twice; the first is taken.
    expect(iso(instantOfLocal('2026-10-25', 3, 30, TZ))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('puts the evening-before notice at the configured hour of the day before, local time', () => {
    expect(iso(eveningBefore(new Date('2026-12-07T07:00:00Z'), { timeZone: TZ, eveningHour: 18 }))).toBe('2026-12-06T16:00:00.000Z');
    // Works on Monday 26 October, the day after clocks went back: Sunday 18:00 is UTC+2.
    expect(iso(eveningBefore(new Date('2026-10-26T07:00:00Z'), { timeZone: TZ, eveningHour: 18 }))).toBe('2026-10-25T16:00:00.000Z');
  });
});
