import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { addDays, daysBetween, localDate, type LocalDate } from '../calendar.ts';
import type { CoreDeps } from '../deps.ts';

// How much water an account used, month by month, for the consumption chart: from the meters' accepted readings
// (one series per meter) or, where billing's charges tell more months, from the charged volumes (the account's
// total). The current month is the part measured so far. Pure arithmetic (consumptionFrom) apart from loading.

/** A meter's counter on a day: an accepted reading, or billing's last reading. */
export interface MeterPoint {
  date: LocalDate;
  value: number;
}

export interface MeterHistory {
  meterId: number;
  serial: string;
  place: string;
  digits: number;
  points: MeterPoint[];
}

export interface HistoryInput {
  /** Today in the cabinet's time zone: its month is the current period. */
  today: LocalDate;
  /** How many months the history spans, the current one included. */
  months: number;
  meters: MeterHistory[];
  /** Billing's volume per period ('YYYY-MM'): a period's largest service volume (see loadHistoryInput). */
  billed: { period: string; volumeM3: number }[];
}

export interface ConsumptionSeries {
  /** 'meter:<id>' or 'billed'. */
  key: string;
  meter?: { serial: string; place: string };
  /** m³ per month of `months`; null where nothing tells (a gap). */
  values: (number | null)[];
}

export interface ConsumptionHistory {
  /** 'YYYY-MM', oldest first; the last is the current month. */
  months: string[];
  current: string;
  /** Where the monthly figures come from: the meters' readings, billing's volumes, or nowhere yet. */
  source: 'meters' | 'billing' | 'none';
  series: ConsumptionSeries[];
  /** The month's total over the series; null where no series has a value. */
  totals: (number | null)[];
  /** The average of the whole months' totals (not the current one), m³; null without any. */
  average: number | null;
  /** A digest of all of the above: the same data, the same version (the chart's cache key). */
  version: string;
}

/** The history's longest span: two years back, as the chart shows. */
export const HISTORY_MONTHS_MAX = 24;
/** Fewer months than this are shown as this many, the earlier ones empty, so one bar is not a wall. */
export const HISTORY_MONTHS_MIN = 12;

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** 'YYYY-MM' `back` months before `month`. */
export function monthBefore(month: string, back: number): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (number - 1) - back;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const firstDay = (month: string): LocalDate => `${month}-01`;
const nextFirstDay = (month: string): LocalDate => firstDay(monthBefore(month, -1));

/**
 * The meter's counter as a function of the day, between its first and its last point (linear in between: a
 * meter tells only what ran between two readings, so that is spread evenly over the days). A counter that went
 * past its last digit and started again is carried over; any other fall means the earlier point was wrong (a
 * corrected reading) and that point is dropped.
 */
export function counterOf(meter: Pick<MeterHistory, 'digits' | 'points'>): ((day: LocalDate) => number | null) & { first?: LocalDate; last?: LocalDate } {
  const byDay = new Map<LocalDate, number>();
  for (const point of [...meter.points].sort((a, b) => a.date.localeCompare(b.date))) byDay.set(point.date, point.value);
  const sorted = [...byDay].map(([date, value]) => ({ date, value }));
  const wrap = 10 ** meter.digits;
  const kept: { date: LocalDate; total: number }[] = [];
  let turns = 0;
  for (const point of sorted) {
    const previous = kept.at(-1);
    let total = point.value + turns * wrap;
    if (previous && total < previous.total) {
      const rolledOver = previous.total - turns * wrap > 0.9 * wrap && point.value < 0.1 * wrap;
      if (rolledOver) {
        turns += 1;
        total = point.value + turns * wrap;
      } else {
        kept.pop();
        while (kept.length > 0 && kept.at(-1)!.total > total) kept.pop();
      }
    }
    kept.push({ date: point.date, total });
  }
  const counter = (day: LocalDate): number | null => {
    if (kept.length === 0 || day < kept[0]!.date || day > kept.at(-1)!.date) return null;
    const after = kept.findIndex((p) => p.date >= day);
    const right = kept[after]!;
    if (right.date === day || after === 0) return right.total;
    const left = kept[after - 1]!;
    return left.total + ((right.total - left.total) * daysBetween(left.date, day)) / daysBetween(left.date, right.date);
  };
  return Object.assign(counter, kept.length > 0 ? { first: kept[0]!.date, last: kept.at(-1)!.date } : {});
}

