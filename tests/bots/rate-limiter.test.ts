import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { BatchingRateLimiter, SharedRateLimiter } from '../../bots/rate-limiter.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

describe('shared rate limiter', () => {
  it('lets a burst through at once and then spaces takers at the rate', async () => {
    const limiter = new SharedRateLimiter(db.sequelize);
    // A slow rate, so the time the test itself takes between takes hardly refills the bucket.
    const limit = { perSecond: 1, burst: 3 };
    const waits: number[] = [];
    for (let i = 0; i < 6; i += 1) waits.push(await limiter.reserve('test:burst', limit));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    // Each later taker queues one slot (1 s at 1/s) behind the one before it.
    expect(waits[3]).toBeGreaterThan(800);
    expect(waits[4]! - waits[3]!).toBeGreaterThan(800);
    expect(waits[5]! - waits[4]!).toBeGreaterThan(800);
  });

  it('shares one bucket between two limiters, as two instances would', async () => {
    const first = new SharedRateLimiter(db.sequelize);
    const second = new SharedRateLimiter(db.sequelize);
    const limit = { perSecond: 5, burst: 1 };
    const started = Date.now();
    await Promise.all([0, 1, 2, 3].map((i) => (i % 2 ? first : second).take('test:shared', limit)));
    // Four takers at 5/s with a burst of one: the last goes no sooner than 3 slots (600 ms) after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });

  it('keeps keys apart', async () => {
    const limiter = new SharedRateLimiter(db.sequelize);
    const limit = { perSecond: 1, burst: 1 };
    expect(await limiter.reserve('chat:1', limit)).toBe(0);
    expect(await limiter.reserve('chat:2', limit)).toBe(0);
    expect(await limiter.reserve('chat:1', limit)).toBeGreaterThan(0);
  });

  it('takes a free token at once and refuses, changing nothing, when none is free', async () => {
    const limiter = new SharedRateLimiter(db.sequelize);
    const limit = { perSecond: 0.5, burst: 2 };
    expect(await limiter.tryTake('group:1', limit)).toEqual({ taken: true });
    expect(await limiter.tryTake('group:1', limit)).toEqual({ taken: true });
    const refused = await limiter.tryTake('group:1', limit);
    expect(refused.taken).toBe(false);
    // At 0.5 a second the next token is about two seconds away, and a refusal does not push it further.
    const again = await limiter.tryTake('group:1', limit);
    expect(again.taken === false && again.waitMs).toBeGreaterThan(1500);
    expect(again.taken === false && again.waitMs).toBeLessThanOrEqual(2000);
  });

  it('reserves many slots in one statement on the same schedule as one at a time', async () => {
    const limiter = new SharedRateLimiter(db.sequelize);
    const limit = { perSecond: 1, burst: 2 };
    // A fresh bucket holds the burst: two now, then one a second.
    const waits = await limiter.reserveMany('test:many', limit, 5);
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    expect(waits[2]).toBeGreaterThan(900);
    expect(waits[3]! - waits[2]!).toBeGreaterThan(950);
    expect(waits[4]! - waits[3]!).toBeGreaterThan(950);
    // The next taker, batch or single, queues behind all five.
    expect(await limiter.reserve('test:many', limit)).toBeGreaterThan(waits[4]! + 800);
    await expect(limiter.reserveMany('test:many', limit, 0)).rejects.toThrow('positive integer');
  });

  it('the batching limiter hands each concurrent taker its own slot, from few statements', async () => {
    const shared = new SharedRateLimiter(db.sequelize);
    let statements = 0;
    const counting = Object.assign(Object.create(shared) as SharedRateLimiter, {
      reserveMany: (key: string, limit: { perSecond: number; burst: number }, count: number) => {
        statements += 1;
        return shared.reserveMany(key, limit, count);
      },
    });
    const slept: number[] = [];
    const batching = new BatchingRateLimiter(counting, { sleep: async (ms) => void slept.push(ms) });
    const limit = { perSecond: 10, burst: 1 };
    await Promise.all(Array.from({ length: 20 }, () => batching.take('test:batched', limit)));
    // All twenty asked in the same turn: one statement reserved their twenty slots.
    expect(statements).toBe(1);
    // One free token, then 19 spaced 100 ms apart: every taker waited for a different slot.
    const sorted = [...slept].sort((a, b) => a - b);
    expect(sorted).toHaveLength(19);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThan(90);
    // The bucket saw all 20: a single taker from elsewhere now queues behind them (about 2 s at 10/s).
    expect(await shared.reserve('test:batched', limit)).toBeGreaterThan(1800);
  });
});
