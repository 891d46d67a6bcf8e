import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseAmountKop } from '../parse.ts';

// How a typed proof answer is read and compared. Comparison goes through HMAC digests of equal length, so
// neither the length nor the first differing character of the expected value can leak through timing.

/** Latin letters that look like Cyrillic ones: phones and keyboards switched mid-word produce them. */
const LOOK_ALIKES: Record<string, string> = {
  a: 'а', b: 'в', c: 'с', e: 'е', h: 'н', i: 'і', k: 'к', m: 'м', o: 'о', p: 'р', t: 'т', x: 'х', y: 'у',
  ï: 'ї', // Latin i with diaeresis, as typed for "ї"
};

/** Every apostrophe people type in Ukrainian names (', ’, ʼ, `, ‘, ′, ʹ): they are ignored, not compared. */
const APOSTROPHES = /['’ʼ`‘′ʹ]/gu;

/**
 * The letters of a surname as compared: NFC, lower case, apostrophes dropped, Latin look-alikes mapped to
 * Cyrillic, anything that is not a letter dropped ("Мар'яненко" and "МАРʼЯНЕНКО" read the same).
 */
export function surnameLetters(text: string): string {
  const lowered = text.normalize('NFC').toLocaleLowerCase('uk').replace(APOSTROPHES, '');
  let out = '';
  for (const ch of lowered) {
    const mapped = LOOK_ALIKES[ch] ?? ch;
    if (/\p{L}/u.test(mapped)) out += mapped;
  }
  return out.normalize('NFC');
}

export const SURNAME_PREFIX_LENGTH = 3;

/** The first three letters of what was typed (the whole surname is fine too), or null when fewer than three. */
export function surnameAnswer(text: string): string | null {
  const letters = [...surnameLetters(text)];
  return letters.length >= SURNAME_PREFIX_LENGTH ? letters.slice(0, SURNAME_PREFIX_LENGTH).join('') : null;
}

/** The amount of a payment as typed, in kopecks; null unless it is a positive amount of money. */
export function paymentAnswer(text: string): number | null {
  const kop = parseAmountKop(text);
  return kop !== null && kop > 0 ? kop : null;
}

// A key of this process only: digests are compared and thrown away, never stored.
const digestKey = randomBytes(32);

function digest(value: string): Buffer {
  return createHmac('sha256', digestKey).update(value, 'utf8').digest();
}

/**
 * Whether `given` equals any of `expected`, comparing every candidate (no early exit on a match), so the
 * time taken does not depend on which candidate matched or whether any was real.
 */
export function matchesAny(given: string, expected: readonly string[]): boolean {
  const givenDigest = digest(given);
  let matched = 0;
  for (const candidate of expected) matched |= timingSafeEqual(givenDigest, digest(candidate)) ? 1 : 0;
  return matched === 1;
}
