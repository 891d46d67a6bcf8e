/** Calendar days as 'YYYY-MM-DD' text in the utility's time zone: "today" for once-a-day rules is Kyiv's, not the server's. */
export type LocalDate = string;

/** The wall clock of a zone at an instant, as two-digit texts ('2026', '11', '25', '09', '05', '00'). */
export interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
// Every update asks for "today" several times, and formatToParts is slow: the last answer per zone is kept
// for the rest of its second (the wall clock shows whole seconds).
const lastAnswers = new Map<string, { second: number; clock: WallClock }>();

export function wallClock(at: Date, timeZone: string): WallClock {
  const second = Math.floor(at.getTime() / 1000);
  const last = lastAnswers.get(timeZone);
  if (last && last.second === second) return { ...last.clock };
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(at).map((p) => [p.type, p.value]));
  const clock = { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
  lastAnswers.set(timeZone, { second, clock });
  return { ...clock };
}

export function localDate(at: Date, timeZone: string): LocalDate {
  const c = wallClock(at, timeZone);
  return `${c.year}-${c.month}-${c.day}`;
}

/** The hour (0-23) on the wall clock of that zone. */
export function localHour(at: Date, timeZone: string): number {
  return Number(wallClock(at, timeZone).hour);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The billing period a day belongs to, as its first day: '2026-11-01'. */
export function periodOf(date: LocalDate): LocalDate {
  return `${date.slice(0, 7)}-01`;
}

export function isValidLocalDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** First and last day of the billing period (calendar month) a day belongs to. */
export function periodBounds(day: LocalDate): { periodStart: LocalDate; periodEnd: LocalDate } {
  const periodStart = periodOf(day);
  const nextMonth = periodOf(addDays(periodStart, 31));
  return { periodStart, periodEnd: addDays(nextMonth, -1) };
}
