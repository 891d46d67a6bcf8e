import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { runReminderPass, scheduledSlot } from '../../../core/reminders/index.ts';
import { resendExpiredClaims } from '../../../core/reminders/sweep.ts';
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

const AT = new Date('2026-11-20T08:00:00Z');
const SLOT = scheduledSlot(AT, 'Europe/Kyiv');
const LEASE = 10 * 60_000;
const minutesBefore = (minutes: number) => new Date(AT.getTime() - minutes * 60_000);

/** A claim a sender took and never settled: it died. */
async function deadClaim(subscriberId: number, options: { slot?: string; claimedAt: Date; attempts?: number; period?: string }): Promise<void> {
  await db.sequelize.query(
    `INSERT INTO reminders_sent (subscriber_id, period, slot, status, attempts, claimed_at) VALUES (:id, :period, :slot, 'claimed', :attempts, :at)`,
    { replacements: { id: subscriberId, period: options.period ?? '2026-11-01', slot: options.slot ?? SLOT, attempts: options.attempts ?? 1, at: options.claimedAt } },
  );
}

describe('claims whose sender died', () => {
  it('a pass leaves its slot unsettled while a dead sender’s claim is within its lease, and sends it once the lease is over', async () => {
    const [a, b, c] = [await aDueSubscriber(db), await aDueSubscriber(db), await aDueSubscriber(db)];
    await deadClaim(a.subscriber.id, { claimedAt: minutesBefore(2) });

    const sender = new RecordingSender();
    const first = await runReminderPass(reminderDeps(db, new FixedClock(AT), sender, { leaseMs: LEASE }), { slot: SLOT });
    expect(first).toMatchObject({ outcome: 'unsettled', sent: 2, alreadyDone: 1 });
    expect(sender.ids()).toEqual([b.subscriber.id, c.subscriber.id].sort((x, y) => x - y));

    // Nine minutes on, the lease is over: the sweep alone sends it, once; a second sweep finds nothing.
    const later = reminderDeps(db, new FixedClock(new Date(AT.getTime() + 9 * 60_000)), sender, { leaseMs: LEASE });
    expect(await resendExpiredClaims(later)).toMatchObject({ resent: 1, sent: 1 });
    expect(await resendExpiredClaims(later)).toMatchObject({ resent: 0, sent: 0 });
    expect(sender.delivered.filter((d) => d.subscriberId === a.subscriber.id)).toHaveLength(1);
    const rows = await reminderRows(db, SLOT);
    expect(rows.map((r) => [r.subscriber_id, r.status, r.attempts])).toEqual(
      [a, b, c].map((d) => d.subscriber.id).sort((x, y) => x - y).map((id) => [id, 'sent', id === a.subscriber.id ? 2 : 1]),
    );

    // The slot is settled now: the next pass of it completes.
    expect(await runReminderPass(later, { slot: SLOT })).toMatchObject({ outcome: 'completed', sent: 0, alreadyDone: 3 });
  });

  it('a pass of any slot sends the expired claims of other slots of the period, only to those still due', async () => {
    const stillDue = await aDueSubscriber(db);
    const readSince = await aDueSubscriber(db);
    await aReading(db, readSince.meters[0]!, { value: 130, localDate: '2026-11-19' });
    const lastMonth = await aDueSubscriber(db);
    await deadClaim(stillDue.subscriber.id, { slot: '2026-11-19T10:00', claimedAt: minutesBefore(24 * 60) });
    await deadClaim(readSince.subscriber.id, { slot: '2026-11-19T10:00', claimedAt: minutesBefore(24 * 60) });
    await deadClaim(lastMonth.subscriber.id, { slot: '2026-10-25T10:00', period: '2026-10-01', claimedAt: minutesBefore(26 * 24 * 60) });

    const sender = new RecordingSender();
    // A manual pass today: stillDue gets today's reminder and yesterday's lost one; readSince only has the old claim settled.
    const summary = await runReminderPass(reminderDeps(db, new FixedClock(AT), sender, { leaseMs: LEASE }), { slot: 'manual-2026-11-20' });
    expect(summary.outcome).toBe('completed');
    expect(sender.delivered.filter((d) => d.subscriberId === stillDue.subscriber.id)).toHaveLength(2);
    expect(sender.delivered.some((d) => d.subscriberId === readSince.subscriber.id)).toBe(false);
    const yesterday = await reminderRows(db, '2026-11-19T10:00');
    expect(yesterday.map((r) => [r.subscriber_id, r.status, r.error])).toEqual(
      [
        [stillDue.subscriber.id, 'sent', null],
        [readSince.subscriber.id, 'skipped', 'no-longer-due'],
      ].sort((x, y) => Number(x[0]) - Number(y[0])),
    );
    // Last month's claim is not this period's business: left as it was.
    expect((await reminderRows(db, '2026-10-25T10:00'))[0]).toMatchObject({ status: 'claimed', attempts: 1 });
  });

  it('gives a claim up as failed once its senders died as many times as the tries allow', async () => {
    const due = await aDueSubscriber(db);
    await deadClaim(due.subscriber.id, { claimedAt: minutesBefore(30), attempts: 3 });
    const sender = new RecordingSender();
    expect(await resendExpiredClaims(reminderDeps(db, new FixedClock(AT), sender, { leaseMs: LEASE, maxAttempts: 3 }))).toMatchObject({ resent: 0 });
    expect(sender.delivered).toHaveLength(0);
    expect((await reminderRows(db, SLOT))[0]).toMatchObject({ status: 'failed', error: 'the sender died before settling, 3 times' });
  });

  it('sends nothing in quiet hours, and leaves the claims for a later sweep', async () => {
    const due = await aDueSubscriber(db);
    const night = new Date('2026-11-20T21:00:00Z'); // 23:00 in Kyiv
    await deadClaim(due.subscriber.id, { claimedAt: new Date(night.getTime() - 60 * 60_000) });
    const sender = new RecordingSender();
    expect(await resendExpiredClaims(reminderDeps(db, new FixedClock(night), sender, { leaseMs: LEASE }))).toMatchObject({ resent: 0 });
    expect((await reminderRows(db, SLOT))[0]).toMatchObject({ status: 'claimed', attempts: 1 });
  });
});
