import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { findSubscriber, markBlocked } from '../../../core/subscribers.ts';
import { beginUpdate, beginUpdates, commitUpdate, commitUpdates, releaseUpdate, writeState } from '../../../bots/telegram/storage.ts';
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
const LEASE = 60_000;
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
    await writeState(db, 'flow:61001', JSON.stringify({ phoneDeferred: true }));
    const begun = await beginUpdate(db, {
      updateId: 610_001,
      leaseMs: LEASE,
      touch: { deps: coreDeps(db, clock), contact: contact('61001', '  Марта Коваль ') },
      stateKeys: ['flow:61001', 'other:61001'],
    });
    expect(begun.status).toBe('claimed');
    expect(begun.subscriber).toMatchObject({ channel: 'telegram', channelUserId: '61001', name: 'Марта Коваль', blocked: false, consented: false });
    expect(begun.subscriber!.id).toBe((await findSubscriber(coreDeps(db, clock), 'telegram', '61001'))!.id);
    expect([...begun.state]).toEqual([['flow:61001', { phoneDeferred: true }]]);
    expect(await lastInbound('61001')).toBe('2026-11-25T10:00:00.000Z');
  });

  it('lets a redelivery through nowhere: not claimed, nobody touched, a blocked mark stays', async () => {
    const subscriber = await aSubscriber(db, { channelUserId: '61002', name: 'Іван' });
    const deps = coreDeps(db, clock);
    const first = await beginUpdate(db, { updateId: 610_002, leaseMs: LEASE, touch: { deps, contact: contact('61002', 'Іван') }, stateKeys: [] });
    expect(await commitUpdate(db, { updateId: 610_002, claim: first.claim, state: { kind: 'keep' } })).toBe(true);
    await markBlocked(deps, subscriber.id);

    const later = new FixedClock(new Date('2026-11-25T11:00:00Z'));
    const again = await beginUpdate(db, { updateId: 610_002, leaseMs: LEASE, touch: { deps: coreDeps(db, later), contact: contact('61002', 'Інший') }, stateKeys: [] });
    expect(again).toMatchObject({ status: 'done', subscriber: null, state: new Map() });
    expect(await findSubscriber(deps, 'telegram', '61002')).toMatchObject({ name: 'Іван', blocked: true });
    expect(await lastInbound('61002')).toBe('2026-11-25T10:00:00.000Z');

    // Their next (new) update clears the mark, keeps the name when none is given, and refreshes the time.
    const next = await beginUpdate(db, { updateId: 610_003, leaseMs: LEASE, touch: { deps: coreDeps(db, later), contact: contact('61002', ' ') }, stateKeys: [] });
    expect(next.subscriber).toMatchObject({ id: subscriber.id, name: 'Іван', blocked: false });
    expect(await lastInbound('61002')).toBe('2026-11-25T11:00:00.000Z');
  });

  it('lets exactly one of concurrent deliveries of one update through', async () => {
    const deps = coreDeps(db, clock);
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => beginUpdate(db, { updateId: 610_004, leaseMs: LEASE, touch: { deps, contact: contact('61004') }, stateKeys: ['flow:61004'] })),
    );
    expect(outcomes.map((o) => o.status).sort()).toEqual(['busy', 'busy', 'busy', 'claimed']);
    expect(outcomes.filter((o) => o.subscriber !== null)).toHaveLength(1);
  });

  it('claims a batch in one go: each update its own answer, one id or one person twice in a batch handled one after the other', async () => {
    const deps = coreDeps(db, clock);
    await writeState(db, 'flow:61011', '{"at":"value"}');
    const batch = await beginUpdates(db, LEASE, [
      { updateId: 610_011, touch: { deps, contact: contact('61011', 'Олена') }, stateKeys: ['flow:61011'] },
      { updateId: 610_012, touch: { deps, contact: contact('61012', 'Петро') }, stateKeys: ['flow:61012'] },
      { updateId: 610_011, touch: { deps, contact: contact('61011', 'Олена') }, stateKeys: ['flow:61011'] },
      { updateId: 610_013, touch: { deps, contact: contact('61011', 'Олена') }, stateKeys: ['flow:61011'] },
      { updateId: 610_014, touch: null, stateKeys: [] },
    ]);
    expect(batch.map((b) => b.status)).toEqual(['claimed', 'claimed', 'busy', 'claimed', 'claimed']);
    expect(batch[0]!.subscriber).toMatchObject({ channelUserId: '61011', name: 'Олена' });
    expect(batch[0]!.state.get('flow:61011')).toEqual({ at: 'value' });
    expect(batch[1]!.subscriber).toMatchObject({ channelUserId: '61012', name: 'Петро' });
    expect(batch[1]!.state.size).toBe(0);
    expect(batch[2]!.subscriber).toBeNull();
    expect(batch[3]!.subscriber!.id).toBe(batch[0]!.subscriber!.id);
    expect(batch[4]!.subscriber).toBeNull();
    expect(new Set(batch.map((b) => b.claim)).size).toBe(5);
  });

  it('claims without touching anyone when there is no person (groups, bots, a kicked bot)', async () => {
    const before = await db.models.Subscriber.count();
    const begun = await beginUpdate(db, { updateId: 610_005, leaseMs: LEASE, touch: null, stateKeys: [] });
    expect(begun).toMatchObject({ status: 'claimed', subscriber: null, state: new Map() });
    expect(await db.models.Subscriber.count()).toBe(before);
  });
});

