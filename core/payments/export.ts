import iconv from 'iconv-lite';
import type { Database } from '../../models/database.ts';
import { isValidLocalDate, type LocalDate } from '../calendar.ts';
import { paymentsForExport } from './listings.ts';

export const PAYMENTS_CSV_HEADER = 'account;paid_at;amount;order_id;provider;provider_id';
export type ExportEncoding = 'utf8' | 'cp1251';

export type PaymentsExport =
  | { kind: 'exported'; rows: number; bytes: Buffer }
  | { kind: 'invalid-range'; problem: 'from-not-a-date' | 'to-not-a-date' | 'from-after-to' };

/**
 * One cell, safe to open in a spreadsheet: a value a spreadsheet would take for a formula (= + - @, a tab or a
 * carriage return first) gets a leading apostrophe; a delimiter, quote or line break gets it quoted.
 */
export function csvCell(value: string): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(inert) ? `"${inert.replace(/"/g, '""')}"` : inert;
}

function hryvnias(kop: number): string {
  return `${Math.trunc(kop / 100)}.${String(kop % 100).padStart(2, '0')}`;
}

/** Online payments of the days from `from` to `to` for billing, in UTF-8 or the Windows-1251 older billing reads. */
export async function exportPayments(
  db: Database,
  range: { from: LocalDate; to: LocalDate },
  options: { timeZone: string; encoding: ExportEncoding },
): Promise<PaymentsExport> {
  if (!isValidLocalDate(range.from)) return { kind: 'invalid-range', problem: 'from-not-a-date' };
  if (!isValidLocalDate(range.to)) return { kind: 'invalid-range', problem: 'to-not-a-date' };
  if (range.from > range.to) return { kind: 'invalid-range', problem: 'from-after-to' };
  const payments = await paymentsForExport(db, range, options.timeZone);
  const lines = payments.map((p) =>
    [p.accountNumber, p.paidAt, hryvnias(p.amountKop), p.orderId, p.provider, p.providerPaymentId].map(csvCell).join(';'),
  );
  const text = [PAYMENTS_CSV_HEADER, ...lines].join('\n') + '\n';
  const bytes = options.encoding === 'cp1251' ? iconv.encode(text, 'win1251') : Buffer.from(text, 'utf8');
  return { kind: 'exported', rows: payments.length, bytes };
}
