import type { Database } from '../../models/database.ts';
import { isValidLocalDate, type LocalDate } from '../calendar.ts';
import { readingsForExport } from '../readings/export.ts';

export const READINGS_CSV_HEADER = 'account;meter;reading;date;submitted_at;channel';

export type ReadingsExport =
  | { kind: 'exported'; rows: number; csv: string }
  | { kind: 'invalid-range'; problem: 'from-not-a-date' | 'to-not-a-date' | 'from-after-to' };

function csvField(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The readings billing should take for the days from `from` to `to` (local days, both included): for each
 * meter and day only the latest one, be it the subscriber's or a staff correction, as UTF-8 CSV.
 */
export async function exportReadings(db: Database, range: { from: LocalDate; to: LocalDate }): Promise<ReadingsExport> {
  if (!isValidLocalDate(range.from)) return { kind: 'invalid-range', problem: 'from-not-a-date' };
  if (!isValidLocalDate(range.to)) return { kind: 'invalid-range', problem: 'to-not-a-date' };
  if (range.from > range.to) return { kind: 'invalid-range', problem: 'from-after-to' };

  const rows = await readingsForExport(db, range);
  const lines = rows.map((r) =>
    [r.accountNumber, r.meterSerial, String(r.value), r.localDate, r.submittedAt, r.channel].map(csvField).join(';'),
  );
  return { kind: 'exported', rows: rows.length, csv: [READINGS_CSV_HEADER, ...lines].join('\n') + '\n' };
}
