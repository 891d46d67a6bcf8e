import Papa from 'papaparse';
import type { Database } from '../../models/database.ts';
import { isValidLocalDate, type LocalDate } from '../calendar.ts';
import { photosForExport, readingsForExport } from '../readings/export.ts';
import { photoExtension, readingPhotos } from '../readings/photos.ts';

export const READINGS_CSV_HEADER = 'account;meter;reading;date;submitted_at;channel';

export type ReadingsExport =
  | { kind: 'exported'; rows: number; csv: string }
  | { kind: 'invalid-range'; problem: 'from-not-a-date' | 'to-not-a-date' | 'from-after-to' };

/**
 * A text cell a spreadsheet would take for a formula (OWASP's CSV-injection list: `=`, `+`, `-`, `@`, tab,
 * CR; a line feed too): papaparse writes it quoted, after a single quote, so it opens as text. Numbers are
 * passed as numbers and left alone.
 */
export const FORMULA_START = /^[=+\-@\t\r\n]/;

/**
 * Billing's CSV: `;`-delimited, quoted where a value needs it, text cells that would run as formulas
 * neutralised. Every export goes through here.
 */
export function billingCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  // (papaparse would take an empty `data` for one empty row.)
  if (rows.length === 0) return `${header.join(';')}\n`;
  const body = Papa.unparse({ fields: [...header], data: rows.map((row) => [...row]) }, { delimiter: ';', newline: '\n', escapeFormulae: FORMULA_START });
  return `${body}\n`;
}

/**
 * The readings billing should take for the days from `from` to `to` (local days, both included): for each
 * meter and day only the latest one, be it the subscriber's or a staff correction, as UTF-8 CSV. The account
 * and the meter are free text as billing named them and are written as text; the reading is a number.
 */
export async function exportReadings(db: Database, range: { from: LocalDate; to: LocalDate }): Promise<ReadingsExport> {
  if (!isValidLocalDate(range.from)) return { kind: 'invalid-range', problem: 'from-not-a-date' };
  if (!isValidLocalDate(range.to)) return { kind: 'invalid-range', problem: 'to-not-a-date' };
  if (range.from > range.to) return { kind: 'invalid-range', problem: 'from-after-to' };

  const rows = await readingsForExport(db, range);
  const cells = rows.map((r) => [r.accountNumber, r.meterSerial, r.value, r.localDate, r.submittedAt, r.channel]);
  return { kind: 'exported', rows: rows.length, csv: billingCsv(READINGS_CSV_HEADER.split(';'), cells) };
}

export const READING_PHOTOS_CSV_HEADER = 'account;meter;reading;date;reading_id;photo;sha256';
/** The companion listing's name inside the photos folder. */
export const READING_PHOTOS_LISTING = 'photos.csv';
/** Photos read from the database at a time: the bytes of a month of photos never sit in memory together. */
const PHOTO_BATCH = 20;

/**
 * The meter photos of the readings of those days, for the readings export's companion folder: each photo goes to
 * `write` as `reading-<id>.<jpg|png|webp>` (named by our id only: account and meter are billing's free text,
 * never part of a path), and the listing says which reading each file shows.
 */
export async function exportReadingPhotos(
  db: Database,
  range: { from: LocalDate; to: LocalDate },
  write: (fileName: string, bytes: Buffer) => Promise<void>,
): Promise<{ photos: number; csv: string }> {
  const listed = await photosForExport(db, range);
  const fileOf = (p: { readingId: number; mime: Parameters<typeof photoExtension>[0] }) => `reading-${p.readingId}.${photoExtension(p.mime)}`;
  for (let i = 0; i < listed.length; i += PHOTO_BATCH) {
    for (const photo of await readingPhotos({ db }, listed.slice(i, i + PHOTO_BATCH).map((p) => p.readingId))) await write(fileOf(photo), photo.bytes);
  }
  const cells = listed.map((p) => [p.accountNumber, p.meterSerial, p.value, p.localDate, p.readingId, fileOf(p), p.sha256]);
  return { photos: listed.length, csv: billingCsv(READING_PHOTOS_CSV_HEADER.split(';'), cells) };
}
