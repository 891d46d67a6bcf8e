import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Update } from 'grammy/types';
import { inject } from 'vitest';
import { freePort } from '../../../../dev/free-port.ts';
import { signViberBody } from '../../../../bots/viber/signature.ts';

// Real processes of the app (cabinet-process.ts) for the resilience tests: started, killed with SIGKILL, started
// again over the same database; and Telegram's side of the webhook played by hand where the fake's one-at-a-time
// delivery is not what Telegram does (it POSTs up to 40 updates at once and resends each unanswered one).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const TELEGRAM_SECRET = 'resilience-secret_42';
export const TELEGRAM_PATH = '/hooks/telegram';
export const VIBER_PATH = '/hooks/viber';

export interface Cabinet {
  child: ChildProcess;
  port: number;
  base: string;
  /** Everything the process logged so far. */
  log(): string;
  kill(): Promise<void>;
}

const running: ChildProcess[] = [];

/** Starts the app in a child process and resolves once it says `ready` (its webhooks are registered). */
export async function startCabinet(env: Record<string, string>, options: { port?: number } = {}): Promise<Cabinet> {
  const port = options.port ?? (await freePort('127.0.0.1'));
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/bots/resilience/support/cabinet-process.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      DB_POOL_MAX: '4',
      ...(inject('testDatabase').kind === 'server' ? {} : { TEST_EMBEDDED_DB: '1' }),
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replaceAll('{base}', base)])),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start in time: ${log}`)), 30_000);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the app exited before it was ready (${code ?? signal}): ${log}`));
    });
  });
  return {
    child,
    port,
    base,
    log: () => log,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Kills what a test file left running (its afterAll). */
export function killAll(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export async function until<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One POST of an update to a Telegram webhook, as Telegram makes it; null when no answer came (the process died). */
export async function postUpdate(base: string, update: Update): Promise<number | null> {
  try {
    const response = await fetch(`${base}${TELEGRAM_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET },
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

/** Telegram's delivery of one update: POSTed again after each answer that is not 2xx, until one is (or the time is up). */
export async function deliver(base: string, update: Update, timeoutMs = 20_000): Promise<number[]> {
  const statuses: number[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await postUpdate(base, update);
    statuses.push(status ?? 0);
    if (status !== null && status >= 200 && status < 300) return statuses;
    if (Date.now() > deadline) throw new Error(`update ${update.update_id} never answered 2xx: ${statuses.join(',')}`);
    await sleep(200);
  }
}

/**
 * Takes the fake Telegram's own webhook delivery off (and drops what it holds), so the test delivers updates by
 * hand: call after each start of the app (it sets the webhook) and before each restart.
 */
export async function deliverByHand(tg: { apiRoot: string; token: string }): Promise<void> {
  const response = await fetch(`${tg.apiRoot}/bot${tg.token}/deleteWebhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ drop_pending_updates: true }),
  });
  if (!response.ok) throw new Error(`deleteWebhook: ${response.status}`);
}

let nextViberToken = 6_100_000_000_000_000_000n;

/** A text message callback (a typed text, or a pressed reply button: its action body), signed as Viber signs it. */
export async function postViberText(
  base: string,
  authToken: string,
  sender: { id: string; name: string },
  text: string,
): Promise<number> {
  nextViberToken += 1n;
  const raw = `{"event":"message","timestamp":${Date.now()},"message_token":${nextViberToken},"sender":${JSON.stringify(sender)},"message":{"type":"text","text":${JSON.stringify(text)}},"silent":false}`;
  const response = await fetch(`${base}${VIBER_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-viber-content-signature': signViberBody(raw, authToken) },
    body: raw,
  });
  await response.arrayBuffer();
  return response.status;
}
