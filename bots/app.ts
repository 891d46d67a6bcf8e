import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Database } from '../models/database.ts';
import type { Clock } from '../core/clock.ts';
import type { CoreDeps } from '../core/deps.ts';
import type { Channel } from '../models/models.ts';
import type { SubscriberNotifier } from './notifier.ts';
import { createHttpApp, listen, type AppPhase } from './server.ts';
import { withDeadline } from '../core/deadline.ts';
import { createTelegramBot, type TelegramBot } from './telegram/bot.ts';
import { createViberBot, type ViberBot, type ViberBotDeps } from './viber/bot.ts';
import { createOutboxDispatcher, type OutboxDispatcher, type OutboxHandlers } from './outbox/dispatcher.ts';
import { createReminderDeps } from './reminders/deps.ts';
import { createStaffDeliveryHandlers } from './outbox/staff-deliveries.ts';
import { createSubscriberDeliveryHandlers } from './outbox/subscriber-deliveries.ts';
import { createStaffDesk, type StaffDesk } from './telegram/staff/index.ts';
import type { ReminderNotifier } from './reminders/sender.ts';
import { createReminderSchedule, type ReminderSchedule } from './schedule.ts';
import type { ReminderDeps } from '../core/reminders/types.ts';
import { createCabinet, type CabinetFlows, type FlowDeps } from './flows/router.ts';
import { cabinetFlows, FLOW_TIMEOUT_MS } from './flows/index.ts';
import { createSmsChannel, type SmsChannel } from './sms/channel.ts';
import { createPayments, type Payments } from './payments/index.ts';
import { createOutageDeliveryDeps, createOutageSchedule, type OutageSchedule } from './outages/schedule.ts';

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
  /** The subscriber flows both bots run; the cabinet's own (bots/flows/index.ts) unless a test gives others. */
  flows?: CabinetFlows;
  /** Extra HTTP routes (the playground page). */
  mountExtra?: (app: Express) => void;
  /**
   * Shorter leases for the tests that kill the process (tests/bots/resilience): a claim or an inbox lease of a
   * dead process is taken over after it, so a restart within it waits; production keeps the bots' defaults.
   */
  tuning?: { telegramClaimLeaseMs?: number; outboxLeaseMs?: number; viber?: ViberBotDeps['tuning'] };
}

export interface App {
  http: Express;
  core: CoreDeps;
  telegram: TelegramBot | undefined;
  viber: ViberBot | undefined;
  outbox: OutboxDispatcher;
  /** Readings by SMS; undefined without SMS_SMPP_URL. */
  sms: SmsChannel | undefined;
  /** What the schedule runs a reminders pass with; the `send-reminders` command uses the same. */
  reminders: ReminderDeps;
  schedule: ReminderSchedule;
  /** Online payment through LiqPay; undefined without its keys. */
  payments: Payments | undefined;
  /** Outage notices by address, delivered every few seconds (bots/outages/schedule.ts). */
  outages: OutageSchedule;
  /**
   * Listens on the configured port and starts taking updates and running schedules. Rejects with a ListenError
   * when the port cannot be had, and with a DeadlineError naming the bot when one does not start within
   * config.startupTimeoutMs; /healthz answers 503 until it has resolved.
   */
  start(): Promise<{ port: number }>;
  /** Stops taking updates, lets those in flight finish, stops schedules; the caller closes the database. Idempotent. */
  stop(): Promise<void>;
}

