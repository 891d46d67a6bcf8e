import { isValidLocalDate, type LocalDate } from './calendar.ts';

// Readers for what people and billing files type: each returns null when the text is not what it claims to be.

/**
 * Money as typed by a person or a billing export, in kopecks: "1234,50", "1 234.5", "1234.50 грн", "-12,3".
 * More than two decimals is not money; an answer that only rounds to the right amount is not the amount paid.
 */
export function parseAmountKop(text: string): number | null {
  const cleaned = text
    .trim()
    .replace(/\s*(грн\.?|uah|₴)$/iu, '')
    .replace(/[\s\u00a0\u202f']/gu, '');
  const match = /^(-?)(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const kop = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return sign === '-' ? -kop : kop;
}

/** Ukrainian mobile and landline numbers in any common form, as 12 digits '380XXXXXXXXX'. */
export function normalizePhone(text: string): string | null {
  const digits = text.replace(/[\s()\-.+]/g, '');
  if (!/^\d+$/.test(digits)) return null;
  if (/^380\d{9}$/.test(digits)) return digits;
  if (/^80\d{9}$/.test(digits)) return `3${digits}`;
  if (/^0\d{9}$/.test(digits)) return `38${digits}`;
  return null;
}

/** Billing dates: 'YYYY-MM-DD' or 'DD.MM.YYYY'. */
export function parseBillingDate(text: string): LocalDate | null {
  const trimmed = text.trim();
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(trimmed);
  const iso = dotted ? `${dotted[3]}-${dotted[2]!.padStart(2, '0')}-${dotted[1]!.padStart(2, '0')}` : trimmed;
  return isValidLocalDate(iso) ? iso : null;
}

/** A meter value as typed: whole cubic metres, digits only (spaces allowed between groups). */
export function parseWholeNumber(text: string): number | null {
  const cleaned = text.trim().replace(/[\s\u00a0]/g, '');
  if (!/^\d{1,10}$/.test(cleaned)) return null;
  const value = Number(cleaned);
  return Number.isSafeInteger(value) ? value : null;
}

/** Account numbers as typed: digits (and the dashes some bills print); leading zeros kept, they belong to the number. */
export function normalizeAccountNumber(text: string): string | null {
  const cleaned = text.trim().replace(/[\s\-–]/g, '');
  return /^[0-9A-Za-zА-Яа-яІіЇїЄєҐґ/]{1,20}$/u.test(cleaned) ? cleaned.toUpperCase() : null;
}
