import type { LocalDate } from '../calendar.ts';
import type { ReadingReceipt } from '../readings/types.ts';

/** Why one reading of an SMS was not stored, as core's readings rules say (never 'not-linked': the phone decides). */
export type SmsRefusal =
  | { kind: 'same-day'; retryOn: LocalDate }
  | { kind: 'outside-window'; opensOn: LocalDate }
  | { kind: 'verification-overdue'; due: LocalDate }
  | { kind: 'invalid-value' }
  | { kind: 'over-capacity'; maxValue: number }
  | { kind: 'lower'; lastValue: number }
  /** A confirmed jump needs a photo of the meter (READINGS_PHOTO_REQUIRED_ABOVE_JUMP), which an SMS cannot carry. */
  | { kind: 'photo-required' };

/** What became of one reading («ХВ-001 1540») of an SMS. */
export type SmsReadingOutcome =
  | { kind: 'accepted'; receipt: ReadingReceipt }
  | { kind: 'refused'; meterSerial: string; value: string; refusal: SmsRefusal }
  /** A large consumption: stored as pending, the phone confirms it with «ТАК» within the hour. */
  | { kind: 'needs-confirmation'; meterSerial: string; value: number; consumption: number; days: number }
  /** Several meters fit (or none was named and the phone has several): the serials to write. */
  | { kind: 'ambiguous'; target: string | null; serials: string[] }
  /** No meter of the phone's accounts fits what was typed. */
  | { kind: 'unknown-meter'; target: string; serials: string[] };

export type SmsOutcome =
  /** No account knows this phone. */
  | { kind: 'unknown-phone' }
  /** The phone's accounts have no meters at all. */
  | { kind: 'no-meters' }
  | { kind: 'help' }
  /** «СТОП»: no reminders by SMS to this phone. */
  | { kind: 'stopped' }
  /** Not a reading nor a word we know; the serials help the reply show the format. */
  | { kind: 'unreadable'; serials: string[] }
  /** «ТАК» with nothing pending (never asked, or the hour is over). */
  | { kind: 'nothing-to-confirm' }
  | { kind: 'readings'; results: SmsReadingOutcome[] };
