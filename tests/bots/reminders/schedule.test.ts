import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localDate } from '../../../core/calendar.ts';
import { systemClock } from '../../../core/clock.ts';
import { lastReminderRun } from '../../../core/reminders/index.ts';
import { createLogger } from '../../../bots/logger.ts';
import { createReminderSchedule } from '../../../bots/schedule.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aDueSubscriber, clearReminderData, RecordingSender, reminderDeps, reminderRows } from '../../support/reminders-builders.ts';

// The cron runs on real time, so these tests use the system clock, and no quiet hours (they may run at night).
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});
beforeEach(async () => {
  await clearReminderData(db);
});

const TZ = 'Europe/Kyiv';
const logger = createLogger('silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runs(): Promise<{ slot: string; outcome: string | null; sent: number }[]> {
  return db.sequelize.query(`SELECT slot, outcome, sent FROM reminder_runs ORDER BY id`, { type: QueryTypes.SELECT });
}

async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > until) throw new Error(`not reached in time: ${JSON.stringify(value)}`);
    await sleep(25);
  }
}

describe('the reminders schedule', () => {
  it('fires passes from the cron expression, one reminder per subscriber per slot, and stops firing when stopped', async () => {
    const due = await Promise.all([0, 1, 2].map(() => aDueSubscriber(db)));
    const sender = new RecordingSender();
    const schedule = createReminderSchedule({
      reminders: reminderDeps(db, systemClock, sender, { quietHours: null }),
      cron: '* * * * * *',
      timeZone: TZ,
      logger,
    });
    schedule.start();
    await waitFor(runs, (r) => r.some((run) => run.outcome === 'completed'));
    await schedule.stop();

    const done = await runs();
    expect(done.every((run) => run.outcome === 'completed' && run.sent === due.length)).toBe(true);
    // Each slot is a firing's local time to the second, e.g. 2026-11-20T10:00:05.
    expect(done[0]!.slot).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/);
    expect(sender.delivered).toHaveLength(due.length * done.length);
    for (const run of done) {
      expect((await reminderRows(db, run.slot)).map((r) => r.subscriber_id)).toEqual(due.map((d) => d.subscriber.id).sort((a, b) => a - b));
    }
    await sleep(1500);
    expect(await runs()).toHaveLength(done.length);
  });

  it('a restart picks up the slot a previous process left unfinished, and finishes it once', async () => {
    const due = await Promise.all(Array.from({ length: 12 }, () => aDueSubscriber(db)));
    const today = localDate(systemClock.now(), TZ);
    const slot = `${today}T10:00`;
    // A pass of today's slot that died: its run row never finished, two reminders had gone out.
    await db.sequelize.query(`INSERT INTO reminder_runs (slot, period, started_at) VALUES (:slot, :period, now())`, {
      replacements: { slot, period: `${today.slice(0, 7)}-01` },
    });
    for (const d of due.slice(0, 2)) {
      await db.sequelize.query(
        `INSERT INTO reminders_sent (subscriber_id, period, slot, status, claimed_at, sent_at) VALUES (:id, :period, :slot, 'sent', now(), now())`,
        { replacements: { id: d.subscriber.id, period: `${today.slice(0, 7)}-01`, slot } },
      );
    }

    // Slow sends, so the shutdown lands mid-pass.
    const sender = new RecordingSender(async () => {
      await sleep(40);
      return { kind: 'sent', rateLimitedWaits: 0 };
    });
    const deps = reminderDeps(db, systemClock, sender, { quietHours: null, concurrency: 2 });
    const never = '0 0 1 1 *';
    const first = createReminderSchedule({ reminders: deps, cron: never, timeZone: TZ, logger });
    first.start();
    await waitFor(async () => sender.delivered.length, (n) => n >= 3);
    await first.stop();
    expect((await lastReminderRun(db))?.outcome).toBe('stopped');
    const beforeRestart = sender.delivered.length;
    expect(beforeRestart).toBeLessThan(10);

    const second = createReminderSchedule({ reminders: deps, cron: never, timeZone: TZ, logger });
    second.start();
    await waitFor(() => lastReminderRun(db), (run) => run?.outcome === 'completed');
    await second.stop();

    expect(sender.ids()).toEqual(due.slice(2).map((d) => d.subscriber.id).sort((a, b) => a - b));
    const rows = await reminderRows(db, slot);
    expect(rows).toHaveLength(due.length);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);

    // The slot is done now: a third start finds nothing to resume.
    const third = createReminderSchedule({ reminders: deps, cron: never, timeZone: TZ, logger });
    third.start();
    await sleep(300);
    await third.stop();
    expect(sender.delivered).toHaveLength(due.length - 2);
  });

  it('refuses an invalid cron expression at once', () => {
    expect(() =>
      createReminderSchedule({ reminders: reminderDeps(db, systemClock, new RecordingSender()), cron: 'every day', timeZone: TZ, logger }),
    ).toThrow(/REMINDER_CRON/);
  });
});
