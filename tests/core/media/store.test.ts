import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { cachedMedia, findCachedMedia, loadMedia, purgeExpiredMedia, storeMedia } from '../../../core/media/store.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
const clock = new FixedClock(new Date('2026-12-05T08:00:00Z'));
const HOUR = 3_600_000;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

describe('stored media', () => {
  it('keeps the bytes under a random id and gives them back until they expire', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const a = await storeMedia({ db, clock }, { contentType: 'image/png', filename: 'графік.png', bytes, keepMs: HOUR });
    const b = await storeMedia({ db, clock }, { contentType: 'image/png', filename: 'графік.png', bytes, keepMs: HOUR });
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.id).not.toBe(a.id);
    expect(a).toMatchObject({ contentType: 'image/png', filename: 'графік.png', size: bytes.length });
    expect((await loadMedia({ db, clock }, a.id))?.bytes.equals(bytes)).toBe(true);
    clock.advance(HOUR);
    expect(await loadMedia({ db, clock }, a.id)).toBeNull();
    expect(await purgeExpiredMedia({ db, clock })).toBeGreaterThanOrEqual(2);
  });

  it('draws once per cache key, even when asked twice at once, and keeps a hit longer', async () => {
    let made = 0;
    const make = async () => {
      made += 1;
      return { contentType: 'image/png', filename: 'c.png', bytes: Buffer.from(`drawing ${made}`) };
    };
    const first = await cachedMedia({ db, clock }, { cacheKey: 'chart:1:v1', keepMs: HOUR, make });
    const second = await cachedMedia({ db, clock }, { cacheKey: 'chart:1:v1', keepMs: 2 * HOUR, make });
    expect(made).toBe(1);
    expect(second).toMatchObject({ id: first.id, cached: true });
    expect(Date.parse(second.expiresAt) - Date.parse(first.expiresAt)).toBe(HOUR);

    // Two instances racing past the cache both store: the unique key admits one row, both get it.
    const bytes = Buffer.from('x');
    const [x, y] = await Promise.all([
      storeMedia({ db, clock }, { contentType: 'image/png', filename: 'r.png', bytes, keepMs: HOUR, cacheKey: 'race' }),
      storeMedia({ db, clock }, { contentType: 'image/png', filename: 'r.png', bytes, keepMs: HOUR, cacheKey: 'race' }),
    ]);
    expect(x.id).toBe(y.id);
  });

  it('does not let an expired row stand for new data under its key', async () => {
    const old = await storeMedia({ db, clock }, { contentType: 'image/png', filename: 'o.png', bytes: Buffer.from('old'), keepMs: HOUR, cacheKey: 'k-exp' });
    clock.advance(HOUR + 1);
    expect(await findCachedMedia({ db, clock }, 'k-exp', HOUR)).toBeNull();
    const fresh = await storeMedia({ db, clock }, { contentType: 'image/png', filename: 'n.png', bytes: Buffer.from('new'), keepMs: HOUR, cacheKey: 'k-exp' });
    expect(fresh.id).not.toBe(old.id);
    expect((await loadMedia({ db, clock }, fresh.id))?.bytes.toString()).toBe('new');
  });

  it('refuses what it must not keep', async () => {
    await expect(storeMedia({ db, clock }, { contentType: 'image/png', filename: 'e.png', bytes: Buffer.alloc(0), keepMs: HOUR })).rejects.toThrow(RangeError);
    await expect(storeMedia({ db, clock }, { contentType: 'image/png', filename: '../e.png', bytes: Buffer.from('a'), keepMs: HOUR })).rejects.toThrow(RangeError);
    expect(await loadMedia({ db, clock }, "'; DROP TABLE media; --")).toBeNull();
  });
});
