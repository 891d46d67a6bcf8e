import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeTelegram } from '../../support/fake-telegram/index.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { writeLetter } from '../../../core/letters/index.ts';
import { FixedClock } from '../../../core/clock.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';

// The real process, killed with SIGKILL between storing a letter and forwarding it: after a restart the letter
// reaches the staff group, exactly once.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const STAFF = -1005005005005;

let db: TestDatabase;
let tg: FakeTelegram;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
  tg = await FakeTelegram.start();
  tg.group({ id: STAFF, title: 'Працівники', isForum: false });
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
      DB_POOL_MAX: '2',
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_STAFF_CHAT_ID: String(STAFF),
      // Far from any schedule the test could hit.
      REMINDER_CRON: '0 3 1 1 *',
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

const cardsFor = (text: string) => tg.sentTexts(STAFF).filter((t) => t.includes(text));

describe('a letter stored just before the process dies', () => {
  it('reaches the staff group after the restart, once', async () => {
    const account = await anAccount(db, { number: '7700123' });
    const subscriber = await aSubscriber(db, { name: 'Богдана' });
    await aLink(db, subscriber, account);
    const core = { db, clock: new FixedClock(new Date()), settings: defaultCoreSettings };

    // The first forwarding attempt fails, so the letter is stored and due, but not yet in the group.
    tg.failNext('sendMessage', { code: 400, description: 'Bad Request: not enough rights to send text messages to the chat' }, { chatId: STAFF });
    const first = startApp();
    const stored = await writeLetter(core, { subscriberId: subscriber.id, accountId: account.id, category: 'emergency', text: 'Прорив труби біля під’їзду', attachments: [] });
    expect(stored.kind).toBe('stored');
    await until(
      async () => (await db.models.OutboxMessage.findOne({ where: { kind: 'letter-to-staff' } }))?.lastError,
      60_000,
      'the first forwarding attempt',
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(cardsFor('Прорив труби біля під’їзду')).toEqual([]);

    const second = startApp();
    await until(async () => cardsFor('Прорив труби біля під’їзду').length > 0, 60_000, 'the letter in the staff group');
    // Give the restarted dispatcher a few more passes: nothing may go twice.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(cardsFor('Прорив труби біля під’їзду')).toHaveLength(1);
    const entry = await db.models.OutboxMessage.findOne({ where: { kind: 'letter-to-staff' } });
    expect(entry?.status).toBe('sent');
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
  }, 150_000);
});
