import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { systemClock } from '../../../core/clock.ts';
import { announceOutage } from '../../../core/outages/index.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeTelegram } from '../../support/fake-telegram/index.ts';
import { aDraft, anAccountAt, aSubscriberOf } from '../../support/outages-builders.ts';
import type { Subscriber } from '../../../models/models.ts';

// The real app, killed with SIGKILL while it sends an emergency's notices, then started again: every affected
// subscriber ends with the notice, and only one whose notice was in flight at the kill (claimed, not settled,
// yet already at Telegram) may have it twice (at-least-once, as the README says).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SUBSCRIBERS = 60;
const LEASE_SECONDS = 8;

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
      // 19 notices a second: the pass is still going when the process is killed.
      TELEGRAM_GLOBAL_PER_SECOND: '20',
      REMINDER_CRON: '0 3 1 1 *',
      OUTAGE_DELIVERY_SECONDS: '1',
      OUTAGE_LEASE_SECONDS: String(LEASE_SECONDS),
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
  db.sequelize.query<{ subscriber_id: number; status: string; attempts: number }>(`SELECT subscriber_id, status, attempts FROM outage_notices ORDER BY subscriber_id`, {
    type: QueryTypes.SELECT,
  });

// Like every SIGKILL test, on a server only: the app's child process and this file share one database.
describe.runIf(inject('testDatabase').kind === 'server')('outage notices, the sender killed in the middle', () => {
  it('after a restart and the lease, every affected subscriber has the notice; only those in flight at the kill may have two', async () => {
    const subscribers: Subscriber[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const userId = 7_300_000 + i;
      tg.user({ id: userId, first_name: `Абонент ${i}` });
      subscribers.push(await aSubscriberOf(db, [await anAccountAt(db, `вул. Соборна, ${i + 1}`)], 'telegram', String(userId)));
    }
    const outsider = 7_399_999;
    tg.user({ id: outsider, first_name: 'Сусід' });
    await aSubscriberOf(db, [await anAccountAt(db, 'вул. Садова, 1')], 'telegram', String(outsider));
    const chatOf = new Map(subscribers.map((s) => [s.id, Number(s.channelUserId)]));
    const received = (id: number) => tg.sent(chatOf.get(id)!).length;
    const now = Date.now();
    const announced = await announceOutage(
      { db, clock: systemClock, settings: defaultCoreSettings },
      aDraft({ targets: [{ street: 'Соборна', houses: null }], startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 86_400_000).toISOString() }),
      { idempotencyKey: 'kill-test', by: 'staff' },
    );
    expect(announced.kind).toBe('announced');

    const first = startApp();
    await until(async () => subscribers.filter((s) => received(s.id) > 0).length >= 15, 60_000, 'the notices under way');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = await statuses();
    const claimedAtKill = new Set(atKill.filter((r) => r.status === 'claimed').map((r) => r.subscriber_id));
    const receivedAtKill = new Map(subscribers.map((s) => [s.id, received(s.id)]));
    expect(atKill.length).toBeLessThan(SUBSCRIBERS);

    const second = startApp();
    await until(async () => {
      const rows = await statuses();
      return rows.length === SUBSCRIBERS && rows.every((r) => r.status === 'sent');
    }, (LEASE_SECONDS + 60) * 1000, 'every notice settled as sent');
    // A few more passes: nothing may go again.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const twice = subscribers.filter((s) => received(s.id) === 2).map((s) => s.id);
    for (const s of subscribers) {
      const count = received(s.id);
      if (count === 2) {
        expect(claimedAtKill.has(s.id)).toBe(true);
        expect(receivedAtKill.get(s.id)).toBe(1);
      } else {
        expect(count).toBe(1);
      }
    }
    expect(tg.sent(outsider)).toEqual([]);
    for (const r of await statuses()) expect(r.attempts).toBe(claimedAtKill.has(r.subscriber_id) ? 2 : 1);
    console.info(`outages kill test: ${claimedAtKill.size} claims open at the kill, ${twice.length} subscriber(s) got a second copy`);

    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
  }, 180_000);
});
