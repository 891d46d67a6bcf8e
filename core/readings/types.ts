import type { Clock } from '../clock.ts';
import type { LocalDate } from '../calendar.ts';
import type { CoreSettings } from '../settings.ts';
import type { Database } from '../../models/database.ts';
import type { Channel, ReadingChannel, ReadingCorrection } from '../../models/models.ts';
import type { PhotoRefusal, PhotoSource } from './photos.ts';

export type { CoreDeps as ReadingsDeps } from '../deps.ts';

/** A meter as the subscriber picks it: what it is, what was last known of it, and whether today's reading is in. */
export interface MeterChoice {
  meterId: number;
  serial: string;
  service: string;
  place: string;
  /** Black digits the meter shows: values above 10^digits − 1 cannot be on it. */
  digits: number;
  lastValue: number;
  lastValueDate: LocalDate | null;
  verificationDue: LocalDate | null;
  /** A subscriber reading is already in for this meter today (the zone's day). */
  submittedToday: boolean;
}

export interface AccountMeters {
  accountId: number;
  number: string;
  address: string;
  meters: MeterChoice[];
}

export type NotLinked = { kind: 'not-linked' };
export type SameDay = { kind: 'same-day'; retryOn: LocalDate };
export type OutsideWindow = { kind: 'outside-window'; opensOn: LocalDate };
export type VerificationOverdue = { kind: 'verification-overdue'; due: LocalDate };

/** Why a meter takes no reading right now, known before the subscriber types a value. */
export type ReadingClosed = NotLinked | SameDay | OutsideWindow | VerificationOverdue;

export type ReadingOpenOutcome = { kind: 'open'; meter: MeterChoice } | ReadingClosed;

export interface ReadingReceipt {
  readingId: number;
  meterSerial: string;
  value: number;
  localDate: LocalDate;
  /** The billing period the reading counts for, 'YYYY-MM'. */
  period: string;
  consumption: number;
  previousValue: number;
  /** The use per day is far above this meter's usual: the subscriber is told what to check. */
  leak: LeakWarning | null;
}

/** An accepted reading whose average use per day is far above the meter's own history (see leak.ts). */
export interface LeakWarning {
  /** m³ a day since the previous value, rounded to hundredths. */
  perDay: number;
  /** The median m³ a day of the meter's last periods. */
  usualPerDay: number;
  /** Days since the previous value. */
  days: number;
}

/** Why a value is not stored as it is: refused, lower than the last one (staff may correct), or to be confirmed. */
export type ReadingRefusal =
  | ReadingClosed
  | { kind: 'invalid-value' }
  | { kind: 'over-capacity'; maxValue: number }
  | { kind: 'lower'; lastValue: number; correction: ReadingCorrection }
  | { kind: 'needs-confirmation'; value: number; consumption: number; days: number; perDay: number }
  /** A jump the subscriber confirmed is taken only with a photo of the meter (READINGS_PHOTO_REQUIRED_ABOVE_JUMP). */
  | { kind: 'photo-required' }
  | PhotoRefusal;

export type SubmitReadingOutcome = { kind: 'accepted'; receipt: ReadingReceipt } | ReadingRefusal;

/** checkReadingValue's answer: the value would be accepted as it is (nothing stored yet), or why not. */
export type CheckReadingOutcome = { kind: 'acceptable'; value: number; consumption: number; previousValue: number } | ReadingRefusal;

export interface SubmitReadingInput {
  subscriberId: number;
  meterId: number;
  /** As typed by the subscriber, or already a number. */
  value: string | number;
  /** The subscriber confirmed an implausibly large consumption. */
  confirmed: boolean;
  channel: ReadingChannel;
  /** A photo of the meter, stored with the reading in one transaction. */
  photo?: PhotoSource;
}

export type StaffCorrectionOutcome =
  | { kind: 'applied'; readingId: number; meterSerial: string; value: number; localDate: LocalDate }
  | { kind: 'already-applied' }
  | { kind: 'not-a-correction' }
  | { kind: 'not-found' }
  | { kind: 'meter-gone' }
  | { kind: 'invalid-value' }
  | { kind: 'over-capacity'; maxValue: number };

export interface ExportedReading {
  accountNumber: string;
  meterSerial: string;
  value: number;
  localDate: LocalDate;
  submittedAt: string;
  channel: ReadingChannel | 'staff';
  kind: 'subscriber' | 'staff-correction';
}

export interface DueSubscriber {
  subscriberId: number;
  channel: Channel;
  channelUserId: string;
  meters: { accountNumber: string; meterSerial: string; meterId: number }[];
}
