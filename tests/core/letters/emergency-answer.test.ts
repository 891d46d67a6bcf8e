import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { writeLetter } from '../../../core/letters/index.ts';
import { closeOutage } from '../../../core/outages/index.ts';
import type { LetterCategory } from '../../../models/models.ts';
import { aLink, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { anOutage } from '../../support/outage-chat-builders.ts';
import { anAccountAt } from '../../support/outages-builders.ts';
import { coreDeps } from '../../support/readings-builders.ts';

// A leak/emergency letter from an address under an announced emergency is answered at once with that outage:
// core decides it when the letter is stored, and the letter is stored (and goes to staff) all the same.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

// 12:00 in Kyiv.
const clock = new FixedClock(new Date('2026-11-25T10:00:00Z'));
const deps = () => coreDeps(db, clock);
let n = 0;
let sevenOnYasna: Awaited<ReturnType<typeof writerAt>>;

async function writerAt(address: string) {
  const subscriber = await aSubscriber(db, { channel: 'telegram', channelUserId: `em-${++n}` });
  const account = await anAccountAt(db, address);
  await aLink(db, subscriber, account);
  return { subscriber, account };
}

const write = (subscriberId: number, accountId: number | null, category: LetterCategory = 'emergency') =>
  writeLetter(deps(), { subscriberId, accountId, category, text: 'Немає води', attachments: [] });

describe('an emergency letter under an announced emergency', () => {
  it('carries the emergency at the letter’s account, and the letter is stored and forwarded', async () => {
    const { subscriber, account } = await writerAt("м. Кам'янське, вул. Ясна, 5, кв. 1");
    sevenOnYasna = await writerAt("м. Кам'янське, вул. Ясна, 7");
    const outage = await anOutage(deps(), { targets: [{ street: 'Ясна', houses: [{ from: 1, to: 9 }] }], startsAt: '2026-11-25T09:00:00.000Z', endsAt: '2026-11-25T15:00:00.000Z' });
    const outcome = await write(subscriber.id, account.id);
    expect(outcome).toMatchObject({ kind: 'stored', knownEmergency: { id: outage.id, kind: 'emergency', endsAt: '2026-11-25T15:00:00.000Z' } });
    const forwarded = await db.models.OutboxMessage.count({ where: { kind: 'letter-to-staff' } });
    expect(forwarded).toBeGreaterThan(0);
  });

  it('looks at every linked account when the letter is about none', async () => {
    // The accounts an outage is at are fixed when it is announced: this one was there before it.
    expect(await write(sevenOnYasna.subscriber.id, null)).toMatchObject({ kind: 'stored', knownEmergency: { kind: 'emergency' } });
  });

  it('carries nothing for another category, another house, planned works or a closed emergency', async () => {
    const { subscriber, account } = await writerAt("м. Кам'янське, вул. Ясна, 5");
    expect(await write(subscriber.id, account.id, 'question')).not.toHaveProperty('knownEmergency');

    const far = await writerAt("м. Кам'янське, вул. Ясна, 40");
    await anOutage(deps(), { targets: [{ street: 'Ясна', houses: [{ from: 30, to: 39 }] }], startsAt: '2026-11-25T09:00:00.000Z' });
    expect(await write(far.subscriber.id, far.account.id)).toMatchObject({ kind: 'stored', knownEmergency: null });

    const planned = await writerAt("м. Кам'янське, вул. Зоряна, 2");
    const closed = await writerAt("м. Кам'янське, вул. Вузька, 2");
    await anOutage(deps(), { kind: 'planned', targets: [{ street: 'Зоряна', houses: null }], startsAt: '2026-11-25T09:00:00.000Z', endsAt: '2026-11-25T15:00:00.000Z' });
    expect(await write(planned.subscriber.id, planned.account.id)).toMatchObject({ knownEmergency: null });

    const over = await anOutage(deps(), { targets: [{ street: 'Вузька', houses: null }], startsAt: '2026-11-25T09:00:00.000Z' });
    await closeOutage(deps(), over.id);
    expect(await write(closed.subscriber.id, closed.account.id)).toMatchObject({ knownEmergency: null });
  });
});
