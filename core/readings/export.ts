import { QueryTypes } from 'sequelize';
import type { LocalDate } from '../calendar.ts';
import type { Database } from '../../models/database.ts';
import type { PhotoMime } from './photos.ts';
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

export interface ExportedPhoto {
  readingId: number;
  accountNumber: string;
  meterSerial: string;
  value: number;
  localDate: LocalDate;
  mime: PhotoMime;
  sha256: string;
}

/** The meter photos of the readings between two local days (inclusive), without their bytes; by account, meter, day. */
export async function photosForExport(db: Database, range: { from: LocalDate; to: LocalDate }): Promise<ExportedPhoto[]> {
  const rows = await db.sequelize.query<{ reading_id: number; account_number: string; meter_serial: string; value: number; local_date: LocalDate; mime: PhotoMime; sha256: string }>(
    `SELECT r.id AS reading_id, a.number AS account_number, m.serial AS meter_serial, r.value, r.local_date, p.mime, p.sha256
       FROM reading_photos p
       JOIN readings r ON r.id = p.reading_id
       JOIN meters m ON m.id = r.meter_id
       JOIN accounts a ON a.id = m.account_id
      WHERE r.local_date BETWEEN :from AND :to
      ORDER BY a.number, m.serial, r.local_date, r.id`,
    { replacements: range, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    readingId: r.reading_id,
    accountNumber: r.account_number,
    meterSerial: r.meter_serial,
    value: r.value,
    localDate: r.local_date,
    mime: r.mime,
    sha256: r.sha256,
  }));
}
