// A child process for the kill tests: the real Telegram bot in webhook mode (createTelegramBot, the webhook route,
// PostgreSQL) with the toy cabinet, so a test can SIGKILL it at chosen points. Prints "ready" once the webhook is set.
import { createHttpApp } from '../../bots/server.ts';
import { createTelegramBot } from '../../bots/telegram/bot.ts';
import { createLogger } from '../../bots/logger.ts';
import { createDatabase } from '../../models/database.ts';
import { systemClock } from '../../core/clock.ts';
import { defaultCoreSettings } from '../../core/settings.ts';
import { toyCabinet } from './toy-cabinet.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`toy-telegram-process: ${name} is not set`);
  return value;
};
const number = (name: string): number => Number(process.env[name] ?? 0);

const db = createDatabase({ url: env('DATABASE_URL'), poolMax: 3 });
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr as never);
const core = { db, clock: systemClock, settings: defaultCoreSettings };
const path = '/telegram/webhook';
const port = number('PORT');
const app = createTelegramBot({
  telegram: {
    token: env('TELEGRAM_BOT_TOKEN'),
    apiRoot: env('TELEGRAM_API_ROOT'),
    webhook: { url: `http://127.0.0.1:${port}${path}`, path, secret: env('WEBHOOK_SECRET') },
    staffChatId: undefined,
    globalPerSecond: 30,
    groupPerMinute: 20,
  },
  core,
  logger,
  cabinet: toyCabinet({ core, logger }, { pauseBeforeWorkMs: number('PAUSE_BEFORE_WORK_MS'), pauseAfterWorkMs: number('PAUSE_AFTER_WORK_MS') }),
  claimLeaseMs: number('CLAIM_LEASE_MS') || 60_000,
});
const http = createHttpApp({ webhooks: [{ path, handler: app.webhookHandler }], checkDatabase: async () => true }, logger);
http.listen(port, '127.0.0.1', () => {
  void app.start().then(() => process.stdout.write('ready\n'));
});
