import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { lastReminderRun, runReminderPass, scheduledSlot } from '../../../core/reminders/index.ts';
import { createDatabase } from '../../../models/database.ts';
import { aLink, aMeter, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aReading } from '../../support/readings-builders.ts';
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

// 10:00 in Kyiv (UTC+2 in November): the default schedule's firing on the 20th.
const AT = new Date('2026-11-20T08:00:00Z');
const SLOT = scheduledSlot(AT, 'Europe/Kyiv');

describe('who is due', () => {
  it('reminds those with a meter unread this period, naming only the unread meters', async () => {
    const plain = await aDueSubscriber(db);
    const off = await aDueSubscriber(db, { subscriber: { remindersEnabled: false } });
    const blocked = await aDueSubscriber(db);
    await db.models.Subscriber.update({ blockedAt: new Date('2026-11-10T00:00:00Z') }, { where: { id: blocked.subscriber.id } });
    const allDone = await aDueSubscriber(db, { meters: 2 });
    for (const meter of allDone.meters) await aReading(db, meter, { value: 130, localDate: '2026-11-03' });
    const halfDone = await aDueSubscriber(db, { meters: 2 });
    await aReading(db, halfDone.meters[0]!, { value: 130, localDate: '2026-11-15' });
    const lastMonth = await aDueSubscriber(db);
    await aReading(db, lastMonth.meters[0]!, { value: 130, localDate: '2026-10-31' });
    const corrected = await aDueSubscriber(db);
    await aReading(db, corrected.meters[0]!, { value: 130, localDate: '2026-11-02', kind: 'staff-correction' });
    const unlinked = await aSubscriber(db);

    const sender = new RecordingSender();
    const summary = await runReminderPass(reminderDeps(db, new FixedClock(AT), sender), { slot: SLOT });

    expect(sender.ids()).toEqual([plain, halfDone, lastMonth].map((s) => s.subscriber.id).sort((a, b) => a - b));
    const half = sender.delivered.find((d) => d.subscriberId === halfDone.subscriber.id)!;
    expect(half.meters).toEqual([{ accountNumber: halfDone.accountNumber, meterSerial: halfDone.meters[1]!.serial, meterId: halfDone.meters[1]!.id }]);
    expect(half.period).toBe('2026-11-01');
    expect(summary).toMatchObject({ outcome: 'completed', due: 3, sent: 3, failed: 0, blocked: 0, skipped: 0, alreadyDone: 0, period: '2026-11-01' });
    const rows = await reminderRows(db, SLOT);
    expect(rows.map((r) => [r.subscriber_id, r.status])).toEqual(sender.ids().map((id) => [id, 'sent']));
    expect(rows.some((r) => [off, blocked, allDone, corrected].some((s) => s.subscriber.id === r.subscriber_id) || r.subscriber_id === unlinked.id)).toBe(false);
  });

  it('takes the period from the day in the reminders zone, not UTC', async () => {
    const due = await aDueSubscriber(db);
    // 30 November 23:30 UTC is already 1 December in Kyiv: November's reading no longer counts.
    await aReading(db, due.meters[0]!, { value: 130, localDate: '2026-11-29' });
    const sender = new RecordingSender();
    const now = new Date('2026-11-30T23:30:00Z');
    const summary = await runReminderPass(reminderDeps(db, new FixedClock(now), sender, { quietHours: null }), { slot: 'manual-2026-12-01' });
    expect(summary.period).toBe('2026-12-01');
    expect(sender.ids()).toEqual([due.subscriber.id]);
  });

  it('leaves out meters past their verification date when readings refuse them', async () => {
    const account = await anAccount(db);
    const overdue = await aMeter(db, account, { verificationDue: '2026-10-01' });
    const fine = await aMeter(db, account);
    const subscriber = await aSubscriber(db);
    await aLink(db, subscriber, account);
    const onlyOverdue = await aDueSubscriber(db);
    await db.models.Meter.update({ verificationDue: '2026-01-01' }, { where: { id: onlyOverdue.meters[0]!.id } });

    const sender = new RecordingSender();
    await runReminderPass(reminderDeps(db, new FixedClock(AT), sender), { slot: SLOT });
    expect(sender.delivered.map((d) => [d.subscriberId, d.meters.map((m) => m.meterId)])).toEqual([[subscriber.id, [fine.id]]]);
    expect(overdue.id).not.toBe(fine.id);
  });
});

