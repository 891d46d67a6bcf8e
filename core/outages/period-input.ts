import { wallClock } from '../calendar.ts';
import { instantOfLocal } from './local-time.ts';

// What staff type for an outage's time in the staff group's form: local times in the utility's zone, the way
// people write them in a chat («09:00-18:00», «06.12 09:00 – 06.12 18:00», «2026-12-06 09:00 - 14:00»). The
// rules (what is understood, end after start, not already over) are here, once; the form only shows the outcome.

export type PeriodInput =
  | { kind: 'period'; startsAt: string; endsAt: string }
  | { kind: 'unreadable' }
  | { kind: 'end-before-start' }
  | { kind: 'already-over' };

export type EndInput = { kind: 'end'; endsAt: string } | { kind: 'unreadable' } | { kind: 'end-before-start' } | { kind: 'already-over' };

interface LocalMoment {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const TIME = String.raw`(\d{1,2})[:.](\d{2})`;
const DATE = String.raw`(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})\.(\d{1,2})(?:\.(\d{2}|\d{4}))?)`;
/** One moment: an optional date, then a time (a date alone is not a moment). */
const MOMENT = new RegExp(String.raw`^(?:${DATE}\s+)?${TIME}$`);
const MOMENT_TIME_ONLY = new RegExp(`^${TIME}$`);

/** The instant of a local moment, or null in the hour skipped when clocks go forward. */
function instantOf(m: LocalMoment, timeZone: string): Date | null {
  const date = `${m.year}-${String(m.month).padStart(2, '0')}-${String(m.day).padStart(2, '0')}`;
  return instantOfLocal(date, m.hour, m.minute, timeZone);
}

function valid(m: LocalMoment): boolean {
  if (m.hour > 23 || m.minute > 59 || m.month < 1 || m.month > 12 || m.day < 1) return false;
  return m.day <= new Date(Date.UTC(m.year, m.month, 0)).getUTCDate();
}

/** One typed moment, its missing date taken from `base` (the local day it belongs to). */
function readMoment(text: string, base: { year: number; month: number; day: number }): LocalMoment | null {
  const match = MOMENT.exec(text.trim());
  if (!match) return null;
  const [, isoY, isoM, isoD, d, mo, y, hh, mm] = match;
  let date = base;
  if (isoY) date = { year: Number(isoY), month: Number(isoM), day: Number(isoD) };
  else if (d) {
    const year = y === undefined ? base.year : y.length === 2 ? 2000 + Number(y) : Number(y);
    date = { year, month: Number(mo), day: Number(d) };
  }
  const moment = { ...date, hour: Number(hh), minute: Number(mm) };
  return valid(moment) ? moment : null;
}

function today(now: Date, timeZone: string): { year: number; month: number; day: number } {
  const c = wallClock(now, timeZone);
  return { year: Number(c.year), month: Number(c.month), day: Number(c.day) };
}

/**
 * «з – по»: two moments joined by a dash (-, –, —) or «до». A moment without a date is today's; an end without a
 * date is on the start's day, or the next one when its time is earlier (a night's works, «22:00-06:00»).
 */
export function parsePeriodInput(text: string, now: Date, timeZone: string): PeriodInput {
  const parts = text
    .trim()
    .replace(/^з\s+/i, '')
    .split(/\s*[–—]\s*|(?<=\d[:.]\d{2})\s*-\s*|\s+-\s+|\s+(?:до|по)\s+/i);
  if (parts.length !== 2) return { kind: 'unreadable' };
  const start = readMoment(parts[0]!, today(now, timeZone));
  if (!start) return { kind: 'unreadable' };
  let end = readMoment(parts[1]!, start);
  if (!end) return { kind: 'unreadable' };
  if (MOMENT_TIME_ONLY.test(parts[1]!.trim()) && end.hour * 60 + end.minute <= start.hour * 60 + start.minute) {
    const next = new Date(Date.UTC(start.year, start.month - 1, start.day + 1));
    end = { ...end, year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
  }
  const startsAt = instantOf(start, timeZone);
  const endsAt = instantOf(end, timeZone);
  if (!startsAt || !endsAt) return { kind: 'unreadable' };
  if (endsAt.getTime() <= startsAt.getTime()) return { kind: 'end-before-start' };
  if (endsAt.getTime() <= now.getTime()) return { kind: 'already-over' };
  return { kind: 'period', startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() };
}

/**
 * A new end for an outage that started at `startsAt`: a time alone is today's, or the next occurrence of it after
 * now when today's has passed; it must be after the start and not already over.
 */
export function parseEndInput(text: string, startsAt: string, now: Date, timeZone: string): EndInput {
  const trimmed = text.trim().replace(/^до\s+/i, '');
  let end = readMoment(trimmed, today(now, timeZone));
  if (!end) return { kind: 'unreadable' };
  let endsAt = instantOf(end, timeZone);
  if (endsAt && MOMENT_TIME_ONLY.test(trimmed) && endsAt.getTime() <= now.getTime()) {
    const next = new Date(Date.UTC(end.year, end.month - 1, end.day + 1));
    end = { ...end, year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
    endsAt = instantOf(end, timeZone);
  }
  if (!endsAt) return { kind: 'unreadable' };
  if (endsAt.getTime() <= new Date(startsAt).getTime()) return { kind: 'end-before-start' };
  if (endsAt.getTime() <= now.getTime()) return { kind: 'already-over' };
  return { kind: 'end', endsAt: endsAt.toISOString() };
}
