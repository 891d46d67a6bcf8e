import { daysBetween, type LocalDate } from '../calendar.ts';
import type { ReadingRules } from '../settings.ts';
import type { LeakWarning, ReadingsDeps } from './types.ts';

// A leak warning compares the new reading's average use per day with the meter's own history, not with a norm:
// a family of six and a pensioner alone differ more than a leak does. The history is the meter's known values
// (accepted readings, staff corrections, billing's last reading) in date order; each gap between two of them is
// a period whose use per day is its difference over its days, so a skipped month is one longer period, not a
// hole. The median of the last six periods stands for "usual": one odd period (a guest month, a summer of
// watering) moves it little.

/** Periods the median is taken over. */
export const LEAK_HISTORY_PERIODS = 6;
/** Fewer periods than this is too little history to call anything unusual: a new meter gets no warning. */
export const LEAK_MIN_PERIODS = 3;

export interface MeterPoint {
  date: LocalDate;
  value: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The periods' use per day, oldest first, from the meter's values on distinct days. A value below the one
 * before it means the counter started again — the meter was replaced (billing kept its serial) or a wrong value
 * was corrected — so nothing before it is this counter's history.
 */
export function periodsPerDay(points: readonly MeterPoint[]): number[] {
  const sorted = [...points].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  let start = 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.value < sorted[i - 1]!.value) start = i;
  const own = sorted.slice(start);
  const rates: number[] = [];
  for (let i = 1; i < own.length; i++) {
    const days = daysBetween(own[i - 1]!.date, own[i]!.date);
    if (days > 0) rates.push((own[i]!.value - own[i - 1]!.value) / days);
  }
  return rates;
}

/**
 * The rule itself, on plain data: `history` ends with the value the new reading's consumption is counted from;
 * `current` is the new reading. Null when nothing is unusual or the history is too short to tell.
 */
export function judgeLeak(rules: Pick<ReadingRules, 'leakFactor' | 'leakMinM3PerDay'>, history: readonly MeterPoint[], current: MeterPoint): LeakWarning | null {
  const last = [...history].sort((a, b) => (a.date < b.date ? 1 : -1))[0];
  if (!last || current.value < last.value) return null;
  const days = Math.max(1, daysBetween(last.date, current.date));
  const perDay = (current.value - last.value) / days;
  if (perDay <= rules.leakMinM3PerDay) return null;
  const periods = periodsPerDay(history).slice(-LEAK_HISTORY_PERIODS);
  if (periods.length < LEAK_MIN_PERIODS) return null;
  const usual = median(periods);
  if (perDay <= rules.leakFactor * usual) return null;
  return { perDay: round2(perDay), usualPerDay: round2(usual), days };
}

/**
 * The meter's history before reading `readingId` (its values a day at a time: a staff correction wins over the
 * subscriber's value of its day, billing's last reading counts on a day no reading has), judged against that
 * reading. Read only when the new use per day is above the minimum, so an ordinary reading costs no query.
 */
export async function leakWarningFor(
  deps: ReadingsDeps,
  reading: { readingId: number; meterId: number; value: number; localDate: LocalDate; previousValue: number; previousDate: LocalDate | null },
): Promise<LeakWarning | null> {
  const rules = deps.settings.readings;
  if (reading.previousDate === null) return null;
  const days = Math.max(1, daysBetween(reading.previousDate, reading.localDate));
  if ((reading.value - reading.previousValue) / days <= rules.leakMinM3PerDay) return null;
  const rows = await deps.db.hot<{ local_date: LocalDate; value: number }>(
    `SELECT local_date, value FROM (
       SELECT DISTINCT ON (local_date) local_date, value
         FROM readings
        WHERE meter_id = $1 AND id <> $2 AND local_date <= $3
        ORDER BY local_date DESC, (kind = 'staff-correction') DESC, submitted_at DESC, id DESC
        LIMIT 40
     ) r
     UNION ALL
     SELECT m.last_reading_date AS local_date, m.last_reading AS value
       FROM meters m
      WHERE m.id = $1 AND m.last_reading_date IS NOT NULL AND m.last_reading_date <= $3
        AND NOT EXISTS (SELECT 1 FROM readings x WHERE x.meter_id = m.id AND x.local_date = m.last_reading_date AND x.id <> $2)`,
    [reading.meterId, reading.readingId, reading.localDate],
  );
  const history = rows.filter((r) => r.local_date !== reading.localDate).map((r) => ({ date: r.local_date, value: r.value }));
  // The value the consumption was counted from is the history's end, whichever source it came from.
  if (!history.some((p) => p.date === reading.previousDate)) history.push({ date: reading.previousDate, value: reading.previousValue });
  return judgeLeak(rules, history, { date: reading.localDate, value: reading.value });
}
