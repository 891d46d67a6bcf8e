import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { FakeTelegram } from '../support/fake-telegram/index.ts';
import { startFakeViber, type FakeViber } from '../support/fake-viber/index.ts';
import { freePort } from '../../dev/free-port.ts';
import { buildApp, type App } from '../../bots/app.ts';
import { loadConfig } from '../../bots/config.ts';
import { createLogger } from '../../bots/logger.ts';
import { systemClock } from '../../core/clock.ts';
import { writeLetter } from '../../core/letters/index.ts';
import { storeMedia } from '../../core/media/store.ts';
import { aLink, anAccount, aSubscriber } from '../support/builders.ts';
import { ListenError } from '../../bots/server.ts';
import { DeadlineError } from '../../core/deadline.ts';

const STAFF_CHAT_ID = -1002003004005;

// Both bots in one process, as production runs them: one HTTP server, both webhooks, one database.

let db: TestDatabase;
let tg: FakeTelegram;
let viber: FakeViber;
let app: App;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tg = await FakeTelegram.start();
  viber = await startFakeViber({ authToken: 'viber-app-test-token' });
  tg.group({ id: STAFF_CHAT_ID, title: 'Водоканал — працівники', isForum: false });
  const port = await freePort('127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_WEBHOOK_URL: `${base}/hooks/telegram`,
    TELEGRAM_WEBHOOK_SECRET: 'app-test-secret',
    VIBER_AUTH_TOKEN: viber.authToken,
    VIBER_API_URL: viber.apiUrl,
    VIBER_WEBHOOK_URL: `${base}/hooks/viber`,
    TELEGRAM_STAFF_CHAT_ID: String(STAFF_CHAT_ID),
  });
  app = buildApp({ config, db, clock: systemClock, logger: createLogger('silent') });
  await app.start();
});

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
  await viber?.close();
  await db?.destroy();
});

describe('the app with both bots', () => {
  it('reports the database and a finished start on /healthz', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'up' });
  });

  it('registers both webhooks at their configured paths', async () => {
    expect(tg.calls('setWebhook').at(-1)?.params).toMatchObject({ url: `${base}/hooks/telegram`, secret_token: 'app-test-secret' });
    expect(viber.webhookUrl).toBe(`${base}/hooks/viber`);
  });

  it('serves a Telegram subscriber and a Viber subscriber side by side', async () => {
    const anna = tg.user({ id: 7001, first_name: 'Анна' });
    await anna.command('/start');
    const consent = await tg.waitForSent(7001, /Погоджуюсь|згоду/i);
    expect(consent.text).toBeTruthy();

    const petro = viber.user({ id: 'viber-petro', name: 'Петро' });
    const welcome = await petro.conversationStarted();
    expect(welcome.status).toBe(200);
    const subscribers = await db.models.Subscriber.findAll({ order: [['id', 'ASC']] });
    expect(subscribers.map((s) => s.channel)).toContain('telegram');
  });

  it('serves stored media at signed addresses on its own port when PUBLIC_BASE_URL is not set', async () => {
    const bytes = Buffer.from('%PDF-1.4\n%%EOF\n');
    const media = await storeMedia(app.core, { contentType: 'application/pdf', filename: 'рахунок.pdf', bytes, keepMs: 3_600_000 });
    const url = app.mediaLinks.urlFor(media);
    expect(url.startsWith(`${base}/media/`)).toBe(true);
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-disposition')).toContain("attachment; filename*=UTF-8''");
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await fetch(url.replace(/\/(\d+)\//, (_, expiry: string) => `/${Number(expiry) + 1}/`))).status).toBe(404);
  });

  it('forwards the letter of a Viber subscriber to the Telegram staff group through the outbox', async () => {
    const account = await anAccount(db, { number: '4400123', address: 'вул. Соборна, 7' });
    const subscriber = await aSubscriber(db, { channel: 'viber', channelUserId: 'viber-olena', name: 'Олена' });
    await aLink(db, subscriber, account);
    const stored = await writeLetter(app.core, {
      subscriberId: subscriber.id,
      accountId: account.id,
      category: 'question',
      text: 'Коли буде вода на Соборній?',
      attachments: [],
    });
    expect(stored.kind).toBe('stored');
    const card = await tg.waitForSent(STAFF_CHAT_ID, /Коли буде вода на Соборній\?/, { timeout: 10_000 });
    expect(card.text).toContain('4400123');
  });

  it('refuses a Telegram call without the secret and a Viber call without the signature', async () => {
    const telegram = await fetch(`${base}/hooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"update_id":1}' });
    expect(telegram.status).toBe(401);
    const unsigned = await viber.postRaw({ event: 'message' }, { signature: null });
    expect(unsigned.status).toBe(403);
  });

  it('stops once, however often it is asked', async () => {
    await Promise.all([app.stop(), app.stop()]);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('a start that cannot do its work', () => {
  const occupy = (): Promise<Server> =>
    new Promise((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  const portOf = (server: Server) => (server.address() as { port: number }).port;

  it('fails on a port already in use instead of running its outbox and schedule without HTTP', async () => {
    const taken = await occupy();
    const config = loadConfig({ PORT: String(portOf(taken)), TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot });
    const second = buildApp({ config, db, clock: systemClock, logger: createLogger('silent') });
    try {
      const started = second.start();
      await expect(started).rejects.toBeInstanceOf(ListenError);
      await expect(started).rejects.toThrow(new RegExp(`^PORT ${portOf(taken)} on HOST 127.0.0.1 is already in use`));
      expect(second.schedule.running).toBeUndefined();
    } finally {
      await second.stop();
      taken.close();
    }
  });

  it('gives up on a Telegram API that never answers, naming it, and is not healthy meanwhile', async () => {
    const closed = await occupy();
    const closedPort = portOf(closed);
    closed.close();
    const port = await freePort('127.0.0.1');
    const config = loadConfig({
      PORT: String(port),
      STARTUP_TIMEOUT_SECONDS: '3',
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${closedPort}`,
    });
    const stuck = buildApp({ config, db, clock: systemClock, logger: createLogger('silent') });
    try {
      const started = stuck.start();
      started.catch(() => undefined);
      let health: Response | undefined;
      for (let i = 0; i < 20 && !health; i += 1) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (!health) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(health?.status).toBe(503);
      expect(await health?.json()).toEqual({ status: 'starting', database: 'up' });
      await expect(started).rejects.toBeInstanceOf(DeadlineError);
      await expect(started).rejects.toThrow(`timed out after 3 s waiting for the Telegram bot to start (getMe, setWebhook or deleteWebhook at http://127.0.0.1:${closedPort})`);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(503);
    } finally {
      await stuck.stop();
    }
  });
});