/** The consumption history from loaded data (no database, no clock): what the chart draws. */
export function consumptionFrom(input: HistoryInput): ConsumptionHistory {
  const current = input.today.slice(0, 7);
  const span = Math.max(1, Math.min(HISTORY_MONTHS_MAX, input.months));
  const all = Array.from({ length: span }, (_, i) => monthBefore(current, span - 1 - i));

  const meterSeries: ConsumptionSeries[] = input.meters.map((meter) => {
    const counter = counterOf(meter);
    const values = all.map((month) => {
      const start = counter(firstDay(month));
      if (start === null) return null;
      if (month === current) {
        // The current period so far: up to the latest reading in it, when there is one after its first day.
        if (!counter.last || counter.last <= firstDay(month)) return null;
        return round3(counter(counter.last)! - start);
      }
      const end = counter(nextFirstDay(month));
      return end === null ? null : round3(end - start);
    });
    return { key: `meter:${meter.meterId}`, meter: { serial: meter.serial, place: meter.place }, values };
  });
  const billedBy = new Map(input.billed.map((b) => [b.period, b.volumeM3]));
  const billedValues = all.map((month) => (month === current ? null : (billedBy.get(month) ?? null)));

  // A month's total from the meters counts only when every meter tells it.
  const meterTotals = all.map((_, i) =>
    meterSeries.length > 0 && meterSeries.every((s) => s.values[i] !== null) ? round3(meterSeries.reduce((sum, s) => sum + s.values[i]!, 0)) : null,
  );
  const whole = (values: (number | null)[]) => values.filter((v, i) => v !== null && all[i] !== current).length;
  const metersWin = whole(meterTotals) > 0 && whole(meterTotals) >= whole(billedValues);
  const source: ConsumptionHistory['source'] = metersWin ? 'meters' : whole(billedValues) > 0 ? 'billing' : meterTotals.at(-1) !== null ? 'meters' : 'none';

  let series: ConsumptionSeries[];
  let totals: (number | null)[];
  if (source === 'billing') {
    // The current month, not billed yet, from the readings when every meter has one in it.
    const values = billedValues.map((v, i) => (all[i] === current ? meterTotals[i]! : v));
    series = [{ key: 'billed', values }];
    totals = values;
  } else if (source === 'meters') {
    series = meterSeries;
    totals = all.map((_, i) => {
      const present = meterSeries.filter((s) => s.values[i] !== null);
      return present.length > 0 ? round3(present.reduce((sum, s) => sum + s.values[i]!, 0)) : null;
    });
  } else {
    series = [];
    totals = all.map(() => null);
  }

  // Leading empty months are cut, down to the shortest span shown.
  const firstWithData = totals.findIndex((t) => t !== null);
  const cut = firstWithData < 0 ? span - Math.min(span, HISTORY_MONTHS_MIN) : Math.min(firstWithData, Math.max(0, span - HISTORY_MONTHS_MIN));
  const months = all.slice(cut);
  series = series.map((s) => ({ ...s, values: s.values.slice(cut) }));
  totals = totals.slice(cut);
  const averaged = (source === 'meters' ? meterTotals.slice(cut) : totals).filter((t, i): t is number => t !== null && months[i] !== current);
  const average = averaged.length > 0 ? round3(averaged.reduce((a, b) => a + b, 0) / averaged.length) : null;
  const version = createHash('sha256').update(JSON.stringify({ months, current, source, series, totals, average })).digest('base64url').slice(0, 22);
  return { months, current, source, series, totals, average, version };
}

export type ConsumptionOutcome = { kind: 'history'; accountNumber: string; history: ConsumptionHistory } | { kind: 'not-linked' };

/** Loads what consumptionFrom needs for an account the subscriber has linked. */
export async function consumptionHistory(
  core: CoreDeps,
  request: { subscriberId: number; accountId: number; months?: number },
): Promise<ConsumptionOutcome> {
  const q = <T extends object>(sql: string, bind: unknown[]) => core.db.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
  const [account] = await q<{ number: string }>(
    `SELECT a.number FROM accounts a JOIN links l ON l.account_id = a.id WHERE l.subscriber_id = $1 AND a.id = $2`,
    [request.subscriberId, request.accountId],
  );
  if (!account) return { kind: 'not-linked' };
  const today = localDate(core.clock.now(), core.settings.timeZone);
  const months = request.months ?? HISTORY_MONTHS_MAX;
  const windowStart = firstDay(monthBefore(today.slice(0, 7), months - 1));
  // A point before the window is what its first month is measured from.
  const readingsFrom = addDays(windowStart, -400);
  const meters = await q<{ id: number; serial: string; place: string; digits: number; last_reading: number; last_reading_date: string | null }>(
    `SELECT id, serial, place, digits, last_reading, last_reading_date FROM meters WHERE account_id = $1 ORDER BY serial`,
    [request.accountId],
  );
  // A staff correction of a day stands for that day's reading; the latest word on a day wins.
  const readings = await q<{ meter_id: number; value: number; local_date: string }>(
    `SELECT DISTINCT ON (r.meter_id, r.local_date) r.meter_id, r.value, r.local_date
       FROM readings r JOIN meters m ON m.id = r.meter_id
      WHERE m.account_id = $1 AND r.local_date >= $2 AND r.local_date <= $3
      ORDER BY r.meter_id, r.local_date, (r.kind = 'staff-correction') DESC, r.submitted_at DESC, r.id DESC`,
    [request.accountId, readingsFrom, today],
  );
  // Water charged as supply and again as sewerage is the same water: a period's volume is its largest one.
  const billed = await q<{ period: string; volume: string }>(
    `SELECT to_char(period, 'YYYY-MM') AS period, max(volume_m3)::text AS volume FROM charges
      WHERE account_id = $1 AND period >= $2 GROUP BY period`,
    [request.accountId, windowStart],
  );
  const input: HistoryInput = {
    today,
    months,
    meters: meters.map((m) => ({
      meterId: m.id,
      serial: m.serial,
      place: m.place,
      digits: m.digits,
      points: [
        ...(m.last_reading_date && m.last_reading_date >= readingsFrom ? [{ date: m.last_reading_date, value: m.last_reading }] : []),
        ...readings.filter((r) => r.meter_id === m.id).map((r) => ({ date: r.local_date, value: r.value })),
      ],
    })),
    billed: billed.map((b) => ({ period: b.period, volumeM3: Number(b.volume) })),
  };
  return { kind: 'history', accountNumber: account.number, history: consumptionFrom(input) };
}
