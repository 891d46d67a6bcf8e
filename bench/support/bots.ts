import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express, { type RequestHandler } from 'express';
import { Bot, webhookCallback } from 'grammy';
import { createHttpApp } from '../../bots/server.ts';
import { createLogger, type Logger } from '../../bots/logger.ts';
import { createTelegramBot } from '../../bots/telegram/bot.ts';
import type { CoreDeps } from '../../core/deps.ts';
import { loadConfig } from '../../bots/config.ts';
import { createCabinet, type FlowDeps } from '../../bots/flows/router.ts';
import { cabinetFlows, FLOW_TIMEOUT_MS } from '../../bots/flows/index.ts';
import { createTypicalBot } from './typical-bot.ts';

export const WEBHOOK_PATH = '/telegram/webhook';
export const WEBHOOK_SECRET = 'bench-webhook-secret_0123456789';

export interface RunningBot {
  name: string;
  webhookUrl: string;
  secret: string;
  /** Warn-and-above log lines the bot wrote (the first few kept), and how many there were. */
  logs: { count: number; first: string[] };
  stop(): Promise<void>;
}

/** Sees each webhook request once answered, with its parsed update (for the per-step profile). */
export type Observe = (update: unknown, startedAt: number) => void;

/** Keeps warn+ lines out of the bench output, counted, with the first few for the report. */
function quietLogger(): { logger: Logger; logs: RunningBot['logs'] } {
  const logs = { count: 0, first: [] as string[] };
  const logger = createLogger(
    'warn',
    new Writable({
      write(chunk, _encoding, done) {
        logs.count++;
        if (logs.first.length < 5) logs.first.push(String(chunk).slice(0, 400));
        done();
      },
    }),
  );
  return { logger, logs };
}

/** The project's own Express app (bots/server.ts) on a loopback port, its webhook route pointing at `route()`. */
async function listen(route: () => RequestHandler, logger: Logger, observe?: Observe): Promise<{ url: string; close(): Promise<void> }> {
  const handler: RequestHandler = (req, res, next) => {
    if (observe) {
      const startedAt = performance.now();
      res.on('finish', () => observe(req.body, startedAt));
    }
    route()(req, res, next);
  };
  const app = createHttpApp({ webhooks: [{ path: WEBHOOK_PATH, handler }], checkDatabase: async () => true }, logger);
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The cabinet's Telegram bot wired as buildApp (bots/app.ts) wires it in production, in webhook mode: the
 * router over the real flows (cabinetFlows, FLOW_TIMEOUT_MS), createTelegramBot with it, its own webhook route.
 */
export async function startCabinetBot(options: { token: string; apiRoot: string; core: CoreDeps; observe?: Observe }): Promise<RunningBot> {
  const { logger, logs } = quietLogger();
  let handler: RequestHandler = (_req, res) => void res.status(503).end();
  const http = await listen(() => handler, logger, options.observe);
  const flowDeps: FlowDeps = { core: options.core, logger: logger.child({ part: 'flows' }), channels: {} };
  const cabinet = createCabinet({ flows: cabinetFlows, deps: flowDeps, timeoutMs: FLOW_TIMEOUT_MS });
  const app = createTelegramBot({
    telegram: {
      ...loadConfig({ TELEGRAM_BOT_TOKEN: options.token }).telegram!,
      apiRoot: options.apiRoot,
      webhook: { url: http.url, path: WEBHOOK_PATH, secret: WEBHOOK_SECRET },
      staffChatId: undefined,
    },
    core: options.core,
    cabinet,
    logger: logger.child({ bot: 'telegram' }),
  });
  // start() registers the commands and sets the webhook on the fake, which has nothing queued to deliver.
  await app.start();
  handler = app.webhookHandler;
  return {
    name: 'cabinet',
    webhookUrl: http.url,
    secret: WEBHOOK_SECRET,
    logs,
    async stop() {
      await app.stop();
      await http.close();
    },
  };
}

/** The baseline: a bare grammY bot that echoes text and answers callback queries, behind the same Express app. */
export async function startEchoBot(options: { token: string; apiRoot: string }): Promise<RunningBot> {
  const { logger, logs } = quietLogger();
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot } });
  bot.on('message', (ctx) => ctx.reply(ctx.message.text ?? ''));
  bot.on('callback_query', (ctx) => ctx.answerCallbackQuery());
  await bot.init();
  const parseJson = express.json({ limit: '1mb' });
  const handleUpdate = webhookCallback(bot, 'express', { secretToken: WEBHOOK_SECRET });
  const handler: RequestHandler = (req, res, next) =>
    parseJson(req, res, (error?: unknown) => {
      if (error) return next(error);
      handleUpdate(req, res).catch(next);
    });
  const http = await listen(() => handler, logger);
  await bot.api.setWebhook(http.url, { secret_token: WEBHOOK_SECRET });
  return { name: 'bare grammY echo', webhookUrl: http.url, secret: WEBHOOK_SECRET, logs, stop: () => http.close() };
}

/**
 * The typical build of the same reading flow (see typical-bot.ts), behind the same Express app, on a database
 * of its own seeded like the cabinet's.
 */
export async function startTypicalBot(options: { token: string; apiRoot: string; databaseUrl: string; poolMax: number }): Promise<RunningBot> {
  const { logger, logs } = quietLogger();
  const typical = await createTypicalBot({ ...options, secret: WEBHOOK_SECRET });
  typical.bot.catch((error) => logger.error({ err: error.error, update_id: error.ctx.update.update_id }, 'typical bot: update failed'));
  const http = await listen(() => typical.handler, logger);
  await typical.bot.api.setWebhook(http.url, { secret_token: WEBHOOK_SECRET });
  return {
    name: 'typical grammY',
    webhookUrl: http.url,
    secret: WEBHOOK_SECRET,
    logs,
    async stop() {
      await http.close();
      await typical.close();
    },
  };
}
