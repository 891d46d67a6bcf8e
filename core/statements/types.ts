import type { LocalDate } from '../calendar.ts';

/** The utility's own details as the statement and the payment QR code carry them (config: UTILITY_*). */
export interface UtilityDetails {
  name: string;
  address?: string | undefined;
  /** ЄДРПОУ: the receiver's code in the payment QR code. */
  edrpou?: string | undefined;
  /** The account payments go to (UA…, 29 characters, checked by its mod-97 check digits in config). */
  iban?: string | undefined;
  bank?: string | undefined;
  phone?: string | undefined;
}

export interface StatementCharge {
  service: string;
  volumeM3: string;
  amountKop: number;
}

export interface StatementMeter {
  serial: string;
  service: string;
  place: string;
  /** The last value known before the period began, and its day; null when nothing is known that early. */
  startValue: number | null;
  startDate: LocalDate | null;
  /** The last value known by the period's last day. */
  endValue: number | null;
  endDate: LocalDate | null;
  verificationDue: LocalDate | null;
}

/**
 * One account's statement for one billing period. Balances are positive for a debt. Billing exports only the
 * current balance, so the period's balances are derived from it with the charges and payments booked since
 * (see statementOf): closing = balance now − charges of later periods + payments made after the period.
 */
export interface Statement {
  /** The period's first day, as billing keys charges ('2026-11-01'). */
  period: LocalDate;
  periodEnd: LocalDate;
  account: { number: string; holder: string; address: string };
  openingKop: number;
  chargedKop: number;
  paidKop: number;
  closingKop: number;
  /** What the statement asks to be paid: the closing debt, or nothing when the account is paid up or ahead. */
  toPayKop: number;
  charges: StatementCharge[];
  payments: { paidOn: LocalDate; amountKop: number }[];
  meters: StatementMeter[];
  /** The day the statement was drawn up (Kyiv). */
  issuedOn: LocalDate;
}

export type StatementOutcome = { kind: 'statement'; statement: Statement } | { kind: 'not-linked' } | { kind: 'no-charges' };

export type StatementPeriodsOutcome = { kind: 'periods'; periods: LocalDate[] } | { kind: 'not-linked' };
