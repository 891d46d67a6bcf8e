import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { claimReminders, settleReminders } from '../../../core/reminders/claims.ts';
import { runReminderPass, scheduledSlot } from '../../../core/reminders/index.ts';
import { createDatabase } from '../../../models/database.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aDueSubscriber, clearReminderData, RecordingSender, reminderDeps, reminderRows } from '../../support/reminders-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 4 });
});
afterAll(async () => {
  await db.destroy();
});
beforeEach(async () => {
  await clearReminderData(db);
});

const AT = new Date('2026-11-20T08:00:00Z');
const SLOT = scheduledSlot(AT, 'Europe/Kyiv');
const PERIOD = '2026-11-01';
const rules = { now: AT, leaseMs: 10 * 60_000, maxAttempts: 3 };

/** Ids of `count` new due subscribers, smallest first (the order rows are listed in). */
async function dueIds(count: number): Promise<number[]> {
  const created = await Promise.all(Array.from({ length: count }, () => aDueSubscriber(db)));
  return created.map((d) => d.subscriber.id).sort((x, y) => x - y);
}

describe('claiming a batch in one statement', () => {
  it('two instances claiming overlapping batches at once never both get a subscriber', async () => {
    const ids = (await Promise.all(Array.from({ length: 40 }, () => aDueSubscriber(db)))).map((d) => d.subscriber.id);
    const other = createDatabase({ url: db.url, poolMax: 2 });
    try {
      // Round after round on fresh slots, each instance asks for a different overlapping, shuffled subset.
      for (let round = 0; round < 5; round++) {
        const slot = `${SLOT}-round-${round}`;
        const shuffled = () => [...ids].sort(() => Math.random() - 0.5);
        const a = shuffled().slice(0, 30);
        const b = shuffled().slice(0, 30);
        const [ca, cb] = await Promise.all([
          claimReminders(db, { period: PERIOD, slot, subscriberIds: a }, rules),
          claimReminders(other, { period: PERIOD, slot, subscriberIds: b }, rules),
        ]);
        const won = [...ca, ...cb].map((c) => c.subscriberId);
        expect(new Set(won).size).toBe(won.length);
        expect([...won].sort((x, y) => x - y)).toEqual([...new Set([...a, ...b])].sort((x, y) => x - y));
        expect([...ca, ...cb].every((c) => c.attempt === 1 && c.slot === slot && c.period === PERIOD)).toBe(true);
        expect(await reminderRows(db, slot)).toHaveLength(won.length);
      }
    } finally {
      await other.close();
    }
  });

  it('takes a stale claim or a failed row with tries left, and nothing else', async () => {
    const [fresh, stale, failed, spent, sent] = await dueIds(5);
    const earlier = await claimReminders(db, { period: PERIOD, slot: SLOT, subscriberIds: [stale!, failed!, spent!, sent!] }, { ...rules, now: new Date(AT.getTime() - 11 * 60_000) });
    const byId = new Map(earlier.map((c) => [c.subscriberId, c]));
    await settleReminders(db, [
      { claim: byId.get(failed!)!, result: { status: 'failed', at: AT, error: 'timeout' } },
      { claim: byId.get(sent!)!, result: { status: 'sent', at: AT } },
    ]);
    await settleReminders(db, [{ claim: byId.get(spent!)!, result: { status: 'failed', at: AT, error: 'timeout' } }]);

    const again = await claimReminders(db, { period: PERIOD, slot: SLOT, subscriberIds: [fresh!, stale!, failed!, spent!, sent!] }, { ...rules, maxAttempts: 2 });
    // `spent` failed once and may be tried twice: still one try left. Spend it, then it is not taken again.
    expect(again.map((c) => [c.subscriberId, c.attempt]).sort((x, y) => x[0]! - y[0]!)).toEqual([
      [fresh, 1],
      [stale, 2],
      [failed, 2],
      [spent, 2],
    ]);
    await settleReminders(db, [{ claim: again.find((c) => c.subscriberId === spent)!, result: { status: 'failed', at: AT, error: 'timeout' } }]);
    expect(await claimReminders(db, { period: PERIOD, slot: SLOT, subscriberIds: [spent!, sent!] }, { ...rules, maxAttempts: 2 })).toEqual([]);
  });

  it('settles a batch row by row, and a settle under an older attempt changes nothing', async () => {
    const [a, b, c] = await dueIds(3);
    const old = (await claimReminders(db, { period: PERIOD, slot: SLOT, subscriberIds: [a!, b!, c!] }, { ...rules, now: new Date(AT.getTime() - 11 * 60_000) })).sort(
      (x, y) => x.subscriberId - y.subscriberId,
    );
    // `c`'s lease ran out and another instance re-claimed it: the late settle of attempt 1 must not land on it.
    const [reclaimed] = await claimReminders(db, { period: PERIOD, slot: SLOT, subscriberIds: [c!] }, rules);
    expect(reclaimed).toMatchObject({ subscriberId: c, attempt: 2 });
    await settleReminders(db, [
      { claim: old[0]!, result: { status: 'sent', at: AT } },
      { claim: old[1]!, result: { status: 'blocked', at: AT, error: 'blocked' } },
      { claim: old[2]!, result: { status: 'failed', at: AT, error: 'late' } },
    ]);
    expect((await reminderRows(db, SLOT)).map((r) => [r.subscriber_id, r.status, r.attempts, r.error])).toEqual([
      [a, 'sent', 1, null],
      [b, 'blocked', 1, 'blocked'],
      [c, 'claimed', 2, null],
    ]);
  });
});

