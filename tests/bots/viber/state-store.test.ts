import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createStateStore } from '../../../bots/viber/state-store.ts';

let db: TestDatabase;
const clock = new FixedClock(new Date('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the Viber state store', () => {
  it('lets two instances work on one subscriber only one at a time, each seeing what the other saved', async () => {
    const first = createStateStore({ db, clock });
    const second = createStateStore({ db, clock });
    const log: string[] = [];
    const step = (store: typeof first, name: string) =>
      store.withSubscriber('shared==', async (state) => {
        log.push(`${name} in (${String(state?.data.count ?? 0)})`);
        await pause(30);
        log.push(`${name} out`);
        const count = Number(state?.data.count ?? 0) + 1;
        return { state: { flow: 'f', step: 's', data: { count } }, result: count };
      });
    const results = await Promise.all([step(first, 'a'), step(second, 'b'), step(first, 'c'), step(second, 'd')]);
    expect(results.sort()).toEqual([1, 2, 3, 4]);
    for (let i = 0; i < log.length; i += 2) {
      expect(log[i]!.replace(/ in.*/, '')).toBe(log[i + 1]!.replace(' out', ''));
    }
  });

  it('keeps the previous state when the work fails, and releases the subscriber', async () => {
    const store = createStateStore({ db, clock });
    await store.withSubscriber('fails==', async () => ({ state: { flow: 'f', step: 'one', data: {} }, result: null }));
    await expect(store.withSubscriber('fails==', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const seen = await store.withSubscriber('fails==', async (state) => ({ state, result: state?.step }));
    expect(seen).toBe('one');
  });

  it('forgets a flow left alone longer than its time to live', async () => {
    const store = createStateStore({ db, clock, flowTtlMs: 3_600_000 });
    await store.withSubscriber('slow==', async () => ({ state: { flow: 'f', step: 'waiting', data: {} }, result: null }));
    clock.advance(3_600_001);
    expect(await store.withSubscriber('slow==', async (state) => ({ state, result: state }))).toBeNull();
  });

  it('claims a token once and prunes old ones', async () => {
    const store = createStateStore({ db, clock, tokenRetentionMs: 60_000 });
    expect(await store.claimToken('9223372036854775807')).toBe(true);
    expect(await store.claimToken('9223372036854775807')).toBe(false);
    clock.advance(60_001);
    expect(await store.pruneTokens()).toBeGreaterThanOrEqual(1);
    expect(await store.claimToken('9223372036854775807')).toBe(true);
  });
});
