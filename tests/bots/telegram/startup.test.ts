import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot } from '../../../bots/telegram/bot.ts';
import { createLogger } from '../../../bots/logger.ts';
import type { Config } from '../../../bots/config.ts';
import { FixedClock } from '../../../core/clock.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import type { CoreDeps } from '../../../core/accounts/types.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeTelegram } from '../../support/fake-telegram/index.ts';
import { freePort } from '../../../dev/free-port.ts';

// start(): only what the bot cannot work without stops it, with a message that says what failed.

let db: TestDatabase;
let tg: FakeTelegram;
let core: CoreDeps;
const logs: string[] = [];
const logger = createLogger('warn', new Writable({ write: (chunk, _e, done) => (logs.push(String(chunk)), done()) }));

beforeAll(async () => {
  db = await createTestDatabase();
  tg = await FakeTelegram.start();
  core = { db, clock: new FixedClock(new Date('2026-11-25T09:00:00Z')), settings: defaultCoreSettings };
});
afterAll(async () => {
  await tg?.stop();
  await db?.destroy();
});

const config = (apiRoot: string): NonNullable<Config['telegram']> => ({
  token: tg.token,
  apiRoot,
  webhook: undefined,
  staffChatId: undefined,
  globalPerSecond: 30,
  groupPerMinute: 20,
});

describe('start()', () => {
  it('starts when setMyCommands fails, and logs it', async () => {
    tg.failNext('setMyCommands', { code: 400, description: 'Bad Request: BOT_COMMAND_INVALID' });
    const app = createTelegramBot({ telegram: config(tg.apiRoot), core, logger });
    await app.start();
    await expect.poll(() => logs.join('')).toContain('telegram commands not set');
    expect(logs.join('')).toContain('BOT_COMMAND_INVALID');
    await app.stop();
  });

  it('stops with a message naming getMe when Telegram cannot be reached, within its time-out', async () => {
    const closed = `http://127.0.0.1:${await freePort('127.0.0.1')}`;
    const app = createTelegramBot({ telegram: config(closed), core, logger, startCallTimeoutMs: 1000 });
    // auto-retry keeps trying a refused connection; the time-out ends it and says what was waited for.
    await expect(app.start()).rejects.toThrow('Telegram: getMe (checking the bot token) got no answer within 1 s');
  });

  it('stops with a message naming getMe and Telegram’s reason when the token is refused', async () => {
    tg.failNext('getMe', { code: 400, description: 'Bad Request: invalid token' });
    const app = createTelegramBot({ telegram: config(tg.apiRoot), core, logger });
    await expect(app.start()).rejects.toThrow('Telegram: getMe (checking the bot token) failed: Bad Request: invalid token');
    expect(logs.join('')).not.toContain(tg.token);
  });
});
