import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Database } from '../models/database.ts';
import type { Clock } from '../core/clock.ts';
import type { CoreDeps } from '../core/deps.ts';
import type { Channel } from '../models/models.ts';
import type { SubscriberNotifier } from './notifier.ts';
import { createHttpApp } from './server.ts';
import { createTelegramBot, type TelegramBot } from './telegram/bot.ts';
import { createViberBot, type ViberBot } from './viber/bot.ts';
import { createOutboxDispatcher, type OutboxDispatcher, type OutboxHandlers } from './outbox/dispatcher.ts';
import { createReminderDeps } from './reminders/deps.ts';
import { createStaffDeliveryHandlers } from './outbox/staff-deliveries.ts';
import { createSubscriberDeliveryHandlers } from './outbox/subscriber-deliveries.ts';
import { createStaffDesk, type StaffDesk } from './telegram/staff/index.ts';
import type { ReminderNotifier } from './reminders/sender.ts';
import { createReminderSchedule, type ReminderSchedule } from './schedule.ts';
import type { ReminderDeps } from '../core/reminders/types.ts';
import { createCabinet, type CabinetFlows } from './flows/router.ts';
import { createPayments, type Payments } from './payments/index.ts';

/** A flow left unanswered this long is over (the Viber bot's flows expired after a day before the shared cabinet). */
const FLOW_TIMEOUT_MS = 24 * 3_600_000;

export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  /**
   * The Telegram settings to use when none are configured: the local playground's stand-in of the Bot API.
   * Production passes nothing.
   */
  telegramFallback?: NonNullable<Config['telegram']>;
  /** The Viber settings to use when none are configured: the playground's stand-in of Viber. Production passes nothing. */
  viberFallback?: NonNullable<Config['viber']>;
  /**
   * The shared cabinet's flows (bots/flows). The Viber bot runs on them; without them it is not started.
   * TODO(lead): pass the real flows from main.ts and the CLI once flowsA/flowsB are merged, and make this required.
   */
  flows?: CabinetFlows;
  /** Extra HTTP routes (the playground page). */
  mountExtra?: (app: Express) => void;
}

export interface App {
  http: Express;
  core: CoreDeps;
  telegram: TelegramBot | undefined;
  viber: ViberBot | undefined;
  outbox: OutboxDispatcher;
  /** What the schedule runs a reminders pass with; the `send-reminders` command uses the same. */
  reminders: ReminderDeps;
  schedule: ReminderSchedule;
  /** Online payment through LiqPay; undefined without its keys. */
  payments: Payments | undefined;
  /** Listens on the configured port and starts taking updates and running schedules. */
  start(): Promise<{ port: number }>;
  /** Stops taking updates, lets those in flight finish, stops schedules; the caller closes the database. Idempotent. */
  stop(): Promise<void>;
}

/** The composition root: everything the process runs is wired here, so a test builds the same app in-process. */
export function buildApp(deps: AppDeps): App {
  const { config, db, clock, logger } = deps;
  const core: CoreDeps = { db, clock, settings: config.core };

  const payments = config.payments.liqpay
    ? createPayments({
        liqpay: config.payments.liqpay,
        payments: { ...core, payments: config.payments.rules },
        reconcileCron: config.payments.reconcileCron,
        logger: logger.child({ part: 'payments' }),
      })
    : undefined;

  const telegramConfig = config.telegram ?? deps.telegramFallback;
  const telegram = telegramConfig ? createTelegramBot({ telegram: telegramConfig, core, logger: logger.child({ bot: 'telegram' }) }) : undefined;
  const viberConfig = config.viber ?? deps.viberFallback;
  const cabinet = deps.flows ? createCabinet({ flows: deps.flows, deps: { core, logger: logger.child({ part: 'flows' }), ...(payments ? { payments: { rules: payments.deps.payments, linkFor: payments.linkFor } } : {}) }, timeoutMs: FLOW_TIMEOUT_MS }) : undefined;
  if (viberConfig && !cabinet) logger.warn('no subscriber flows wired: the Viber bot is not started');
  const viber = viberConfig && cabinet ? createViberBot({ viber: viberConfig, core, logger, cabinet }) : undefined;

  const notifiers: Partial<Record<Channel, SubscriberNotifier & ReminderNotifier>> = {
    ...(telegram ? { telegram: telegram.notifier } : {}),
    ...(viber ? { viber: viber.notifier } : {}),
  };
  const staffChatId = telegramConfig?.staffChatId;
  const desk: StaffDesk | undefined =
    telegram && telegramConfig && staffChatId !== undefined
      ? createStaffDesk({
          api: telegram.bot.api,
          core,
          logger: logger.child({ part: 'staff-desk' }),
          staffChatId,
          groupPerMinute: telegramConfig.groupPerMinute,
        })
      : undefined;
  if (!desk) logger.warn('TELEGRAM_STAFF_CHAT_ID is not set: letters wait in the outbox until a staff group is configured');
  const handlers: OutboxHandlers = {
    ...createSubscriberDeliveryHandlers({ core, notifiers, ...(desk ? { reporter: desk } : {}), logger: logger.child({ part: 'deliveries' }) }),
    ...(desk ? createStaffDeliveryHandlers({ desk }) : {}),
  };
  const outbox = createOutboxDispatcher({ sequelize: db.sequelize, clock, logger: logger.child({ part: 'outbox' }), handlers });

  const reminders = createReminderDeps({ config: { ...config, telegram: telegramConfig }, db, clock, notifiers });
  const schedule = createReminderSchedule({
    reminders,
    cron: config.reminders.cron,
    timeZone: config.reminders.timeZone,
    logger: logger.child({ part: 'reminders' }),
  });

  const webhooks = [];
  if (payments) webhooks.push(payments.callback);
  if (telegram && telegramConfig?.webhook) webhooks.push({ path: telegramConfig.webhook.path, handler: telegram.webhookHandler });
  if (viber?.webhookPath) webhooks.push({ path: viber.webhookPath, handler: viber.webhookHandler });
  const http = createHttpApp(
    {
      webhooks,
      checkDatabase: async () => {
        await db.sequelize.query('SELECT 1');
        return true;
      },
      ...(deps.mountExtra ? { extra: deps.mountExtra } : {}),
    },
    logger,
  );

  let server: Server | undefined;
  let stopping: Promise<void> | undefined;
  return {
    http,
    core,
    telegram,
    viber,
    outbox,
    reminders,
    schedule,
    payments,
    async start() {
      server = await new Promise<Server>((resolve, reject) => {
        const listening = http.listen(config.http.port, config.http.host, () => resolve(listening));
        listening.once('error', reject);
      });
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      await telegram?.start();
      // Viber calls the webhook back the moment it is set, so the server must already listen.
      await viber?.start();
      outbox.start();
      schedule.start();
      payments?.reconcile.start();
      return { port };
    },
    stop() {
      stopping ??= (async () => {
        await Promise.allSettled([telegram?.stop(), viber?.stop(), schedule.stop(), payments?.reconcile.stop()]);
        await outbox.stop();
        const closing = server;
        server = undefined;
        if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
      })();
      return stopping;
    },
  };
}
