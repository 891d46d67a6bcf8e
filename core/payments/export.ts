import iconv from 'iconv-lite';
import type { Database } from '../../models/database.ts';
import { billingCsv } from '../billing/export-readings.ts';
import { isValidLocalDate, type LocalDate } from '../calendar.ts';
import { paymentsForExport } from './listings.ts';

export const PAYMENTS_CSV_HEADER = 'account;paid_at;amount;order_id;provider;provider_id';
export type ExportEncoding = 'utf8' | 'cp1251';

export type PaymentsExport =
  | { kind: 'exported'; rows: number; bytes: Buffer }
  | { kind: 'invalid-range'; problem: 'from-not-a-date' | 'to-not-a-date' | 'from-after-to' };

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
  // Billing's one CSV writer (the readings export's): the same delimiter, quoting and formula guard.
  const rows = payments.map((p) => [p.accountNumber, p.paidAt, hryvnias(p.amountKop), p.orderId, p.provider, p.providerPaymentId]);
  const text = billingCsv(PAYMENTS_CSV_HEADER.split(';'), rows);
  const bytes = options.encoding === 'cp1251' ? iconv.encode(text, 'win1251') : Buffer.from(text, 'utf8');
  return { kind: 'exported', rows: payments.length, bytes };
}