describe('once per subscriber, period and slot', () => {
  it('sends nothing on a second pass of the same slot, and again on the next day slot', async () => {
    const due = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(() => aDueSubscriber(db)));
    const clock = new FixedClock(AT);
    const first = new RecordingSender();
    await runReminderPass(reminderDeps(db, clock, first), { slot: SLOT });
    expect(first.delivered).toHaveLength(due.length);

    const second = new RecordingSender();
    const again = await runReminderPass(reminderDeps(db, clock, second), { slot: SLOT });
    expect(second.delivered).toHaveLength(0);
    expect(again).toMatchObject({ due: due.length, sent: 0, alreadyDone: due.length, outcome: 'completed' });

    clock.set('2026-11-21T08:00:00Z');
    const nextDay = new RecordingSender();
    await runReminderPass(reminderDeps(db, clock, nextDay), { slot: scheduledSlot(clock.now(), 'Europe/Kyiv') });
    expect(nextDay.ids()).toEqual(first.ids());
  });

  it('a restart after a crash mid-run leaves every due subscriber with exactly one reminder', async () => {
    const due = await Promise.all(Array.from({ length: 30 }, () => aDueSubscriber(db)));
    const clock = new FixedClock(AT);
    const sentBeforeCrash = 9;
    // The first instance delivers 9 reminders, then its sends never return: the process is as good as dead,
    // with the claims of the sends in flight left behind.
    let killProcess!: (reason: Error) => void;
    const dead = new Promise<never>((_, reject) => {
      killProcess = reject;
    });
    const crashing = new RecordingSender((_, index) => (index < sentBeforeCrash ? { kind: 'sent', rateLimitedWaits: 0 } : dead));
    const firstPass = runReminderPass(reminderDeps(db, clock, crashing, { concurrency: 3 }), { slot: SLOT });
    await waitUntil(
      async () => crashing.delivered.length === sentBeforeCrash && (await reminderRows(db, SLOT)).filter((r) => r.status === 'claimed').length === 3,
    );
    expect(crashing.delivered).toHaveLength(sentBeforeCrash);

    // The restarted instance, on its own connections. Within the lease the claims may still be in flight elsewhere: left alone.
    const restarted = createDatabase({ url: db.url, poolMax: 2 });
    try {
      const early = new RecordingSender();
      const earlySummary = await runReminderPass(reminderDeps(restarted, clock, early), { slot: SLOT });
      expect(earlySummary.alreadyDone).toBe(sentBeforeCrash + 3);
      expect(early.delivered).toHaveLength(due.length - sentBeforeCrash - 3);

      // After the lease the dead claims are sent again (at-least-once; these never reached anyone).
      clock.advance(11 * 60_000);
      const late = new RecordingSender();
      const lateSummary = await runReminderPass(reminderDeps(restarted, clock, late), { slot: SLOT });
      expect(late.delivered).toHaveLength(3);
      expect(lateSummary).toMatchObject({ sent: 3, alreadyDone: due.length - 3 });

      const everyone = [...crashing.delivered, ...early.delivered, ...late.delivered].map((d) => d.subscriberId).sort((a, b) => a - b);
      expect(everyone).toEqual(due.map((d) => d.subscriber.id).sort((a, b) => a - b));
      const rows = await reminderRows(db, SLOT);
      expect(rows).toHaveLength(due.length);
      expect(rows.every((r) => r.status === 'sent')).toBe(true);

      // The dead instance's sends finally fail: its late settle must not overwrite the re-sent rows.
      killProcess(new Error('process died'));
      await firstPass;
      expect((await reminderRows(db, SLOT)).every((r) => r.status === 'sent')).toBe(true);
    } finally {
      await restarted.close();
    }
  });

  it('two instances running the same slot at once never send one twice', async () => {
    const due = await Promise.all(Array.from({ length: 60 }, () => aDueSubscriber(db)));
    const clock = new FixedClock(AT);
    const other = createDatabase({ url: db.url, poolMax: 2 });
    try {
      const jitter = () => new Promise<{ kind: 'sent'; rateLimitedWaits: number }>((resolve) => setTimeout(() => resolve({ kind: 'sent', rateLimitedWaits: 0 }), Math.random() * 5));
      const a = new RecordingSender(jitter);
      const b = new RecordingSender(jitter);
      const [sa, sb] = await Promise.all([
        runReminderPass(reminderDeps(db, clock, a), { slot: SLOT }),
        runReminderPass(reminderDeps(other, clock, b), { slot: SLOT }),
      ]);
      const all = [...a.ids(), ...b.ids()].sort((x, y) => x - y);
      expect(all).toEqual(due.map((d) => d.subscriber.id).sort((x, y) => x - y));
      expect(sa.sent + sb.sent).toBe(due.length);
      expect(sa.alreadyDone + sb.alreadyDone).toBe(due.length);
    } finally {
      await other.close();
    }
  });
});

