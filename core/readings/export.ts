import { QueryTypes } from 'sequelize';
import type { LocalDate } from '../calendar.ts';
import type { Database } from '../../models/database.ts';
import type { ExportedReading } from './types.ts';

interface Row {
  account_number: string;
  meter_serial: string;
  value: number;
  local_date: LocalDate;
  submitted_at: Date;
  channel: ExportedReading['channel'];
  kind: ExportedReading['kind'];
}

/**
 * Readings for billing between two local days (inclusive), one per meter and day — the latest, so a staff
 * correction made the same day replaces the subscriber's value — ordered by account, meter and day.
 */
export async function readingsForExport(
  deps: { db: Database } | Database,
  range: { from: LocalDate; to: LocalDate },
): Promise<ExportedReading[]> {
  const db = 'db' in deps ? deps.db : deps;
  const rows = await db.sequelize.query<Row>(
    `SELECT a.number AS account_number, m.serial AS meter_serial, r.value, r.local_date, r.submitted_at, r.channel, r.kind
       FROM (
         SELECT DISTINCT ON (meter_id, local_date) *
           FROM readings
          WHERE local_date BETWEEN :from AND :to
          ORDER BY meter_id, local_date, submitted_at DESC, id DESC
       ) r
       JOIN meters m ON m.id = r.meter_id
       JOIN accounts a ON a.id = m.account_id
      ORDER BY a.number, m.serial, r.local_date`,
    { replacements: range, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({
    accountNumber: row.account_number,
    meterSerial: row.meter_serial,
    value: row.value,
    localDate: row.local_date,
    submittedAt: new Date(row.submitted_at).toISOString(),
    channel: row.channel,
    kind: row.kind,
  }));
}
