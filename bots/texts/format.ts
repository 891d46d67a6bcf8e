// How numbers, money and dates read in every message of both bots: one place, so they never disagree.
import { wallClock } from '../../core/calendar.ts';

/** 25050 → "250,50 грн"; 123456789 → "1 234 567,89 грн". Always the absolute value: the words say which way it goes. */
export function money(kop: number): string {
  const abs = Math.abs(Math.trunc(kop));
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const cents = String(abs % 100).padStart(2, '0');
  return `${whole},${cents} грн`;
}

/** '2026-11-25' → "25.11.2026". */
export function day(localDate: string): string {
  const [year, month, date] = localDate.slice(0, 10).split('-');
  return `${date}.${month}.${year}`;
}

/** '2026-11-01' (a billing period) → "листопад 2026". */
export function period(localDate: string): string {
  const months = ['січень', 'лютий', 'березень', 'квітень', 'травень', 'червень', 'липень', 'серпень', 'вересень', 'жовтень', 'листопад', 'грудень'];
  const [year, month] = localDate.split('-');
  return `${months[Number(month) - 1] ?? month} ${year}`;
}

/** An instant as the wall clock of the utility shows it: "25.11.2026 о 14:30". */
export function moment(iso: string | Date, timeZone: string): string {
  const c = wallClock(typeof iso === 'string' ? new Date(iso) : iso, timeZone);
  return `${c.day}.${c.month}.${c.year} о ${c.hour}:${c.minute}`;
}

/** Ukrainian plural forms: plural(3, ['спроба', 'спроби', 'спроб']) → "спроби". */
export function plural(n: number, forms: readonly [one: string, few: string, many: string]): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return forms[0];
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return forms[1];
  return forms[2];
}

/** A cubic-metre volume from billing ('5.000') as people write it: "5 м³", "2,5 м³". */
export function volume(m3: string | number): string {
  const value = typeof m3 === 'number' ? m3 : Number(m3);
  return `${String(Number(value.toFixed(3))).replace('.', ',')} м³`;
}