describe('quiet hours', () => {
  it('a pass that starts in quiet hours sends nothing and claims nothing', async () => {
    await aDueSubscriber(db);
    const sender = new RecordingSender();
    // 21:30 in Kyiv.
    const summary = await runReminderPass(reminderDeps(db, new FixedClock(new Date('2026-11-20T19:30:00Z')), sender), { slot: 'manual-2026-11-20' });
    expect(summary).toMatchObject({ outcome: 'quiet-hours', due: 0, sent: 0 });
    expect(sender.delivered).toHaveLength(0);
    expect(await reminderRows(db)).toHaveLength(0);
  });

  it('a pass that reaches quiet hours stops and leaves the rest unclaimed for the next slot', async () => {
    await Promise.all([0, 1, 2, 3, 4].map(() => aDueSubscriber(db)));
    // 20:59:58 in Kyiv; every send takes a second of the clock.
    const clock = new FixedClock(new Date('2026-11-20T18:59:58Z'));
    const sender = new RecordingSender(() => {
      clock.advance(1000);
      return { kind: 'sent', rateLimitedWaits: 0 };
    });
    const summary = await runReminderPass(reminderDeps(db, clock, sender, { concurrency: 1 }), { slot: SLOT });
    expect(summary).toMatchObject({ outcome: 'quiet-hours', sent: 2, due: 2 });
    expect(await reminderRows(db, SLOT)).toHaveLength(2);
    expect((await lastReminderRun(db))?.outcome).toBe('quiet-hours');
  });
});

describe('failures', () => {
  it('records a thrown send as failed and lets a later pass of the slot try it again, up to the limit', async () => {
    const due = await aDueSubscriber(db);
    const clock = new FixedClock(AT);
    const failing = new RecordingSender(() => {
      throw new Error('network down for bot123:SECRET-token');
    });
    const summary = await runReminderPass(reminderDeps(db, clock, failing, { maxAttempts: 2 }), { slot: SLOT });
    expect(summary).toMatchObject({ failed: 1, sent: 0 });
    const [row] = await reminderRows(db, SLOT);
    expect(row).toMatchObject({ subscriber_id: due.subscriber.id, status: 'failed', attempts: 1 });
    expect(row!.error).toContain('network down');
    expect(row!.error).not.toContain('SECRET');

    await runReminderPass(reminderDeps(db, clock, failing, { maxAttempts: 2 }), { slot: SLOT });
    expect((await reminderRows(db, SLOT))[0]).toMatchObject({ status: 'failed', attempts: 2 });
    const healthy = new RecordingSender();
    const third = await runReminderPass(reminderDeps(db, clock, healthy, { maxAttempts: 2 }), { slot: SLOT });
    expect(healthy.delivered).toHaveLength(0);
    expect(third.alreadyDone).toBe(1);
  });

  it('records blocked and skipped answers without retrying them', async () => {
    const blocked = await aDueSubscriber(db);
    const viber = await aDueSubscriber(db, { subscriber: { channel: 'viber' } });
    const clock = new FixedClock(AT);
    const sender = new RecordingSender((r) =>
      r.channel === 'viber' ? { kind: 'skipped', reason: 'channel-off' } : { kind: 'blocked', reason: 'blocked', rateLimitedWaits: 1 },
    );
    const summary = await runReminderPass(reminderDeps(db, clock, sender), { slot: SLOT });
    expect(summary).toMatchObject({ blocked: 1, skipped: 1, sent: 0, rateLimited: 1 });
    const rows = await reminderRows(db, SLOT);
    expect(rows.map((r) => [r.subscriber_id, r.status])).toEqual([
      [blocked.subscriber.id, 'blocked'],
      [viber.subscriber.id, 'skipped'],
    ]);
    const again = new RecordingSender();
    await runReminderPass(reminderDeps(db, clock, again), { slot: SLOT });
    expect(again.delivered).toHaveLength(0);
  });
});

describe('lastReminderRun', () => {
  it('is null before any pass and shows the latest pass with its counts', async () => {
    expect(await lastReminderRun(db)).toBeNull();
    await Promise.all([0, 1].map(() => aDueSubscriber(db)));
    const clock = new FixedClock(AT);
    await runReminderPass(reminderDeps(db, clock, new RecordingSender()), { slot: SLOT });
    clock.advance(60_000);
    await runReminderPass(reminderDeps(db, clock, new RecordingSender()), { slot: 'manual-2026-11-20' });
    const last = await lastReminderRun(db);
    expect(last).toMatchObject({ slot: 'manual-2026-11-20', period: '2026-11-01', outcome: 'completed', due: 2, sent: 2, startedAt: '2026-11-20T08:01:00.000Z' });
    expect(last?.finishedAt).not.toBeNull();
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
