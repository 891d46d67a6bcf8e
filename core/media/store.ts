import { randomBytes } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { CoreDeps } from '../deps.ts';

// The bytes of pictures and documents the app sends (charts, statements, meter photos), kept in PostgreSQL so
// every instance can send or serve them. A flow hands a stored media's id to `chat.say(..., { media })`; the
// Telegram adapter uploads the bytes, the Viber adapter gives Viber a signed, expiring address of them.

/** What a caller stores. `cacheKey` names the data it was made from (e.g. account and data version). */
export interface NewMedia {
  contentType: string;
  filename: string;
  bytes: Buffer;
  /** How long the row is kept (and the longest a link to it lives). */
  keepMs: number;
  cacheKey?: string;
}

/** A stored media without its bytes: what a flow needs to send it, and an adapter to describe it. */
export interface MediaRef {
  id: string;
  contentType: string;
  filename: string;
  size: number;
  /** ISO time the row may be purged. */
  expiresAt: string;
}

export interface LoadedMedia extends MediaRef {
  bytes: Buffer;
}

/** The largest media kept: Telegram's upload limit for documents (50 MB); pictures are far smaller. */
export const MEDIA_MAX_BYTES = 50 * 1024 * 1024;

type MediaDeps = Pick<CoreDeps, 'db' | 'clock'>;

interface RefRow {
  id: string;
  content_type: string;
  filename: string;
  size: number | string;
  expires_at: Date | string;
}

const REF_COLUMNS = 'id, content_type, filename, octet_length(bytes) AS size, expires_at';

function toRef(row: RefRow): MediaRef {
  return { id: row.id, contentType: row.content_type, filename: row.filename, size: Number(row.size), expiresAt: new Date(row.expires_at).toISOString() };
}

/** 32 random bytes, base64url: the id is the unguessable part of a served address. */
export function newMediaId(): string {
  return randomBytes(32).toString('base64url');
}

function checked(media: NewMedia): void {
  if (media.bytes.length === 0 || media.bytes.length > MEDIA_MAX_BYTES) throw new RangeError(`media size out of range: ${media.bytes.length} bytes`);
  if (!/^[a-z]+\/[a-z0-9.+-]+$/.test(media.contentType)) throw new RangeError('media content type is not a plain type/subtype');
  if (media.filename.length < 1 || media.filename.length > 200 || /[\\/\u0000-\u001f]/.test(media.filename)) throw new RangeError('media filename is not a plain name');
  if (!(media.keepMs > 0)) throw new RangeError('media must be kept for a positive time');
}

/**
 * Stores the bytes and returns the row. With a cache key already held by a live row, that row is returned
 * (and kept `keepMs` longer) and nothing is stored: two instances drawing the same chart at once store one.
 */
export async function storeMedia(core: MediaDeps, media: NewMedia): Promise<MediaRef> {
  checked(media);
  const now = core.clock.now();
  const expires = new Date(now.getTime() + media.keepMs);
  return core.db.sequelize.transaction(async (transaction) => {
    const q = <T extends object>(sql: string, bind: unknown[]) => core.db.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT, transaction });
    // An expired row must not stand in for new data under its key; nor stay around at all.
    await core.db.sequelize.query(`DELETE FROM media WHERE id IN (SELECT id FROM media WHERE expires_at <= $1 LIMIT 100)`, { bind: [now], transaction });
    const inserted = await q<RefRow>(
      `INSERT INTO media (id, cache_key, content_type, filename, bytes, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (cache_key) DO NOTHING RETURNING ${REF_COLUMNS}`,
      [newMediaId(), media.cacheKey ?? null, media.contentType, media.filename, media.bytes, now, expires],
    );
    if (inserted[0]) return toRef(inserted[0]);
    const kept = await q<RefRow>(
      `UPDATE media SET expires_at = GREATEST(expires_at, $2) WHERE cache_key = $1 RETURNING ${REF_COLUMNS}`,
      [media.cacheKey, expires],
    );
    return toRef(kept[0]!);
  });
}

/** The live media stored under `cacheKey`, kept `keepMs` longer from now; null when there is none. */
export async function findCachedMedia(core: MediaDeps, cacheKey: string, keepMs: number): Promise<MediaRef | null> {
  const now = core.clock.now();
  const rows = await core.db.sequelize.query<RefRow>(
    `UPDATE media SET expires_at = GREATEST(expires_at, $3) WHERE cache_key = $1 AND expires_at > $2 RETURNING ${REF_COLUMNS}`,
    { bind: [cacheKey, now, new Date(now.getTime() + keepMs)], type: QueryTypes.SELECT },
  );
  return rows[0] ? toRef(rows[0]) : null;
}

/**
 * The media cached under `cacheKey`, or what `make` produces, stored under it. `make` runs only on a miss, so
 * the same picture is not drawn twice for the same data.
 */
export async function cachedMedia(
  core: MediaDeps,
  options: { cacheKey: string; keepMs: number; make: () => Promise<Omit<NewMedia, 'keepMs' | 'cacheKey'>> },
): Promise<MediaRef & { cached: boolean }> {
  const hit = await findCachedMedia(core, options.cacheKey, options.keepMs);
  if (hit) return { ...hit, cached: true };
  const made = await options.make();
  return { ...(await storeMedia(core, { ...made, keepMs: options.keepMs, cacheKey: options.cacheKey })), cached: false };
}

/** A live media with its bytes; null when unknown or expired. */
export async function loadMedia(core: MediaDeps, id: string): Promise<LoadedMedia | null> {
  if (!/^[A-Za-z0-9_-]{22,64}$/.test(id)) return null;
  const rows = await core.db.sequelize.query<RefRow & { bytes: Buffer }>(`SELECT ${REF_COLUMNS}, bytes FROM media WHERE id = $1 AND expires_at > $2`, {
    bind: [id, core.clock.now()],
    type: QueryTypes.SELECT,
  });
  const row = rows[0];
  return row ? { ...toRef(row), bytes: Buffer.from(row.bytes) } : null;
}

/** A live media without its bytes (what an adapter needs to describe it); null when unknown or expired. */
export async function findMedia(core: MediaDeps, id: string): Promise<MediaRef | null> {
  if (!/^[A-Za-z0-9_-]{22,64}$/.test(id)) return null;
  const rows = await core.db.sequelize.query<RefRow>(`SELECT ${REF_COLUMNS} FROM media WHERE id = $1 AND expires_at > $2`, {
    bind: [id, core.clock.now()],
    type: QueryTypes.SELECT,
  });
  return rows[0] ? toRef(rows[0]) : null;
}

/** Removes expired rows; returns how many. */
export async function purgeExpiredMedia(core: MediaDeps): Promise<number> {
  const rows = await core.db.sequelize.query<{ id: string }>(`DELETE FROM media WHERE expires_at <= $1 RETURNING id`, { bind: [core.clock.now()], type: QueryTypes.SELECT });
  return rows.length;
}
