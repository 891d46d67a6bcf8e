import { wallClock, type LocalDate } from '../calendar.ts';
import type { QuietHours } from './types.ts';

/*
 * A SLOT names one firing of the reminder schedule: the local wall-clock time the cron expression matched, in
 * the reminders' zone, e.g. '2026-11-20T10:00' (seconds are added only when the expression fires on them).
 * So the 20th and the 21st are different slots (a subscriber still due gets one reminder on each), while a
 * restart during the 20th's pass resumes the very same slot and sends nothing twice.
 * A pass started by hand (`send-reminders`) uses 'manual-YYYY-MM-DD': however often it is run that day, each
 * due subscriber gets one manual reminder, besides any scheduled slot of the same day.
 */

/** The slot of a scheduled firing at `firedAt` (the time the expression matched). */
export function scheduledSlot(firedAt: Date, timeZone: string): string {
  const p = wallClock(firedAt, timeZone);
  const base = `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
  return p.second === '00' ? base : `${base}:${p.second}`;
}

export function manualSlot(today: LocalDate): string {
  return `manual-${today}`;
}

/** The local day a slot belongs to. */
export function slotDay(slot: string): LocalDate {
  return slot.startsWith('manual-') ? slot.slice('manual-'.length, 'manual-'.length + 10) : slot.slice(0, 10);
}

export function isQuietHour(hour: number, quiet: QuietHours | null): boolean {
  if (!quiet) return false;
  return quiet.fromHour < quiet.toHour
    ? hour >= quiet.fromHour && hour < quiet.toHour
    : hour >= quiet.fromHour || hour < quiet.toHour;
}
