import { QueryTypes } from 'sequelize';
import type { Database } from '../../models/database.ts';
import { isValidLocalDate, type LocalDate } from '../calendar.ts';

export const READINGS_CSV_HEADER = 'account;meter;reading;date;submitted_at;channel';

export type ReadingsExport =
  | { kind: 'exported'; rows: number; csv: string }
  | { kind: 'invalid-range'; problem: 'from-not-a-date' | 'to-not-a-date' | 'from-after-to' };

interface ExportRow {
  account: string;
  meter: string;
  reading: number;
  local_date: string;
  submitted_at: Date;
  channel: string;
}

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

  const rows = await db.sequelize.query<ExportRow>(
    `SELECT account, meter, reading, local_date, submitted_at, channel FROM (
       SELECT DISTINCT ON (r.meter_id, r.local_date)
              a.number AS account, m.serial AS meter, r.value AS reading, r.local_date, r.submitted_at, r.channel
         FROM readings r
         JOIN meters m ON m.id = r.meter_id
         JOIN accounts a ON a.id = m.account_id
        WHERE r.local_date BETWEEN :from AND :to
        ORDER BY r.meter_id, r.local_date, r.submitted_at DESC, r.id DESC
     ) latest
     ORDER BY account, meter, local_date`,
    { type: QueryTypes.SELECT, replacements: { from: range.from, to: range.to } },
  );
  const lines = rows.map((r) =>
    [r.account, r.meter, String(r.reading), r.local_date, new Date(r.submitted_at).toISOString(), r.channel].map(csvField).join(';'),
  );
  return { kind: 'exported', rows: rows.length, csv: [READINGS_CSV_HEADER, ...lines].join('\n') + '\n' };
}
