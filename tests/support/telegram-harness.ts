import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createTelegramBot, type TelegramBot, type TelegramBotDeps } from '../../bots/telegram/bot.ts';
import type { Cabinet } from '../../bots/flows/router.ts';
import { createHttpApp } from '../../bots/server.ts';
import type { Config } from '../../bots/config.ts';
import { createLogger, type Logger } from '../../bots/logger.ts';
import { FixedClock } from '../../core/clock.ts';
import { defaultCoreSettings, type CoreSettings } from '../../core/settings.ts';
import type { CoreDeps } from '../../core/accounts/types.ts';
import { FakeTelegram, type FakeTelegramOptions } from './fake-telegram/index.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { createToyTable, toyCabinet } from './toy-cabinet.ts';

// Builds the real Telegram bot against the fake Telegram server (real HTTP) and a test database, in polling or
// webhook mode, so a test plays a subscriber and reads what the bot sent. Later features reuse it as it is.

export const WEBHOOK_PATH = '/telegram/webhook';
export const WEBHOOK_SECRET = 'test-webhook-secret_0123';

export interface TelegramHarnessOptions {
  db: TestDatabase;
  mode?: 'polling' | 'webhook';
  clock?: FixedClock;
  settings?: CoreSettings;
  /** The subscribers' cabinet, built per instance; default: the toy cabinet (tests/support/toy-cabinet.ts). */
  cabinet?: (deps: { core: CoreDeps; logger: Logger; telegram: NonNullable<Config['telegram']> }) => Cabinet;
  claimLeaseMs?: number;
  /** Telegram Payments (the bot's payments feature and invoices); off unless given. */
  payments?: TelegramBotDeps['payments'];
  fake?: FakeTelegramOptions;
  /** Reuse a running fake (e.g. a second bot instance after a "restart"). */
  tg?: FakeTelegram;
}

export interface TelegramHarness {
  tg: FakeTelegram;
  clock: FixedClock;
  core: CoreDeps;
  telegram: NonNullable<Config['telegram']>;
  /** The bot instance currently running. */
  app: TelegramBot;
  /** Log lines (JSON) the bot wrote at warn level and above. */
  logs: string[];
  /** Webhook mode: where the bot's HTTP server listens. */
  httpUrl?: string;
  /** Stops the running instance (as a process would on shutdown) and starts a fresh one on the same database. */
  restart(): Promise<TelegramBot>;
  /** Stops the bot, its HTTP server and (unless it was given) the fake. */
  stop(): Promise<void>;
}

export async function startTelegramHarness(options: TelegramHarnessOptions): Promise<TelegramHarness> {
  const ownFake = !options.tg;
  const tg = options.tg ?? (await FakeTelegram.start(options.fake));
  const clock = options.clock ?? new FixedClock(new Date('2026-11-25T09:00:00Z'));
  const core: CoreDeps = { db: options.db, clock, settings: options.settings ?? defaultCoreSettings };
  const logs: string[] = [];
  const logger: Logger = createLogger(
    'warn',
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );

  let server: Server | undefined;
  let current: TelegramBot | undefined;
  let httpUrl: string | undefined;
  if (options.mode === 'webhook') {
    const http = createHttpApp(
      {
        webhooks: [{ path: WEBHOOK_PATH, handler: (req, res, next) => (current ? current.webhookHandler(req, res, next) : res.status(503).end()) }],
        checkDatabase: async () => true,
      },
      logger,
    );
    server = await new Promise<Server>((resolve) => {
      const listening = http.listen(0, '127.0.0.1', () => resolve(listening));
    });
    httpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const telegram: NonNullable<Config['telegram']> = {
    token: tg.token,
    apiRoot: tg.apiRoot,
    webhook: httpUrl ? { url: `${httpUrl}${WEBHOOK_PATH}`, path: WEBHOOK_PATH, secret: WEBHOOK_SECRET } : undefined,
    staffChatId: undefined,
    globalPerSecond: 30,
    groupPerMinute: 20,
  };
  const build = async () => {
    const cabinet = (options.cabinet ?? ((deps) => toyCabinet(deps)))({ core, logger, telegram });
    const app = createTelegramBot({
      telegram,
      core,
      logger,
      cabinet,
      ...(options.claimLeaseMs !== undefined ? { claimLeaseMs: options.claimLeaseMs } : {}),
      ...(options.payments ? { payments: options.payments } : {}),
    });
    await app.start();
    return app;
  };
  await createToyTable(options.db);
  current = await build();

  const harness: TelegramHarness = {
    tg,
    clock,
    core,
    telegram,
    app: current,
    logs,
    ...(httpUrl ? { httpUrl } : {}),
    async restart() {
      await current?.stop();
      current = await build();
      harness.app = current;
      return current;
    },
    async stop() {
      await current?.stop();
      current = undefined;
      if (server) {
        const closing = server;
        await new Promise<void>((resolve) => {
          closing.close(() => resolve());
          closing.closeAllConnections();
        });
      }
      if (ownFake) await tg.stop();
    },
  };
  return harness;
}

/** A test file's own database with the bot running on it, as the Viber tests' startViberWorld. */
export async function startTelegramWorld(options: Omit<TelegramHarnessOptions, 'db'> = {}): Promise<{ db: TestDatabase; h: TelegramHarness }> {
  const db = await createTestDatabase();
  try {
    return { db, h: await startTelegramHarness({ ...options, db }) };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/** Closes what startTelegramWorld opened, however far it got. */
export async function closeTelegramWorld(world: { db?: TestDatabase; h?: TelegramHarness }): Promise<void> {
  await world.h?.stop();
  await world.db?.destroy();
}
