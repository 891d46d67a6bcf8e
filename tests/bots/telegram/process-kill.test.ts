import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeTelegram } from '../../support/fake-telegram/index.ts';
import { aSubscriber } from '../../support/builders.ts';
import { createToyTable, sendChoice, toyRows, toyText } from '../../support/toy-cabinet.ts';
import { freePort } from '../../../dev/free-port.ts';

// The real bot process (webhook mode, toy flows) killed with SIGKILL at chosen points of one update, a press
// of a confirm button whose work stores a row: between the claim and the work, between the work and the reply,
// between the reply and the 200. Telegram (the fake) redelivers the unanswered update to the restarted
// process; the work happens exactly once and the subscriber gets an answer.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SECRET = 'kill-test-secret_0123';
const LEASE_MS = 1500;

let db: TestDatabase;
let tg: FakeTelegram;
let port: number;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
  await createToyTable(db);
  tg = await FakeTelegram.start({ webhook: { retryDelayMs: 200, timeoutMs: 10_000 } });
  port = await freePort('127.0.0.1');
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await tg?.stop();
  await db?.destroy();
});

async function startBot(pauses: { beforeWorkMs?: number; afterWorkMs?: number } = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/toy-telegram-process.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      DATABASE_URL: db.url,
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      WEBHOOK_SECRET: SECRET,
      CLAIM_LEASE_MS: String(LEASE_MS),
      PAUSE_BEFORE_WORK_MS: String(pauses.beforeWorkMs ?? 0),
      PAUSE_AFTER_WORK_MS: String(pauses.afterWorkMs ?? 0),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot process not ready: ${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`bot process exited (${code}): ${stderr}`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function until<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function claimOf(updateId: number): Promise<{ done: boolean } | null> {
  const [rows] = await db.sequelize.query('SELECT done FROM telegram_processed_updates WHERE update_id = :updateId', { replacements: { updateId } });
  return (rows[0] as { done: boolean } | undefined) ?? null;
}

let nextUser = 9700;

/** A subscriber at the confirm step of the toy store flow, served by `bot`. */
async function atConfirm() {
  const id = nextUser++;
  const subscriber = await aSubscriber(db, { channelUserId: String(id) });
  const user = tg.user({ id, first_name: 'Тарас' });
  user.command('/letters');
  const confirm = await tg.waitForSent(user.chatId, toyText.confirm, { timeout: 20_000 });
  await until(async () => (await db.sequelize.query(`SELECT 1 FROM telegram_state WHERE key = 'flow:${id}'`))[0].length === 1, 'the flow state');
  return { subscriber, user, confirm };
}

async function expectOnceAndAnswered(subscriberId: number, chatId: number, updateId: number): Promise<void> {
  await until(() => tg.webhookDeliveries().some((d) => d.updateId === updateId && d.status === 200), 'the update answered 200', 30_000);
  expect((await toyRows(db)).filter((r) => r.subscriber_id === subscriberId)).toHaveLength(1);
  expect(tg.sentTexts(chatId).filter((t) => t === toyText.stored || t === toyText.already).length).toBeGreaterThanOrEqual(1);
  expect(await claimOf(updateId)).toEqual({ done: true });
}

// A child process opens the test's database: only a server takes a second process (an embedded folder is one process's).
describe.runIf(inject('testDatabase').kind === 'server')('SIGKILL in the middle of an update, then Telegram redelivers it', () => {
  it('between the claim and the work', async () => {
    const bot = await startBot({ beforeWorkMs: 2000 });
    const { subscriber, user, confirm } = await atConfirm();
    const press = user.pressButton(confirm, `f:1:${sendChoice.id}`);
    await until(async () => (await claimOf(press.update_id))?.done === false, 'the claim');
    await kill(bot);
    expect(await toyRows(db).then((rows) => rows.filter((r) => r.subscriber_id === subscriber.id))).toHaveLength(0);

    const restarted = await startBot();
    await expectOnceAndAnswered(subscriber.id, user.chatId, press.update_id);
    expect(tg.sentTexts(user.chatId)).toContain(toyText.stored);
    await kill(restarted);
  });

  it('between the work and the reply', async () => {
    const bot = await startBot({ afterWorkMs: 2000 });
    const { subscriber, user, confirm } = await atConfirm();
    const press = user.pressButton(confirm, `f:1:${sendChoice.id}`);
    await until(async () => (await toyRows(db)).some((r) => r.subscriber_id === subscriber.id), 'the work');
    await kill(bot);
    expect(tg.sentTexts(user.chatId).filter((t) => t === toyText.stored || t === toyText.already)).toHaveLength(0);

    const restarted = await startBot();
    await expectOnceAndAnswered(subscriber.id, user.chatId, press.update_id);
    // The replayed step found its work done under its key.
    expect(tg.sentTexts(user.chatId)).toContain(toyText.already);
    await kill(restarted);
  });

  it('between the reply and the 200', async () => {
    const bot = await startBot();
    const { subscriber, user, confirm } = await atConfirm();
    // The reply reaches the chat at once, but Telegram's answer to it comes late: the bot has not committed yet.
    tg.failNext('sendMessage', { code: 'late', ms: 5000 }, { chatId: user.chatId });
    const press = user.pressButton(confirm, `f:1:${sendChoice.id}`);
    await tg.waitForSent(user.chatId, toyText.stored, { timeout: 20_000 });
    await kill(bot);
    expect(tg.webhookDeliveries().some((d) => d.updateId === press.update_id && d.status === 200)).toBe(false);

    const restarted = await startBot();
    await expectOnceAndAnswered(subscriber.id, user.chatId, press.update_id);
    await kill(restarted);
  });
});
