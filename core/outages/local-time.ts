import { wallClock, type LocalDate } from '../calendar.ts';

/**
 * The instant the wall clock of `timeZone` shows `date` `hour`:`minute`, or null if it never does (the hour
 * skipped when clocks go forward). Of the two instants in the hour repeated when clocks go back, the first.
 */
export function instantOfLocal(date: LocalDate, hour: number, minute: number, timeZone: string): Date | null {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  // The zone's offset is at most a day; try the offsets in force a day before and after the guess.
  const candidates = new Set<number>();
  for (const probe of [asUtc - 86_400_000, asUtc, asUtc + 86_400_000]) {
    const c = wallClock(new Date(probe), timeZone);
    const shown = Date.UTC(Number(c.year), Number(c.month) - 1, Number(c.day), Number(c.hour), Number(c.minute), Number(c.second));
    candidates.add(asUtc - (shown - probe));
  }
  const matching = [...candidates]
    .filter((at) => {
      const c = wallClock(new Date(at), timeZone);
      return `${c.year}-${c.month}-${c.day}` === date && Number(c.hour) === hour && Number(c.minute) === minute;
    })
    .sort((a, b) => a - b);
  return matching.length > 0 ? new Date(matching[0]!) : null;
}

/**
 * A time as an outages file or staff write it: local `YYYY-MM-DD HH:MM` (also `DD.MM.YYYY HH:MM`) in the
 * utility's zone, or ISO 8601 with its offset (`2026-12-06T09:00:00+02:00`, `…Z`). Null for anything else.
 */
export function parseOutageTime(text: string, timeZone: string): Date | null {
  const trimmed = text.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$/.exec(trimmed) ?? dotted(trimmed);
  if (local) {
    const [, year, month, day, hour, minute] = local;
    const date = `${year}-${month}-${day}`;
    const check = new Date(`${date}T00:00:00Z`);
    if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== date) return null;
    if (Number(hour) > 23 || Number(minute) > 59) return null;
    return instantOfLocal(date, Number(hour), Number(minute), timeZone);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/.test(trimmed)) return null;
  const at = new Date(trimmed);
  return Number.isNaN(at.getTime()) ? null : at;
}

function dotted(text: string): RegExpExecArray | null {
  const match = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const [whole, day, month, year, hour, minute] = match;
  return Object.assign([whole, year, month, day, hour, minute], { index: 0, input: text }) as unknown as RegExpExecArray;
}
