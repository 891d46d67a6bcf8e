import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localDate, periodOf } from '../../../core/calendar.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeTelegram } from '../../support/fake-telegram/index.ts';
import { aDueSubscriber } from '../../support/reminders-builders.ts';
import type { Subscriber } from '../../../models/models.ts';

// The real app, killed with SIGKILL in the middle of a scheduled reminders pass, then started again: every due
// subscriber ends with exactly one reminder, except that a message already handed to Telegram when the process
// died (its claim not yet settled) may go a second time once the lease is over (at-least-once, as the README says).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SUBSCRIBERS = 60;
const LEASE_SECONDS = 12;

let db: TestDatabase;
let tg: FakeTelegram;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
  tg = await FakeTelegram.start();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await tg?.stop();
  await db?.destroy();
});

function startApp(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bots/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      DB_POOL_MAX: '4',
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      // 19 reminders a second: the pass is still going when the process is killed.
      TELEGRAM_GLOBAL_PER_SECOND: '20',
      REMINDER_CRON: '0 3 1 1 *',
      REMINDER_QUIET_HOURS: '',
      REMINDER_TZ: 'Europe/Kyiv',
      REMINDER_LEASE_SECONDS: String(LEASE_SECONDS),
    },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

async function until<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const statuses = () =>
  db.sequelize.query<{ subscriber_id: number; status: string; attempts: number }>(`SELECT subscriber_id, status, attempts FROM reminders_sent ORDER BY subscriber_id`, {
    type: QueryTypes.SELECT,
  });

// Like every SIGKILL test, on a server only: the pass's child process and this file share one database.
describe.runIf(inject('testDatabase').kind === 'server')('a reminders pass killed in the middle', () => {
  it('after a restart and the lease, every due subscriber has one reminder; only those in flight at the kill may have two', async () => {
    const subscribers: Subscriber[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const userId = 7_100_000 + i;
      tg.user({ id: userId, first_name: `Абонент ${i}` });
      subscribers.push((await aDueSubscriber(db, { subscriber: { channelUserId: String(userId) } })).subscriber);
    }
    const chatOf = new Map(subscribers.map((s) => [s.id, Number(s.channelUserId)]));
    const received = (id: number) => tg.sent(chatOf.get(id)!).length;

    // Today's scheduled slot, started by a process that died before sending anything: the app resumes it on start.
    const today = localDate(new Date(), 'Europe/Kyiv');
    const slot = `${today}T10:00`;
    await db.sequelize.query(`INSERT INTO reminder_runs (slot, period, started_at) VALUES (:slot, :period, now())`, {
      replacements: { slot, period: periodOf(today) },
    });

    const first = startApp();
    await until(async () => subscribers.filter((s) => received(s.id) > 0).length >= 15, 60_000, 'the pass under way');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = await statuses();
    const claimedAtKill = new Set(atKill.filter((r) => r.status === 'claimed').map((r) => r.subscriber_id));
    const receivedAtKill = new Map(subscribers.map((s) => [s.id, received(s.id)]));
    // The situation of the report: claims left by a sender that died, some of them already on their way.
    expect(claimedAtKill.size).toBeGreaterThan(0);
    expect(atKill.length).toBeLessThan(SUBSCRIBERS);

    const second = startApp();
    await until(async () => {
      const rows = await statuses();
      return rows.length === SUBSCRIBERS && rows.every((r) => r.status === 'sent');
    }, (LEASE_SECONDS + 60) * 1000, 'every reminder settled as sent');
    // A few more sweeps: nothing may go again.
    await new Promise((resolve) => setTimeout(resolve, 4_000));

    const twice = subscribers.filter((s) => received(s.id) === 2).map((s) => s.id);
    for (const s of subscribers) {
      const count = received(s.id);
      if (count === 2) {
        // The second copy is only for a message in flight: claimed, not settled, yet already at Telegram.
        expect(claimedAtKill.has(s.id)).toBe(true);
        expect(receivedAtKill.get(s.id)).toBe(1);
      } else {
        expect(count).toBe(1);
      }
    }
    expect(twice.length).toBeLessThanOrEqual(claimedAtKill.size);
    // The claims the dead process held were taken over after the lease, each once.
    for (const r of await statuses()) expect(r.attempts).toBe(claimedAtKill.has(r.subscriber_id) ? 2 : 1);

    const runs = await db.sequelize.query<{ outcome: string | null }>(`SELECT outcome FROM reminder_runs WHERE slot = :slot ORDER BY id`, {
      replacements: { slot },
      type: QueryTypes.SELECT,
    });
    // The killed pass never finished; the resumed one did not call the slot completed while claims were open.
    expect(runs.map((r) => r.outcome)).toEqual([null, null, 'unsettled']);
    console.info(`reminders kill test: ${claimedAtKill.size} claims open at the kill, ${twice.length} subscriber(s) got a second copy`);

    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
  }, 180_000);
});
