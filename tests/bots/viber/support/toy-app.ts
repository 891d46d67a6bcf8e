import { existsSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../../../core/clock.ts';
import { defaultCoreSettings } from '../../../../core/settings.ts';
import { createDatabase } from '../../../../models/database.ts';
import { createLogger } from '../../../../bots/logger.ts';
import { createHttpApp } from '../../../../bots/server.ts';
import { createViberBot, type ViberBot } from '../../../../bots/viber/bot.ts';
import { toyCabinet } from './toy-cabinet.ts';

// A real process serving the Viber bot on the toy cabinet, for the tests that kill it with SIGKILL
// (process-kill.test.ts). It is the app's Viber part as bots/app.ts mounts it: the webhook before any body
// parser, the inbox drained on start and swept periodically. Settings come from the environment:
//   DATABASE_URL, VIBER_API_URL, VIBER_AUTH_TOKEN — where to work;
//   LEASE_MS, SWEEP_MS — the inbox lease and sweep (short, so a dead instance's callbacks are taken over soon);
//   TOY_ECHO_DELAY_MS — how long each echo takes inside its step;
//   TOY_CRASH_MARKER — a file: the first time the store flow's work has run (and the file does not exist yet),
//   the process creates it and kills itself with SIGKILL, before the state is written.
// It prints `listening <webhook url>` once the webhook is registered.

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const db = createDatabase({ url: env('DATABASE_URL'), poolMax: 2 });
const core = { db, clock: systemClock, settings: defaultCoreSettings };
const logger = createLogger('silent');
const marker = process.env.TOY_CRASH_MARKER;
const echoDelay = Number(process.env.TOY_ECHO_DELAY_MS ?? 0);
const cabinet = toyCabinet(
  { core, logger },
  {
    echoDelayMs: () => echoDelay,
    afterWork: () => {
      if (marker && !existsSync(marker)) {
        writeFileSync(marker, String(process.pid));
        process.kill(process.pid, 'SIGKILL');
      }
    },
  },
);

const path = '/viber/webhook';
let bot: ViberBot | undefined;
const http = createHttpApp(
  { webhooks: [{ path, handler: (req, res, next) => (bot ? bot.webhookHandler(req, res, next) : void res.status(503).end()) }], checkDatabase: async () => true },
  logger,
);
const server = await new Promise<Server>((resolve) => {
  const listening = http.listen(0, '127.0.0.1', () => resolve(listening));
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
bot = createViberBot({
  viber: { authToken: env('VIBER_AUTH_TOKEN'), apiUrl: env('VIBER_API_URL'), name: 'Водоканал', avatar: undefined, webhook: { url, path }, remindersEnabled: false },
  core,
  logger,
  cabinet,
  tuning: {
    client: { maxAttempts: 3, baseDelayMs: 5 },
    inbox: { leaseMs: Number(process.env.LEASE_MS ?? 1_000), sweepMs: Number(process.env.SWEEP_MS ?? 200), retryBaseMs: 100 },
  },
});
await bot.start();
process.stdout.write(`listening ${url}\n`);
process.on('SIGTERM', () => {
  void bot!.stop().then(() => db.close()).then(() => process.exit(0));
});