describe('the claim commits with the state, or is released', () => {
  async function stored(key: string): Promise<unknown> {
    const [row] = await db.sequelize.query<{ value: unknown }>(`SELECT value FROM telegram_state WHERE key = :key`, { replacements: { key }, type: QueryTypes.SELECT });
    return row?.value;
  }

  it('marks the update done in the statement that writes or deletes the chat state', async () => {
    const begun = await beginUpdate(db, { updateId: 620_001, leaseMs: LEASE, touch: null, stateKeys: ['flow:62001'] });
    expect(await commitUpdate(db, { updateId: 620_001, claim: begun.claim, state: { kind: 'write', key: 'flow:62001', json: '{"step":1}' } })).toBe(true);
    expect(await stored('flow:62001')).toEqual({ step: 1 });
    const again = await beginUpdate(db, { updateId: 620_001, leaseMs: 0, touch: null, stateKeys: ['flow:62001'] });
    expect(again.status).toBe('done');

    const next = await beginUpdate(db, { updateId: 620_002, leaseMs: LEASE, touch: null, stateKeys: ['flow:62001'] });
    expect(next.state.get('flow:62001')).toEqual({ step: 1 });
    expect(await commitUpdate(db, { updateId: 620_002, claim: next.claim, state: { kind: 'delete', key: 'flow:62001' } })).toBe(true);
    expect(await stored('flow:62001')).toBeUndefined();
  });

  it('a released claim is claimed again by the next delivery', async () => {
    const begun = await beginUpdate(db, { updateId: 620_003, leaseMs: LEASE, touch: null, stateKeys: [] });
    await releaseUpdate(db, { updateId: 620_003, claim: begun.claim });
    expect((await beginUpdate(db, { updateId: 620_003, leaseMs: LEASE, touch: null, stateKeys: [] })).status).toBe('claimed');
  });

  it('a live claim makes another delivery wait (busy); one past its lease is taken over, and the old handler can no longer commit', async () => {
    const dead = await beginUpdate(db, { updateId: 620_004, leaseMs: LEASE, touch: null, stateKeys: [] });
    expect((await beginUpdate(db, { updateId: 620_004, leaseMs: LEASE, touch: null, stateKeys: [] })).status).toBe('busy');
    await db.sequelize.query(`UPDATE telegram_processed_updates SET processed_at = now() - interval '2 minutes' WHERE update_id = 620004`);
    const taker = await beginUpdate(db, { updateId: 620_004, leaseMs: LEASE, touch: null, stateKeys: ['flow:62004'] });
    expect(taker.status).toBe('claimed');
    expect(await commitUpdate(db, { updateId: 620_004, claim: dead.claim, state: { kind: 'write', key: 'flow:62004', json: '{"old":true}' } })).toBe(false);
    expect(await stored('flow:62004')).toBeUndefined();
    expect(await commitUpdate(db, { updateId: 620_004, claim: taker.claim, state: { kind: 'write', key: 'flow:62004', json: '{"new":true}' } })).toBe(true);
    expect(await stored('flow:62004')).toEqual({ new: true });
  });

  it('keeps other state as it was when nothing changed', async () => {
    await writeState(db, 'flow:62005', '{"kept":1}');
    const begun = await beginUpdate(db, { updateId: 620_005, leaseMs: LEASE, touch: null, stateKeys: ['flow:62005'] });
    expect(await commitUpdate(db, { updateId: 620_005, claim: begun.claim, state: { kind: 'keep' } })).toBe(true);
    expect(await stored('flow:62005')).toEqual({ kept: 1 });
  });
  it('commits many updates in one statement: each its own way, a stale claim refused, two writes of one key both applied in order', async () => {
    await writeState(db, 'flow:62012', '{"old":1}');
    const begin = (updateId: number, key: string) => beginUpdate(db, { updateId, leaseMs: LEASE, touch: null, stateKeys: [key] });
    const write = await begin(620_011, 'flow:62011');
    const remove = await begin(620_012, 'flow:62012');
    const keep = await begin(620_013, 'flow:62013');
    await begin(620_014, 'flow:62014');
    const first = await begin(620_015, 'flow:62015');
    const second = await begin(620_016, 'flow:62015');
    const results = await commitUpdates(db, [
      { updateId: 620_011, claim: write.claim, state: { kind: 'write', key: 'flow:62011', json: '{"step":2}' } },
      { updateId: 620_012, claim: remove.claim, state: { kind: 'delete', key: 'flow:62012' } },
      { updateId: 620_013, claim: keep.claim, state: { kind: 'keep' } },
      { updateId: 620_014, claim: 'not-this-handlers-claim', state: { kind: 'write', key: 'flow:62014', json: '{"lost":true}' } },
      { updateId: 620_015, claim: first.claim, state: { kind: 'write', key: 'flow:62015', json: '{"n":1}' } },
      { updateId: 620_016, claim: second.claim, state: { kind: 'write', key: 'flow:62015', json: '{"n":2}' } },
    ]);
    expect(results).toEqual([true, true, true, false, true, true]);
    expect(await stored('flow:62011')).toEqual({ step: 2 });
    expect(await stored('flow:62012')).toBeUndefined();
    expect(await stored('flow:62014')).toBeUndefined();
    expect(await stored('flow:62015')).toEqual({ n: 2 });
    for (const updateId of [620_011, 620_012, 620_013, 620_015, 620_016]) {
      expect((await beginUpdate(db, { updateId, leaseMs: 0, touch: null, stateKeys: [] })).status).toBe('done');
    }
  });
});
