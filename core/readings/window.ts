import { addDays, type LocalDate } from '../calendar.ts';
import type { ReadingRules } from '../settings.ts';

type Window = ReadingRules['window'];

/** Whether readings are taken on that day. A window past the month's last day simply has no days in that month. */
export function isWindowOpen(window: Window, date: LocalDate): boolean {
  if (window === null) return true;
  const day = Number(date.slice(8, 10));
  // A window like 25-5 runs over the month's end.
  return window.fromDay <= window.toDay
    ? day >= window.fromDay && day <= window.toDay
    : day >= window.fromDay || day <= window.toDay;
}

/** The first day on or after `from` on which the window is open. */
export function nextOpenDay(window: Window, from: LocalDate): LocalDate {
  let date = from;
  // Any window of days 1..31 opens within a year; walking day by day handles month lengths and leap years.
  for (let i = 0; i < 400; i++) {
    if (isWindowOpen(window, date)) return date;
    date = addDays(date, 1);
  }
  throw new Error(`reading window ${JSON.stringify(window)} never opens`);
}
