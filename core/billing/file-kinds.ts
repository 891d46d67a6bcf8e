import { isValidLocalDate, periodOf, type LocalDate } from '../calendar.ts';
import { normalizeAccountNumber, normalizePhone, parseAmountKop, parseBillingDate, parseWholeNumber } from '../parse.ts';
import { accountAddressColumns, type AddressColumns } from '../addresses/account-address.ts';

// What each billing export looks like, and how one of its lines becomes a row: a row, or the reasons it is not one.

export type BillingFileKind = 'accounts' | 'meters' | 'payments' | 'charges';

export interface AccountRow {
  number: string;
  surname: string;
  givenNames: string;
  address: string;
  balanceKop: number;
  phone: string | null;
  /** The address in parts, for matching outages (all null when it could not be read: `addressUnread`). */
  parts: AddressColumns;
  /** Why the address could not be read into street and house: listed by the import, the line still goes in. */
  addressUnread: string | null;
}

export interface MeterRow {
  account: string;
  serial: string;
  service: string;
  place: string;
  lastReading: number;
  lastReadingDate: LocalDate;
  verificationDue: LocalDate | null;
  digits: number;
}

export interface PaymentRow {
  account: string;
  paidOn: LocalDate;
  amountKop: number;
}

export interface ChargeRow {
  account: string;
  period: LocalDate;
  service: string;
  /** Cubic metres as exact decimal text ('12.345'), for a numeric(12,3) column. */
  volumeM3: string;
  amountKop: number;
}

export interface RowOf {
  accounts: AccountRow;
  meters: MeterRow;
  payments: PaymentRow;
  charges: ChargeRow;
}

/** Reads a cell by column name, trimmed; '' for an optional column the file does not have. */
export type Cells = (column: string) => string;

export interface KindSpec<K extends BillingFileKind> {
  kind: K;
  required: readonly string[];
  optional: readonly string[];
  /** The row, or every problem found in the line (all at once, so one round of fixes is enough). */
  parse(cell: Cells): RowOf[K] | string[];
  /**
   * The natural key the database upserts on, as (account, rest): a second line with the same key is a
   * duplicate. Two parts, because a map per account stays fast where one map of a million keys does not.
   */
  key(row: RowOf[K]): [string, string];
  keyDescription: string;
}

const INT32_MAX = 2_147_483_647;

const digitAt = (text: string, at: number) => text.charCodeAt(at) - 48;
const isDigitAt = (text: string, at: number) => {
  const digit = digitAt(text, at);
  return digit >= 0 && digit <= 9;
};
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A date already written as `YYYY-MM-DD` and real, checked digit by digit (a payments file has a million of
 * them, and looking each up in a map took more time than this); null for anything else, which
 * parseBillingDate then reads.
 */
function plainIsoDate(text: string): LocalDate | null {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null; // '-'
  for (const at of [0, 1, 2, 3, 5, 6, 8, 9]) if (!isDigitAt(text, at)) return null;
  const year = digitAt(text, 0) * 1000 + digitAt(text, 1) * 100 + digitAt(text, 2) * 10 + digitAt(text, 3);
  const month = digitAt(text, 5) * 10 + digitAt(text, 6);
  const day = digitAt(text, 8) * 10 + digitAt(text, 9);
  if (month < 1 || month > 12 || day < 1) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0) ? text : null;
}

// Billing files repeat the same few hundred dates a million times: each text in another form is read once.
const dates = new Map<string, LocalDate | null>();
function cachedBillingDate(text: string): LocalDate | null {
  const plain = plainIsoDate(text);
  if (plain !== null) return plain;
  let day = dates.get(text);
  if (day === undefined) {
    if (dates.size > 100_000) dates.clear();
    day = parseBillingDate(text);
    dates.set(text, day);
  }
  return day;
}

/**
 * Kopecks of an amount written plainly, `-?d{1,9}([.,]d{1,2})?`, digit by digit (a payments file has a million
 * of them); null for any other form, which parseAmountKop then reads (spaces, "грн").
 */
function plainAmountKop(text: string): number | null {
  const negative = text.charCodeAt(0) === 45; // '-'
  let at = negative ? 1 : 0;
  let kop = 0;
  const wholeFrom = at;
  for (let digit = text.charCodeAt(at) - 48; digit >= 0 && digit <= 9; digit = text.charCodeAt(at) - 48) {
    kop = kop * 10 + digit;
    at += 1;
  }
  const wholeDigits = at - wholeFrom;
  if (wholeDigits < 1 || wholeDigits > 9) return null;
  kop *= 100;
  if (at < text.length) {
    const mark = text.charCodeAt(at);
    const decimals = text.length - at - 1;
    if ((mark !== 46 && mark !== 44) || decimals < 1 || decimals > 2) return null; // '.' or ','
    const tens = text.charCodeAt(at + 1) - 48;
    const ones = decimals === 2 ? text.charCodeAt(at + 2) - 48 : 0;
    if (tens < 0 || tens > 9 || ones < 0 || ones > 9) return null;
    kop += tens * 10 + ones;
  }
  return negative ? -kop : kop;
}

