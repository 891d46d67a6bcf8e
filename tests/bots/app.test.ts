import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { FakeTelegram } from '../support/fake-telegram/index.ts';
import { startFakeViber, type FakeViber } from '../support/fake-viber/index.ts';
import { freePort } from '../support/free-port.ts';
import { buildApp, type App } from '../../bots/app.ts';
import { loadConfig } from '../../bots/config.ts';
import { createLogger } from '../../bots/logger.ts';
import { systemClock } from '../../core/clock.ts';

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
  const port = await freePort();
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
  it('reports the database on /healthz', async () => {
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