describe('a pass whose settle batch is lost in a crash', () => {
  it('leaves those rows claimed; after the lease each gets exactly one more reminder, and no one else does', async () => {
    const due = await Promise.all(Array.from({ length: 24 }, () => aDueSubscriber(db)));
    const clock = new FixedClock(AT);
    // The instance loses its database right after its 12th send returns: the results it had not written yet are
    // gone with it, as in a crash between the sends and the flush of their settle batch.
    const crashed = createDatabase({ url: db.url, poolMax: 2 });
    const crashing = new RecordingSender((_, index) => {
      if (index === 11) void crashed.close();
      return { kind: 'sent', rateLimitedWaits: 0 };
    });
    await expect(runReminderPass(reminderDeps(crashed, clock, crashing, { concurrency: 4 }), { slot: SLOT })).rejects.toThrow();
    const unsettled = (await reminderRows(db, SLOT)).filter((r) => r.status === 'claimed').map((r) => r.subscriber_id);
    expect(unsettled.length).toBeGreaterThan(0);
    // Every row left claimed is one whose send went out: its result is what was lost.
    expect(unsettled.every((id) => crashing.ids().includes(id))).toBe(true);

    const early = new RecordingSender();
    await runReminderPass(reminderDeps(db, clock, early), { slot: SLOT });
    expect(early.ids().filter((id) => crashing.ids().includes(id))).toEqual([]);

    clock.advance(11 * 60_000);
    const late = new RecordingSender();
    const lateSummary = await runReminderPass(reminderDeps(db, clock, late), { slot: SLOT });
    expect(late.ids()).toEqual([...unsettled].sort((x, y) => x - y));
    expect(lateSummary).toMatchObject({ sent: unsettled.length, alreadyDone: due.length - unsettled.length });

    const everyone = new Set([...crashing.ids(), ...early.ids()]);
    expect([...everyone].sort((x, y) => x - y)).toEqual(due.map((d) => d.subscriber.id).sort((x, y) => x - y));
    expect((await reminderRows(db, SLOT)).every((r) => r.status === 'sent')).toBe(true);
    const after = new RecordingSender();
    await runReminderPass(reminderDeps(db, clock, after), { slot: SLOT });
    expect(after.delivered).toHaveLength(0);
  });
});
