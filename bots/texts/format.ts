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

const pluralRules = new Intl.PluralRules('uk');

/**
 * The form of a Ukrainian word that goes with a count, by CLDR's rules (Intl.PluralRules('uk')):
 * plural(1, ['спроба', 'спроби', 'спроб']) → "спроба", 3 → "спроби", 5 → "спроб", 21 → "спроба", 11 → "спроб".
 * Fractions take the `few` form ("1,5 спроби" is what people write).
 */
export function plural(n: number, forms: readonly [one: string, few: string, many: string]): string {
  switch (pluralRules.select(n)) {
    case 'one':
      return forms[0];
    case 'many':
      return forms[2];
    default:
      return forms[1];
  }
}

/** The count with its word: count(2, ['спроба', 'спроби', 'спроб']) → "2 спроби". */
export function count(n: number, forms: readonly [one: string, few: string, many: string]): string {
  return `${n} ${plural(n, forms)}`;
}

/** A cubic-metre volume from billing ('5.000') as people write it: "5 м³", "2,5 м³". */
export function volume(m3: string | number): string {
  const value = typeof m3 === 'number' ? m3 : Number(m3);
  return `${String(Number(value.toFixed(3))).replace('.', ',')} м³`;
}

/**
 * A Ukrainian given name in the vocative, for greetings ("Оксано", "Андрію"), by the shevchenko library; a name
 * it cannot tell the gender of (a nickname, Latin letters, "Мама") stays as written. Loaded on first use: the
 * library brings TensorFlow.js along (for surnames, which are not declined here).
 */
export async function vocative(displayName: string): Promise<string> {
  const name = displayName.trim();
  const first = name.split(/\s+/u)[0] ?? '';
  if (!/^[А-ЩЬЮЯҐЄІЇа-щьюяґєії'’ʼ-]{2,}$/u.test(first)) return name;
  try {
    const shevchenko = await import('shevchenko');
    const gender = await shevchenko.detectGender({ givenName: first });
    if (gender === null) return name;
    const declined = await shevchenko.inVocative({ gender, givenName: first });
    return declined.givenName ?? name;
  } catch {
    // A name the library rejects is greeted as written: a greeting never fails a flow.
    return name;
  }
}
