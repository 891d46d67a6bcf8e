import { describe, expect, it } from 'vitest';
import { isWindowOpen, nextOpenDay } from '../../../core/readings/index.ts';
import { periodBounds } from '../../../core/calendar.ts';

describe('the reading window', () => {
  it('is always open without one', () => {
    expect(isWindowOpen(null, '2026-02-28')).toBe(true);
    expect(nextOpenDay(null, '2026-02-28')).toBe('2026-02-28');
  });

  it.each([
    [{ fromDay: 1, toDay: 5 }, '2026-11-25', '2026-12-01'],
    [{ fromDay: 1, toDay: 5 }, '2026-12-25', '2027-01-01'],
    [{ fromDay: 1, toDay: 5 }, '2026-11-05', '2026-11-05'],
    [{ fromDay: 10, toDay: 25 }, '2026-11-26', '2026-12-10'],
    [{ fromDay: 29, toDay: 31 }, '2027-02-01', '2027-03-29'],
    [{ fromDay: 29, toDay: 31 }, '2028-02-01', '2028-02-29'],
    [{ fromDay: 31, toDay: 31 }, '2026-11-01', '2026-12-31'],
    [{ fromDay: 25, toDay: 5 }, '2026-11-06', '2026-11-25'],
    [{ fromDay: 25, toDay: 5 }, '2026-12-31', '2026-12-31'],
  ])('%j from %s opens on %s', (window, from, opensOn) => {
    expect(nextOpenDay(window, from)).toBe(opensOn);
  });

  it('has no days past the end of a short month', () => {
    const window = { fromDay: 28, toDay: 31 };
    expect(isWindowOpen(window, '2026-02-28')).toBe(true);
    expect(isWindowOpen(window, '2026-03-01')).toBe(false);
    expect(isWindowOpen(window, '2026-04-30')).toBe(true);
  });
});

describe('periodBounds', () => {
  it.each([
    ['2026-11-25', '2026-11-01', '2026-11-30'],
    ['2026-02-14', '2026-02-01', '2026-02-28'],
    ['2028-02-10', '2028-02-01', '2028-02-29'],
    ['2026-12-31', '2026-12-01', '2026-12-31'],
    ['2027-01-31', '2027-01-01', '2027-01-31'],
  ])('puts %s in %s..%s', (day, periodStart, periodEnd) => {
    expect(periodBounds(day)).toEqual({ periodStart, periodEnd });
  });
});
