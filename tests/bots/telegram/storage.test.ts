import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { findSubscriber, markBlocked } from '../../../core/subscribers.ts';
import { beginUpdate, PrefetchedStateStorage, writeState } from '../../../bots/telegram/storage.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aSubscriber } from '../../support/builders.ts';
import { coreDeps } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const clock = new FixedClock(new Date('2026-11-25T10:00:00Z'));
const contact = (channelUserId: string, name = 'Марта') => ({ channel: 'telegram' as const, channelUserId, name });

async function lastInbound(channelUserId: string): Promise<string | null> {
  const [row] = await db.sequelize.query<{ at: Date | null }>(
    `SELECT last_inbound_at AS at FROM subscribers WHERE channel = 'telegram' AND channel_user_id = :channelUserId`,
    { replacements: { channelUserId }, type: QueryTypes.SELECT },
  );
  return row?.at ? new Date(row.at).toISOString() : null;
}

describe('beginUpdate', () => {
  it('claims the update, creates the subscriber and reads the chat state in one go', async () => {
    await writeState(db, 'session:61001', JSON.stringify({ phoneDeferred: true }));
    const begun = await beginUpdate(db, {
      updateId: 610_001,
      touch: { deps: coreDeps(db, clock), contact: contact('61001', '  Марта Коваль ') },
      stateKeys: ['session:61001', 'conv:61001'],
    });
    expect(begun.claimed).toBe(true);
    expect(begun.subscriber).toMatchObject({ channel: 'telegram', channelUserId: '61001', name: 'Марта Коваль', blocked: false, consented: false });
    expect(begun.subscriber!.id).toBe((await findSubscriber(coreDeps(db, clock), 'telegram', '61001'))!.id);
    expect([...begun.state]).toEqual([['session:61001', { phoneDeferred: true }]]);
    expect(await lastInbound('61001')).toBe('2026-11-25T10:00:00.000Z');
  });

  it('lets a redelivery through nowhere: not claimed, nobody touched, a blocked mark stays', async () => {
    const subscriber = await aSubscriber(db, { channelUserId: '61002', name: 'Іван' });
    const deps = coreDeps(db, clock);
    await beginUpdate(db, { updateId: 610_002, touch: { deps, contact: contact('61002', 'Іван') }, stateKeys: [] });
    await markBlocked(deps, subscriber.id);

    const later = new FixedClock(new Date('2026-11-25T11:00:00Z'));
    const again = await beginUpdate(db, { updateId: 610_002, touch: { deps: coreDeps(db, later), contact: contact('61002', 'Інший') }, stateKeys: [] });
    expect(again).toEqual({ claimed: false, subscriber: null, state: new Map() });
    expect(await findSubscriber(deps, 'telegram', '61002')).toMatchObject({ name: 'Іван', blocked: true });
    expect(await lastInbound('61002')).toBe('2026-11-25T10:00:00.000Z');

    // Their next (new) update clears the mark, keeps the name when none is given, and refreshes the time.
    const next = await beginUpdate(db, { updateId: 610_003, touch: { deps: coreDeps(db, later), contact: contact('61002', ' ') }, stateKeys: [] });
    expect(next.subscriber).toMatchObject({ id: subscriber.id, name: 'Іван', blocked: false });
    expect(await lastInbound('61002')).toBe('2026-11-25T11:00:00.000Z');
  });

  it('lets exactly one of concurrent deliveries of one update through', async () => {
    const deps = coreDeps(db, clock);
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => beginUpdate(db, { updateId: 610_004, touch: { deps, contact: contact('61004') }, stateKeys: ['conv:61004'] })),
    );
    expect(outcomes.map((o) => o.claimed).sort()).toEqual([false, false, false, true]);
    expect(outcomes.filter((o) => o.subscriber !== null)).toHaveLength(1);
  });

  it('claims without touching anyone when there is no person (groups, bots, a kicked bot)', async () => {
    const before = await db.models.Subscriber.count();
    const begun = await beginUpdate(db, { updateId: 610_005, touch: null, stateKeys: [] });
    expect(begun).toEqual({ claimed: true, subscriber: null, state: new Map() });
    expect(await db.models.Subscriber.count()).toBe(before);
  });
});

describe('PrefetchedStateStorage', () => {
  async function stored(): Promise<{ value: unknown; updated: string } | undefined> {
    const [row] = await db.sequelize.query<{ value: unknown; updated: Date }>(`SELECT value, updated_at AS updated FROM telegram_state WHERE key = 'conv:62001'`, {
      type: QueryTypes.SELECT,
    });
    return row ? { value: row.value, updated: new Date(row.updated).toISOString() } : undefined;
  }

  it('reads what was fetched, writes only a change, and deletes', async () => {
    const storage = new PrefetchedStateStorage<{ step: number }>(db, () => 'conv:62001');
    const ctx = { prefetchedState: new Map<string, unknown>() };
    expect(storage.read(ctx)).toBeUndefined();
    await storage.write(ctx, { step: 1 });
    const first = await stored();
    expect(first?.value).toEqual({ step: 1 });

    const next = { prefetchedState: (await beginUpdate(db, { updateId: 620_001, touch: null, stateKeys: ['conv:62001'] })).state };
    expect(storage.read(next)).toEqual({ step: 1 });
    await db.sequelize.query(`UPDATE telegram_state SET updated_at = '2026-01-01T00:00:00Z' WHERE key = 'conv:62001'`);
    await storage.write(next, { step: 1 });
    expect((await stored())?.updated).toBe('2026-01-01T00:00:00.000Z');
    await storage.write(next, { step: 2 });
    expect(await stored()).toMatchObject({ value: { step: 2 } });
    expect((await stored())?.updated).not.toBe('2026-01-01T00:00:00.000Z');

    await storage.delete(next);
    expect(await stored()).toBeUndefined();
    expect(storage.read(next)).toBeUndefined();
  });
});
