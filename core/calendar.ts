/** Calendar days as 'YYYY-MM-DD' text in the utility's time zone: "today" for once-a-day rules is Kyiv's, not the server's. */
export type LocalDate = string;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function localDate(at: Date, timeZone: string): LocalDate {
  return formatterFor(timeZone).format(at);
}

/** The hour (0-23) on the wall clock of that zone. */
export function localHour(at: Date, timeZone: string): number {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at);
  return Number(hour);
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