/** /healthz waits this long for the database's answer; longer is a database that cannot do the app's work. */
const HEALTH_DATABASE_DEADLINE_MS = 2_000;

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
  const viberConfig = config.viber ?? deps.viberFallback;
  // The Telegram username is known once the bot has asked getMe (start); the flows read it when they need it.
  const flowDeps: FlowDeps = {
    core,
    logger: logger.child({ part: 'flows' }),
    channels: { ...(viberConfig?.chatUri ? { viberChatUri: viberConfig.chatUri } : {}) },
    ...(payments ? { payments: { rules: payments.deps.payments, linkFor: payments.linkFor } } : {}),
  };
  const cabinet = createCabinet({ flows: deps.flows ?? cabinetFlows, deps: flowDeps, timeoutMs: FLOW_TIMEOUT_MS });
  const telegram = telegramConfig ? createTelegramBot({
        telegram: telegramConfig,
        core,
        cabinet,
        logger: logger.child({ bot: 'telegram' }),
        ...(deps.tuning?.telegramClaimLeaseMs ? { claimLeaseMs: deps.tuning.telegramClaimLeaseMs } : {}),
      }) : undefined;
  const viber = viberConfig ? createViberBot({ viber: viberConfig, core, logger, cabinet, ...(deps.tuning?.viber ? { tuning: deps.tuning.viber } : {}) }) : undefined;

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
  const outbox = createOutboxDispatcher({
    sequelize: db.sequelize,
    clock,
    logger: logger.child({ part: 'outbox' }),
    handlers,
    ...(deps.tuning?.outboxLeaseMs ? { leaseMs: deps.tuning.outboxLeaseMs } : {}),
  });

  const sms = config.sms ? createSmsChannel({ settings: config.sms, core, logger: logger.child({ channel: 'sms' }) }) : undefined;

  const reminders = createReminderDeps({ config: { ...config, telegram: telegramConfig }, db, clock, notifiers });
  const schedule = createReminderSchedule({
    reminders,
    cron: config.reminders.cron,
    timeZone: config.reminders.timeZone,
    logger: logger.child({ part: 'reminders' }),
  });
  const outages = createOutageSchedule({
    delivery: createOutageDeliveryDeps({ config: { ...config, telegram: telegramConfig }, db, clock, notifiers }),
    everyMs: config.outages.deliveryEveryMs,
    logger: logger.child({ part: 'outages' }),
  });

  let phase: AppPhase = 'starting';
  const webhooks = [];
  if (payments) webhooks.push(payments.callback);
  if (telegram && telegramConfig?.webhook) webhooks.push({ path: telegramConfig.webhook.path, handler: telegram.webhookHandler });
  if (viber?.webhookPath) webhooks.push({ path: viber.webhookPath, handler: viber.webhookHandler });
  const http = createHttpApp(
    {
      webhooks,
      checkDatabase: async () => {
        await withDeadline(db.sequelize.query('SELECT 1'), HEALTH_DATABASE_DEADLINE_MS, 'the database');
        return true;
      },
      phase: () => phase,
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
    sms,
    reminders,
    schedule,
    payments,
    outages,
    async start() {
      server = await listen(http, config.http.port, config.http.host);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      const deadline = config.startupTimeoutMs;
      if (telegram) {
        const where = telegramConfig?.apiRoot ?? "Telegram's Bot API";
        await withDeadline(telegram.start(), deadline, `the Telegram bot to start (getMe, setWebhook or deleteWebhook at ${where})`);
        flowDeps.channels = { ...flowDeps.channels, telegramUsername: telegram.bot.botInfo.username };
      }
      // Viber calls the webhook back the moment it is set, so the server must already listen.
      if (viber) await withDeadline(viber.start(), deadline, `Viber to register the webhook (set_webhook at ${viberConfig?.apiUrl})`);
      outbox.start();
      sms?.start();
      schedule.start();
      outages.start();
      payments?.reconcile.start();
      phase = 'started';
      return { port };
    },
    stop() {
      stopping ??= (async () => {
        phase = 'stopping';
        await Promise.allSettled([telegram?.stop(), viber?.stop(), sms?.stop(), schedule.stop(), outages.stop(), payments?.reconcile.stop()]);
        await outbox.stop();
        const closing = server;
        server = undefined;
        if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
      })();
      return stopping;
    },
  };
}
