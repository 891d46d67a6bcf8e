import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { linkedMeters } from '../../../core/readings/linked-meters.ts';
import { aLink, aMeter, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLinkedMeter, aReading, coreDeps } from '../../support/readings-builders.ts';

// linkedMeters reads that are asked for while another is in flight go to the database together; each caller
// must still get exactly its own accounts and meters, as a read of its own would give them.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

// Kyiv is UTC+2 in November: 21:30 UTC on the 25th is already the 26th there.
const evening = new FixedClock(new Date('2026-11-25T20:00:00Z'));
const afterMidnight = new FixedClock(new Date('2026-11-25T22:30:00Z'));

describe('linkedMeters asked for by many subscribers at once', () => {
  it('answers each with its own accounts and meters, filtered and dated as asked', async () => {
    // Two accounts, the second with two meters; numbers chosen so the order is by number, not by creation.
    const family = await aSubscriber(db);
    const parents = await anAccount(db, { number: '900002' });
    const own = await anAccount(db, { number: '900001' });
    const kitchen = await aMeter(db, parents, { serial: 'K-1' });
    const bathroom = await aMeter(db, parents, { serial: 'B-1' });
    const ownMeter = await aMeter(db, own, { serial: 'O-1' });
    await aLink(db, family, parents);
    await aLink(db, family, own);
    // Submitted on the 25th (Kyiv): "today" in the evening, not after midnight.
    const single = await aLinkedMeter(db);
    await aReading(db, single.meter, { value: 130, localDate: '2026-11-25', subscriber: single.subscriber });
    const stranger = await aLinkedMeter(db);
    const nobody = await aSubscriber(db);

    const [all, one, notTheirs, none, sameDay, nextDay] = await Promise.all([
      linkedMeters(coreDeps(db, evening), family.id),
      linkedMeters(coreDeps(db, evening), family.id, { meterId: kitchen.id }),
      linkedMeters(coreDeps(db, evening), family.id, { meterId: stranger.meter.id }),
      linkedMeters(coreDeps(db, evening), nobody.id),
      linkedMeters(coreDeps(db, evening), single.subscriber.id),
      linkedMeters(coreDeps(db, afterMidnight), single.subscriber.id),
    ]);

    expect(all.map((a) => [a.number, a.meters.map((m) => m.serial)])).toEqual([
      ['900001', ['O-1']],
      ['900002', ['B-1', 'K-1']],
    ]);
    expect(all[1]!.meters.map((m) => m.meterId)).toEqual([bathroom.id, kitchen.id]);
    expect(all[0]!.meters[0]!.meterId).toBe(ownMeter.id);
    expect(one).toEqual([{ ...all[1]!, meters: [all[1]!.meters.find((m) => m.meterId === kitchen.id)!] }]);
    expect(notTheirs).toEqual([]);
    expect(none).toEqual([]);
    expect(sameDay[0]!.meters[0]).toMatchObject({ meterId: single.meter.id, submittedToday: true, lastValue: 130 });
    expect(nextDay[0]!.meters[0]).toMatchObject({ meterId: single.meter.id, submittedToday: false, lastValue: 130 });
  });
});
