import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { attachReadingPhoto, photoMime, readingPhotos, submitReading, type PhotoSource } from '../../../core/readings/index.ts';
import { TINY_JPEG } from '../../support/fake-telegram/index.ts';
import { aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLinkedMeter, coreDeps } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const deps = (rules = {}) => coreDeps(db, new FixedClock(new Date('2026-11-25T10:00:00Z')), { photoMaxBytes: 1_000, ...rules });
const giving = (bytes: Buffer): PhotoSource => async (maxBytes) => (bytes.length > maxBytes ? { kind: 'too-big' } : { kind: 'fetched', bytes });

async function anAcceptedReading() {
  const linked = await aLinkedMeter(db);
  const outcome = await submitReading(deps(), { subscriberId: linked.subscriber.id, meterId: linked.meter.id, value: 125, confirmed: false, channel: 'viber' });
  if (outcome.kind !== 'accepted') throw new Error(outcome.kind);
  return { ...linked, readingId: outcome.receipt.readingId };
}

describe('a meter photo', () => {
  it('tells a picture by its first bytes, not by what it claims', () => {
    expect(photoMime(TINY_JPEG)).toBe('image/jpeg');
    expect(photoMime(Buffer.from('89504e470d0a1a0a0000', 'hex'))).toBe('image/png');
    expect(photoMime(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(photoMime(Buffer.from('<html>'))).toBeNull();
  });

  it('two presses at once keep one photo: the table’s key decides', async () => {
    const { subscriber, readingId } = await anAcceptedReading();
    const attach = () => attachReadingPhoto(deps(), { readingId, subscriberId: subscriber.id, channel: 'viber', source: giving(TINY_JPEG) });
    const outcomes = await Promise.all([attach(), attach()]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['already-attached', 'attached']);
    const photos = await readingPhotos({ db }, [readingId]);
    expect(photos).toHaveLength(1);
    expect(photos[0]!.bytes.equals(TINY_JPEG)).toBe(true);
  });

  it('is refused over the limit, when it is no picture, or for a reading of someone else', async () => {
    const { subscriber, readingId } = await anAcceptedReading();
    const big = Buffer.concat([TINY_JPEG, Buffer.alloc(1_000)]);
    expect(await attachReadingPhoto(deps(), { readingId, subscriberId: subscriber.id, channel: 'viber', source: giving(big) })).toEqual({ kind: 'photo-too-big', maxBytes: 1_000 });
    // A source that ignores the limit is checked all the same.
    expect(await attachReadingPhoto(deps(), { readingId, subscriberId: subscriber.id, channel: 'viber', source: async () => ({ kind: 'fetched', bytes: big }) })).toMatchObject({ kind: 'photo-too-big' });
    expect(await attachReadingPhoto(deps(), { readingId, subscriberId: subscriber.id, channel: 'viber', source: giving(Buffer.from('text')) })).toEqual({ kind: 'photo-unreadable' });
    expect(await attachReadingPhoto(deps(), { readingId, subscriberId: subscriber.id, channel: 'viber', source: async () => { throw new Error('network'); } })).toEqual({ kind: 'photo-unreadable' });
    const stranger = await aSubscriber(db);
    expect(await attachReadingPhoto(deps(), { readingId, subscriberId: stranger.id, channel: 'viber', source: giving(TINY_JPEG) })).toEqual({ kind: 'not-found' });
    expect(await readingPhotos({ db }, [readingId])).toHaveLength(0);
  });

  it('a jump confirmed without a photo is refused when the rules ask for one; with one, both are stored', async () => {
    const linked = await aLinkedMeter(db);
    const rules = { photoRequiredAboveJump: true };
    const submit = (photo?: PhotoSource) =>
      submitReading(deps(rules), { subscriberId: linked.subscriber.id, meterId: linked.meter.id, value: 300, confirmed: true, channel: 'telegram', ...(photo ? { photo } : {}) });
    expect(await submit()).toEqual({ kind: 'photo-required' });
    expect(await submit(giving(Buffer.from('text')))).toEqual({ kind: 'photo-unreadable' });
    expect(await db.models.Reading.count({ where: { meterId: linked.meter.id } })).toBe(0);
    const accepted = await submit(giving(TINY_JPEG));
    expect(accepted.kind).toBe('accepted');
    if (accepted.kind !== 'accepted') return;
    expect(await readingPhotos({ db }, [accepted.receipt.readingId])).toHaveLength(1);
    // The same day again: no second reading, and its photo goes nowhere.
    expect(await submit(giving(TINY_JPEG))).toMatchObject({ kind: 'same-day' });
    const row = await db.sequelize.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM reading_photos p JOIN readings r ON r.id = p.reading_id WHERE r.meter_id = :meterId`,
      { replacements: { meterId: linked.meter.id }, plain: true, type: 'SELECT' as never },
    );
    expect(row).toEqual({ n: 1 });
  });
});
