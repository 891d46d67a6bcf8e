import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { menu } from '../../../bots/texts/menu.ts';
import { signViberBody } from '../../../bots/viber/signature.ts';
import { aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startFakeViber, type FakeViber } from '../../support/fake-viber/index.ts';
import { createToyTable, toy, toyRows } from './support/toy-cabinet.ts';

// Real processes serving the Viber bot (support/toy-app.ts), killed with SIGKILL at chosen points: every callback
// answered 200 is handled, once, after a restart; a callback whose work was done but whose state was not written
// does its work once; two instances serving one subscriber's callbacks handle them in order, once each.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const AUTH_TOKEN = 'viber-test-token-kill';

let db: TestDatabase;
let viber: FakeViber;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
  await createToyTable(db);
  viber = await startFakeViber({ authToken: AUTH_TOKEN });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await viber?.close();
  await db?.destroy();
});

interface Running {
  child: ChildProcess;
  webhookUrl: string;
}

/** Starts a bot process and waits until its webhook is registered with the fake Viber. */
async function startBot(env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/bots/viber/support/toy-app.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: db.url, VIBER_API_URL: viber.apiUrl, VIBER_AUTH_TOKEN: AUTH_TOKEN, LEASE_MS: '1000', SWEEP_MS: '200', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const webhookUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the bot process did not start in time')), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const found = /listening (\S+)/.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the bot process exited before it listened (${code ?? signal})`));
    });
  });
  return { child, webhookUrl };
}

async function kill(running: Running): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGKILL');
  await exited;
}

let nextToken = 5_491_777_000_000_000_000n;

/** A text message callback, signed as Viber signs it, posted to one instance's webhook; resolves with the HTTP status. */
async function post(webhookUrl: string, userId: string, text: string): Promise<number> {
  nextToken += 1n;
  const raw = `{"event":"message","timestamp":${Date.now()},"message_token":${nextToken},"sender":{"id":"${userId}","name":"Оксана"},"message":{"type":"text","text":${JSON.stringify(text)}}}`;
  const response = await fetch(webhookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Viber-Content-Signature': signViberBody(raw, AUTH_TOKEN) }, body: raw });
  await response.text();
  return response.status;
}

async function until<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const texts = (userId: string) => viber.sent(userId).map((m) => m.text ?? '');
const echoes = (userId: string) => texts(userId).filter((t) => t.startsWith('toy: луна ') && t !== toy.echoReady);

async function openCallbacks(): Promise<number> {
  const [row] = await db.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM viber_inbox WHERE done_at IS NULL`, { type: QueryTypes.SELECT });
  return row!.n;
}

// A child process opens the test's database: only a server takes a second process (an embedded folder is one process's).
describe.runIf(inject('testDatabase').kind === 'server')('a Viber bot process killed with SIGKILL', () => {
  it('right after answering 200 to ten messages: after the restart every one is answered, once, in order', async () => {
    const userId = 'kill-ten==';
    await aSubscriber(db, { channel: 'viber', channelUserId: userId });
    // Each echo takes 5 s in the first process: it dies with all ten kept and none answered.
    const first = await startBot({ TOY_ECHO_DELAY_MS: '5000' });
    expect(await post(first.webhookUrl, userId, menu.settings)).toBe(200);
    await until(() => texts(userId).includes(toy.echoReady), 20_000, 'the echo flow to start');
    for (let i = 1; i <= 10; i += 1) expect(await post(first.webhookUrl, userId, `m${i}`)).toBe(200);
    await kill(first);
    expect(echoes(userId)).toEqual([]);
    expect(await openCallbacks()).toBe(10);

    const second = await startBot();
    const expected = Array.from({ length: 10 }, (_, i) => toy.echo(i + 1, `m${i + 1}`));
    await until(() => echoes(userId).length >= 10, 60_000, 'ten answers');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(echoes(userId)).toEqual(expected);
    expect(await openCallbacks()).toBe(0);
    await kill(second);
  }, 150_000);

  it('between the work and the state write: after the restart the work is not done again', async () => {
    const userId = 'kill-work==';
    await aSubscriber(db, { channel: 'viber', channelUserId: userId });
    const marker = path.join(mkdtempSync(path.join(tmpdir(), 'viber-kill-')), 'crashed');
    const first = await startBot({ TOY_CRASH_MARKER: marker });
    expect(await post(first.webhookUrl, userId, menu.addAccount)).toBe(200);
    await until(() => texts(userId).includes(toy.askValue), 20_000, 'the value to be asked');
    expect(await post(first.webhookUrl, userId, 'лічильник-7')).toBe(200);
    // The process kills itself right after the row is written, before the flow's state is.
    await until(() => first.child.signalCode === 'SIGKILL', 20_000, 'the process to die inside the work');
    expect((await toyRows(db)).map((r) => r.value)).toEqual(['лічильник-7']);
    expect(texts(userId).filter((t) => t.startsWith('toy: збережено'))).toEqual([]);

    const second = await startBot({ TOY_CRASH_MARKER: marker });
    await until(() => texts(userId).some((t) => t.startsWith('toy: збережено')), 60_000, 'the answer after the restart');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // The replay ran the step again with the same key: the unique key found the row, nothing was added.
    expect((await toyRows(db)).map((r) => r.value)).toEqual(['лічильник-7']);
    expect(texts(userId).filter((t) => t.startsWith('toy: збережено'))).toEqual([toy.stored('лічильник-7', false)]);
    expect(await openCallbacks()).toBe(0);
    await kill(second);
  }, 150_000);

  it('two instances taking turns with one subscriber’s messages handle them in order, once each', async () => {
    const userId = 'two-instances==';
    await aSubscriber(db, { channel: 'viber', channelUserId: userId });
    const [a, b] = await Promise.all([startBot({ TOY_ECHO_DELAY_MS: '30' }), startBot({ TOY_ECHO_DELAY_MS: '30' })]);
    expect(await post(a.webhookUrl, userId, menu.settings)).toBe(200);
    await until(() => texts(userId).includes(toy.echoReady), 20_000, 'the echo flow to start');
    for (let i = 1; i <= 20; i += 1) expect(await post(i % 2 === 0 ? a.webhookUrl : b.webhookUrl, userId, `n${i}`)).toBe(200);
    await until(() => echoes(userId).length >= 20, 60_000, 'twenty answers');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(echoes(userId)).toEqual(Array.from({ length: 20 }, (_, i) => toy.echo(i + 1, `n${i + 1}`)));
    expect(await openCallbacks()).toBe(0);
    await Promise.all([kill(a), kill(b)]);
  }, 150_000);
});
