import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { FakeTelegram } from '../support/fake-telegram/index.ts';
import { runEntry } from '../support/processes.ts';

// `npm start` as a real process: a start that cannot do its work ends the process with a message that says
// what failed and a non-zero exit, instead of hanging or running half an app.

let db: TestDatabase;
let tg: FakeTelegram;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
  tg = await FakeTelegram.start();
});
afterAll(async () => {
  await tg?.stop();
  await db?.destroy();
});

const listening = (onConnection?: (socket: Socket) => void): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer(onConnection);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
const portOf = (server: Server) => (server.address() as { port: number }).port;

// Each case starts the app as a process: on a busy 2-core machine that alone can take half a minute.
describe('npm start', { timeout: 120_000 }, () => {
  it('exits 1 naming the port when PORT is already in use', async () => {
    const taken = await listening();
    try {
      const app = runEntry('bots/main.ts', [], {
        PORT: String(portOf(taken)),
        DATABASE_URL: db.url,
        DB_POOL_MAX: '2',
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.apiRoot,
      });
      expect(await app.exited).toBe(1);
      expect(app.output()).toContain(`start-up failed: PORT ${portOf(taken)} on HOST 127.0.0.1 is already in use`);
      expect(app.output()).not.toContain('listening on');
      expect(app.output()).not.toContain('telegram bot started');
    } finally {
      taken.close();
    }
  });

  it('exits 1 saying what it waited for when the database accepts connections but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = await listening((socket) => sockets.push(socket));
    try {
      const app = runEntry('bots/main.ts', [], {
        PORT: '0',
        DATABASE_URL: `postgres://cabinet:do-not-print-me@127.0.0.1:${portOf(silent)}/cabinet`,
        STARTUP_TIMEOUT_SECONDS: '2',
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.apiRoot,
      });
      expect(await app.exited).toBe(1);
      expect(app.output()).toContain(`start-up failed: timed out after 2 s waiting for the database at 127.0.0.1:${portOf(silent)}/cabinet (DATABASE_URL) to answer`);
      expect(app.output()).not.toContain('do-not-print-me');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('exits 1 naming the Telegram API root when it never answers', async () => {
    const closed = await listening();
    const closedPort = portOf(closed);
    closed.close();
    const app = runEntry('bots/main.ts', [], {
      PORT: '0',
      DATABASE_URL: db.url,
      DB_POOL_MAX: '2',
      STARTUP_TIMEOUT_SECONDS: '2',
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${closedPort}/`,
    });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain(`start-up failed: timed out after 2 s waiting for the Telegram bot to start (getMe, setWebhook or deleteWebhook at http://127.0.0.1:${closedPort})`);
  });

  it('exits 78 naming the variable for a bad REMINDER_CRON, before touching the database', async () => {
    const app = runEntry('bots/main.ts', [], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', REMINDER_CRON: '61 * * * *' });
    expect(await app.exited).toBe(78);
    expect(app.output()).toMatch(/REMINDER_CRON: not a valid cron expression/);
    expect(app.output()).not.toContain('opening the database');
  });
});
