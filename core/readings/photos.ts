import { createHash } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { Channel } from '../../models/models.ts';
import type { ReadingsDeps } from './types.ts';

// A photo of the meter with its reading, kept by the app (bytes in PostgreSQL), so staff and exports can open it
// whatever channel it came from. Core asks the channel's adapter for the bytes with its own size limit, checks
// that they are a picture, and stores them with the reading: one photo per reading, under the table's key.

export type PhotoMime = 'image/jpeg' | 'image/png' | 'image/webp';

/** What an adapter answers when asked for a photo's bytes, never more than `maxBytes` read. */
export type FetchedPhoto = { kind: 'fetched'; bytes: Buffer } | { kind: 'too-big' } | { kind: 'unavailable' };

/** How core gets a photo's bytes: the channel's download, bounded by core's limit. */
export type PhotoSource = (maxBytes: number) => Promise<FetchedPhoto>;

export type PhotoRefusal = { kind: 'photo-too-big'; maxBytes: number } | { kind: 'photo-unreadable' };

export interface CheckedPhoto {
  bytes: Buffer;
  mime: PhotoMime;
  sha256: string;
}

/** The picture formats the messengers send, told by their first bytes (never by a name or a declared type). */
export function photoMime(bytes: Uint8Array): PhotoMime | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP') {
    return 'image/webp';
  }
  return null;
}

/** Fetches the photo within the limit and checks it is a picture. */
export async function fetchMeterPhoto(deps: ReadingsDeps, source: PhotoSource): Promise<CheckedPhoto | PhotoRefusal> {
  const maxBytes = deps.settings.readings.photoMaxBytes;
  let fetched: FetchedPhoto;
  try {
    fetched = await source(maxBytes);
  } catch {
    fetched = { kind: 'unavailable' };
  }
  if (fetched.kind === 'too-big' || (fetched.kind === 'fetched' && fetched.bytes.length > maxBytes)) return { kind: 'photo-too-big', maxBytes };
  if (fetched.kind !== 'fetched' || fetched.bytes.length === 0) return { kind: 'photo-unreadable' };
  const mime = photoMime(fetched.bytes);
  if (!mime) return { kind: 'photo-unreadable' };
  return { bytes: fetched.bytes, mime, sha256: createHash('sha256').update(fetched.bytes).digest('hex') };
}

export const isPhotoRefusal = (value: CheckedPhoto | PhotoRefusal): value is PhotoRefusal => 'kind' in value;

/** Stores a checked photo with a reading; false when the reading has one already (a second press). */
export async function storeReadingPhoto(
  deps: ReadingsDeps,
  row: { readingId: number; subscriberId: number | null; channel: Channel; photo: CheckedPhoto },
  transaction?: Transaction,
): Promise<boolean> {
  const inserted = await deps.db.hot<{ reading_id: number }>(
    `INSERT INTO reading_photos (reading_id, bytes, mime, sha256, channel, subscriber_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (reading_id) DO NOTHING
     RETURNING reading_id`,
    [row.readingId, row.photo.bytes, row.photo.mime, row.photo.sha256, row.channel, row.subscriberId, deps.clock.now()],
    transaction ? { transaction } : {},
  );
  return inserted.length === 1;
}

export type AttachPhotoOutcome = { kind: 'attached' } | { kind: 'already-attached' } | { kind: 'not-found' } | PhotoRefusal;

/**
 * Adds a photo to a reading the subscriber submitted (offered after the receipt). A reading of someone else, or
 * one staff corrected, takes none; a second photo for the same reading is refused by the table's key.
 */
export async function attachReadingPhoto(
  deps: ReadingsDeps,
  input: { readingId: number; subscriberId: number; channel: Channel; source: PhotoSource },
): Promise<AttachPhotoOutcome> {
  const [reading] = await deps.db.hot<{ has_photo: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM reading_photos p WHERE p.reading_id = r.id) AS has_photo
       FROM readings r WHERE r.id = $1 AND r.subscriber_id = $2 AND r.kind = 'subscriber'`,
    [input.readingId, input.subscriberId],
  );
  if (!reading) return { kind: 'not-found' };
  if (reading.has_photo) return { kind: 'already-attached' };
  const photo = await fetchMeterPhoto(deps, input.source);
  if (isPhotoRefusal(photo)) return photo;
  const stored = await storeReadingPhoto(deps, { readingId: input.readingId, subscriberId: input.subscriberId, channel: input.channel, photo });
  return stored ? { kind: 'attached' } : { kind: 'already-attached' };
}

export interface StoredReadingPhoto {
  readingId: number;
  bytes: Buffer;
  mime: PhotoMime;
  sha256: string;
}

/** The photos of these readings (those that have one). */
export async function readingPhotos(deps: Pick<ReadingsDeps, 'db'>, readingIds: readonly number[]): Promise<StoredReadingPhoto[]> {
  if (readingIds.length === 0) return [];
  const rows = await deps.db.hot<{ reading_id: number; bytes: Buffer; mime: PhotoMime; sha256: string }>(
    `SELECT reading_id, bytes, mime, sha256 FROM reading_photos WHERE reading_id = ANY($1::int[]) ORDER BY reading_id`,
    [[...readingIds]],
  );
  return rows.map((r) => ({ readingId: r.reading_id, bytes: r.bytes, mime: r.mime, sha256: r.sha256 }));
}

export interface MeterPhotoView extends StoredReadingPhoto {
  meterId: number;
  meterSerial: string;
  value: number;
  localDate: string;
}

/**
 * The newest photographed reading of each meter: of an account's meters (staff's /account), or of one meter (a
 * correction letter about it). Ordered by serial.
 */
export async function latestMeterPhotos(deps: Pick<ReadingsDeps, 'db'>, of: { accountId: number } | { meterId: number }): Promise<MeterPhotoView[]> {
  const rows = await deps.db.hot<{ reading_id: number; meter_id: number; serial: string; value: number; local_date: string; bytes: Buffer; mime: PhotoMime; sha256: string }>(
    `SELECT * FROM (
       SELECT DISTINCT ON (r.meter_id) r.id AS reading_id, r.meter_id, m.serial, r.value, r.local_date, p.bytes, p.mime, p.sha256
         FROM reading_photos p
         JOIN readings r ON r.id = p.reading_id
         JOIN meters m ON m.id = r.meter_id
        WHERE ${'accountId' in of ? 'm.account_id' : 'm.id'} = $1
        ORDER BY r.meter_id, r.local_date DESC, r.id DESC
     ) newest ORDER BY serial, meter_id`,
    ['accountId' in of ? of.accountId : of.meterId],
  );
  return rows.map((r) => ({
    readingId: r.reading_id,
    meterId: r.meter_id,
    meterSerial: r.serial,
    value: r.value,
    localDate: r.local_date,
    bytes: r.bytes,
    mime: r.mime,
    sha256: r.sha256,
  }));
}

/** The file name extension of a stored photo. */
export const photoExtension = (mime: PhotoMime): string => ({ 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' })[mime];