const amountKop = (text: string): number | null => plainAmountKop(text) ?? parseAmountKop(text);

// Most account numbers are plain digits, already in the form normalizeAccountNumber gives them; meters and
// payments come grouped by account, so the same text many lines in a row is checked once.
const plainAccountNumber = /^\d{1,20}$/;
let lastAccountText = '';
let lastAccountNumber: string | null = null;
function cachedAccountNumber(text: string): string | null {
  if (text !== lastAccountText) {
    lastAccountNumber = plainAccountNumber.test(text) ? text : normalizeAccountNumber(text);
    lastAccountText = text;
  }
  return lastAccountNumber;
}

// Meter values are mostly plain digits, which parseWholeNumber would only confirm.
const plainWholeNumber = /^\d{1,10}$/;
const wholeNumber = (text: string) => (plainWholeNumber.test(text) ? Number(text) : parseWholeNumber(text));

// Each reader returns the value, or pushes the problem and returns undefined.

function accountNumber(text: string, problems: string[]): string | undefined {
  if (text === '') {
    problems.push('account number is empty');
    return undefined;
  }
  const number = cachedAccountNumber(text);
  if (number === null) problems.push(`account number "${text}" is not valid (up to 20 digits or letters)`);
  return number ?? undefined;
}

function required(text: string, what: string, problems: string[]): string | undefined {
  if (text !== '') return text;
  problems.push(`${what} is empty`);
  return undefined;
}

function amount(text: string, what: string, problems: string[]): number | undefined {
  const kop = amountKop(text);
  if (kop === null) problems.push(`${what} "${text}" is not an amount of money (e.g. 1234.50 or 1234,50)`);
  else if (Math.abs(kop) > INT32_MAX) problems.push(`${what} "${text}" is too large`);
  else return kop;
  return undefined;
}

function date(text: string, what: string, problems: string[]): LocalDate | undefined {
  const day = cachedBillingDate(text);
  if (day === null) problems.push(`${what} "${text}" is not a date (YYYY-MM-DD or DD.MM.YYYY)`);
  return day ?? undefined;
}

function optionalDate(text: string, what: string, problems: string[]): LocalDate | null | undefined {
  return text === '' ? null : date(text, what, problems);
}

function period(text: string, problems: string[]): LocalDate | undefined {
  const month = /^(\d{4})-(\d{1,2})$/.exec(text);
  const first = month ? `${month[1]}-${month[2]!.padStart(2, '0')}-01` : cachedBillingDate(text);
  if (first !== null && isValidLocalDate(first)) return periodOf(first);
  problems.push(`period "${text}" is not a month (YYYY-MM) or a date`);
  return undefined;
}

function volume(text: string, problems: string[]): string | undefined {
  const match = /^(-?)(\d{1,9})(?:[.,](\d{1,3}))?$/.exec(text.replace(/[\s\u00a0]/g, ''));
  if (!match) {
    problems.push(`volume "${text}" is not a number of cubic metres (at most 3 decimals, e.g. 5.125)`);
    return undefined;
  }
  const [, sign, whole, fraction = ''] = match;
  return `${sign}${Number(whole)}.${fraction.padEnd(3, '0')}`;
}

function phone(text: string, problems: string[]): string | null | undefined {
  if (text === '') return null;
  const normalized = normalizePhone(text);
  // The number itself is not repeated: error listings end up in terminals and mail.
  if (normalized === null) problems.push('phone is not a Ukrainian phone number (e.g. +380671234567 or 0671234567)');
  return normalized ?? undefined;
}

function meterValue(text: string, problems: string[]): number | undefined {
  const value = wholeNumber(text);
  if (value === null) problems.push(`last reading "${text}" is not a whole number`);
  return value ?? undefined;
}

function digitCount(text: string, problems: string[]): number | undefined {
  const value = wholeNumber(text);
  if (value !== null && value >= 1 && value <= 9) return value;
  problems.push(`digits "${text}" is not a whole number from 1 to 9`);
  return undefined;
}

export const accountsSpec: KindSpec<'accounts'> = {
  kind: 'accounts',
  required: ['account', 'surname', 'given_names', 'address', 'balance'],
  // street;house;flat: the address in parts, as billing exports usually have it; without them the address is read.
  optional: ['phone', 'street', 'house', 'flat'],
  parse(cell) {
    const problems: string[] = [];
    const number = accountNumber(cell('account'), problems);
    const surname = required(cell('surname'), 'surname', problems);
    const address = required(cell('address'), 'address', problems);
    const balanceKop = amount(cell('balance'), 'balance', problems);
    const phoneNumber = phone(cell('phone'), problems);
    if (problems.length > 0) return problems;
    const { parts, unread } = accountAddressColumns(address!, { street: cell('street'), house: cell('house'), flat: cell('flat') });
    return { number: number!, surname: surname!, givenNames: cell('given_names'), address: address!, balanceKop: balanceKop!, phone: phoneNumber!, parts, addressUnread: unread };
  },
  key: (row) => [row.number, ''],
  keyDescription: 'account number',
};

