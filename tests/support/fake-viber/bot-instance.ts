import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../core/clock.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import type { Database } from '../../../models/database.ts';
import { createLogger, type Logger } from '../../../bots/logger.ts';
import { createHttpApp } from '../../../bots/server.ts';
import { createMediaLinks } from '../../../bots/media/links.ts';
import { mountMediaRoute } from '../../../bots/media/route.ts';
import { createViberBot, type ViberBot, type ViberBotDeps } from '../../../bots/viber/bot.ts';
import { startFakeViber, type FakeViber } from './index.ts';
import { createTestDatabase, type TestDatabase } from '../database.ts';
import type { Cabinet } from '../../../bots/flows/router.ts';
import { toyCabinet } from '../../bots/viber/support/toy-cabinet.ts';

export interface RunningViberBot {
  bot: ViberBot;
  webhookUrl: string;
  /** Stops the bot (waiting for callbacks in flight) and closes its HTTP server. */
  close(): Promise<void>;
}

/**
 * One bot instance as production mounts it (bots/server.ts, webhook before any body parser) on a real port,
 * pointed at the fake Viber and registered there. Two of these on one database are two instances of the app.
 */
export async function startViberBotInstance(options: {
  db: Database;
  clock: Clock;
  viber: FakeViber;
  logger?: Logger;
  remindersEnabled?: boolean;
  tuning?: ViberBotDeps['tuning'];
  /** The cabinet the bot runs; the toy cabinet (tests/bots/viber/support/toy-cabinet.ts) when not given. */
  cabinet?: Cabinet;
  /** Online payment's rules, for payment status callbacks; off unless given. */
  payments?: ViberBotDeps['payments'];
}): Promise<RunningViberBot> {
  const logger = options.logger ?? createLogger('silent');
  const path = '/viber/webhook';
  let bot: ViberBot | undefined;
  let base = '';
  const media = { db: options.db, clock: options.clock };
  const mediaLinks = createMediaLinks({ secret: Buffer.from('test-media-link-secret-of-32-chars!'), baseUrl: () => base, ttlMs: 3_600_000, clock: options.clock });
  const http = createHttpApp(
    {
      webhooks: [{ path, handler: (req, res, next) => (bot ? bot.webhookHandler(req, res, next) : res.status(503).end()) }],
      checkDatabase: async () => true,
      // As the app mounts it: Viber fetches a picture or file the bot sends from here.
      extra: (app) => mountMediaRoute(app, { core: media, links: mediaLinks }),
    },
    logger,
  );
  const server = await new Promise<Server>((resolve) => {
    const listening = http.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const webhookUrl = `${base}${path}`;
  const core = { db: options.db, clock: options.clock, settings: defaultCoreSettings };
  bot = createViberBot({
    viber: {
      authToken: options.viber.authToken,
      apiUrl: options.viber.apiUrl,
      name: 'Водоканал',
      avatar: undefined,
      webhook: { url: webhookUrl, path },
      remindersEnabled: options.remindersEnabled ?? true,
    },
    core,
    logger,
    mediaLinks,
    cabinet: options.cabinet ?? toyCabinet({ core, logger }),
    ...(options.payments ? { payments: options.payments } : {}),
    tuning: options.tuning ?? { client: { maxAttempts: 3, baseDelayMs: 5 }, inbox: { sweepMs: 200, leaseMs: 2_000, retryBaseMs: 50 } },
  });
  await bot.start();
  const running = bot;
  return {
    bot: running,
    webhookUrl,
    async close() {
      await running.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ViberWorld {
  db: TestDatabase;
  viber: FakeViber;
  instance: RunningViberBot;
}

/** A test file's own database, fake Viber and one bot instance registered with it. */
export async function startViberWorld(options: { authToken: string; clock: Clock; remindersEnabled?: boolean }): Promise<ViberWorld> {
  const db = await createTestDatabase();
  const viber = await startFakeViber({ authToken: options.authToken });
  const instance = await startViberBotInstance({
    db,
    clock: options.clock,
    viber,
    ...(options.remindersEnabled === undefined ? {} : { remindersEnabled: options.remindersEnabled }),
  });
  return { db, viber, instance };
}

/** Closes what startViberWorld opened; pass the instance running now (a test may have restarted it). */
export async function closeViberWorld(world: Partial<ViberWorld>): Promise<void> {
  await world.instance?.close();
  await world.viber?.close();
  await world.db?.destroy();
}
