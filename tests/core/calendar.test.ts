import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, localDate, localHour, wallClock } from '../../core/calendar.ts';

const KYIV = 'Europe/Kyiv';

describe('the wall clock of Kyiv', () => {
  it('follows the switch to summer time to the second, and each zone on its own', () => {
    // 29.03.2026: at 01:00 UTC Kyiv's clocks go from 03:00 (winter, UTC+2) to 04:00 (summer, UTC+3).
    expect(wallClock(new Date('2026-03-29T00:59:59.400Z'), KYIV)).toEqual({ year: '2026', month: '03', day: '29', hour: '02', minute: '59', second: '59' });
    expect(wallClock(new Date('2026-03-29T00:59:59.900Z'), KYIV).hour).toBe('02');
    expect(wallClock(new Date('2026-03-29T01:00:00.000Z'), KYIV).hour).toBe('04');
    expect(localHour(new Date('2026-03-29T01:00:00.000Z'), 'UTC')).toBe(1);
  });

  it('gives the calendar day of Kyiv, not of the server', () => {
    expect(localDate(new Date('2026-11-24T22:30:00Z'), KYIV)).toBe('2026-11-25');
    expect(localDate(new Date('2026-11-24T22:30:00Z'), 'UTC')).toBe('2026-11-24');
  });

  it('hands out copies: changing one answer does not change the next', () => {
    const at = new Date('2026-11-25T10:00:00Z');
    const first = wallClock(at, KYIV);
    first.day = '01';
    expect(wallClock(at, KYIV).day).toBe('25');
  });

  it('counts days across month ends', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(daysBetween('2026-10-25', '2026-11-25')).toBe(31);
  });
});
