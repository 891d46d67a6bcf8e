import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { sendRemindersCommand } from '../../../bots/reminders/cli-command.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aDueSubscriber, clearReminderData, RecordingSender, reminderDeps, reminderRows } from '../../support/reminders-builders.ts';

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

describe('send-reminders', () => {
  it("runs one pass in today's manual slot; running it again the same day sends nothing", async () => {
    const due = await Promise.all([0, 1, 2].map(() => aDueSubscriber(db)));
    // 12:00 in Kyiv.
    const clock = new FixedClock(new Date('2026-11-20T10:00:00Z'));
    const sender = new RecordingSender();
    const out: string[] = [];
    expect(await sendRemindersCommand(reminderDeps(db, clock, sender), [], (l) => out.push(l))).toBe(0);
    expect(sender.delivered).toHaveLength(due.length);
    expect(out.join('\n')).toContain('reminders manual-2026-11-20 for 2026-11: completed');
    expect(out.join('\n')).toContain('sent 3');
    expect((await reminderRows(db, 'manual-2026-11-20')).every((r) => r.status === 'sent')).toBe(true);

    clock.advance(3_600_000);
    await sendRemindersCommand(reminderDeps(db, clock, sender), [], (l) => out.push(l));
    expect(sender.delivered).toHaveLength(due.length);
    expect(out.at(-1)).toContain('already sent 3');
  });

  it('finishes a named slot, and refuses unknown arguments', async () => {
    await aDueSubscriber(db);
    const clock = new FixedClock(new Date('2026-11-20T10:00:00Z'));
    const sender = new RecordingSender();
    const out: string[] = [];
    expect(await sendRemindersCommand(reminderDeps(db, clock, sender), ['--slot', '2026-11-20T10:00'], (l) => out.push(l))).toBe(0);
    expect(await reminderRows(db, '2026-11-20T10:00')).toHaveLength(1);
    expect(await sendRemindersCommand(reminderDeps(db, clock, sender), ['--now'], (l) => out.push(l))).toBe(2);
    expect(out.at(-1)).toContain('unknown argument: --now');
  });
});