export const metersSpec: KindSpec<'meters'> = {
  kind: 'meters',
  required: ['account', 'meter', 'service', 'place', 'last_reading', 'last_reading_date', 'verification_due', 'digits'],
  optional: [],
  parse(cell) {
    const problems: string[] = [];
    const account = accountNumber(cell('account'), problems);
    const serial = required(cell('meter'), 'meter number', problems);
    const service = required(cell('service'), 'service', problems);
    const lastReading = meterValue(cell('last_reading'), problems);
    const lastReadingDate = date(cell('last_reading_date'), 'last reading date', problems);
    const verificationDue = optionalDate(cell('verification_due'), 'verification due date', problems);
    const digits = digitCount(cell('digits'), problems);
    if (lastReading !== undefined && digits !== undefined && lastReading >= 10 ** digits) {
      problems.push(`last reading ${lastReading} does not fit on a ${digits}-digit meter`);
    }
    if (problems.length > 0) return problems;
    return {
      account: account!,
      serial: serial!,
      service: service!,
      place: cell('place'),
      lastReading: lastReading!,
      lastReadingDate: lastReadingDate!,
      verificationDue: verificationDue!,
      digits: digits!,
    };
  },
  key: (row) => [row.account, row.serial],
  keyDescription: 'account and meter',
};

export const paymentsSpec: KindSpec<'payments'> = {
  kind: 'payments',
  required: ['account', 'date', 'amount'],
  optional: [],
  parse(cell) {
    const problems: string[] = [];
    const account = accountNumber(cell('account'), problems);
    const paidOn = date(cell('date'), 'date', problems);
    const amountKop = amount(cell('amount'), 'amount', problems);
    if (amountKop === 0) problems.push('amount is zero');
    if (problems.length > 0) return problems;
    return { account: account!, paidOn: paidOn!, amountKop: amountKop! };
  },
  key: (row) => [row.account, `${row.paidOn}|${row.amountKop}`],
  keyDescription: 'account, date and amount',
};

export const chargesSpec: KindSpec<'charges'> = {
  kind: 'charges',
  required: ['account', 'period', 'service', 'volume', 'amount'],
  optional: [],
  parse(cell) {
    const problems: string[] = [];
    const account = accountNumber(cell('account'), problems);
    const month = period(cell('period'), problems);
    const service = required(cell('service'), 'service', problems);
    const volumeM3 = volume(cell('volume'), problems);
    const amountKop = amount(cell('amount'), 'amount', problems);
    if (problems.length > 0) return problems;
    return { account: account!, period: month!, service: service!, volumeM3: volumeM3!, amountKop: amountKop! };
  },
  key: (row) => [row.account, `${row.period}|${row.service}`],
  keyDescription: 'account, period and service',
};

export type AnyKindSpec = { [K in BillingFileKind]: KindSpec<K> }[BillingFileKind];

/** In the order files are imported: the others refer to accounts. */
export const kindSpecs: readonly AnyKindSpec[] = [accountsSpec, metersSpec, chargesSpec, paymentsSpec];

export function normalizeHeaderName(name: string): string {
  return name.trim().toLowerCase();
}

/** The kind whose columns the header has, all of them and nothing else (optional ones aside). */
export function kindOfHeader(names: readonly string[]): AnyKindSpec | null {
  const header = names.map(normalizeHeaderName);
  if (new Set(header).size !== header.length) return null;
  return (
    kindSpecs.find(
      (spec) => spec.required.every((name) => header.includes(name)) && header.every((name) => spec.required.includes(name) || spec.optional.includes(name)),
    ) ?? null
  );
}

export function describeExpectedHeaders(): string {
  return kindSpecs
    .map((spec) => `${spec.kind}: ${spec.required.join(';')}${spec.optional.map((name) => ` [;${name}]`).join('')}`)
    .join('  |  ');
}

/** Why a header is not one we know: the closest kind's missing and unexpected columns, and every kind we know. */
export function explainUnknownHeader(names: readonly string[]): string {
  const header = names.map(normalizeHeaderName);
  const duplicated = header.filter((name, i) => name !== '' && header.indexOf(name) !== i);
  const closest = kindSpecs
    .map((spec) => ({
      spec,
      missing: spec.required.filter((name) => !header.includes(name)),
      unexpected: header.filter((name) => !spec.required.includes(name) && !spec.optional.includes(name)),
    }))
    .filter((c) => c.missing.length < c.spec.required.length / 2)
    .sort((a, b) => a.missing.length + a.unexpected.length - (b.missing.length + b.unexpected.length))[0];
  const parts = [`unknown header "${names.join(';')}"`];
  if (duplicated.length > 0) parts.push(`repeated columns: ${[...new Set(duplicated)].join(', ')}`);
  if (closest) {
    const details = [
      closest.missing.length > 0 ? `missing ${closest.missing.join(', ')}` : '',
      closest.unexpected.length > 0 ? `unexpected ${closest.unexpected.map((n) => (n === '' ? '(empty)' : n)).join(', ')}` : '',
    ].filter(Boolean);
    if (details.length > 0) parts.push(`looks like ${closest.spec.kind} but ${details.join('; ')}`);
  }
  parts.push(`expected the columns of one of: ${describeExpectedHeaders()}`);
  return parts.join('. ');
}
