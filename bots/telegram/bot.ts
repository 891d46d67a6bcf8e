import type { RequestHandler } from 'express';
import { Bot } from 'grammy';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { SubscriberNotifier } from '../notifier.ts';
import type { CoreDeps } from '../../core/accounts/types.ts';
import { markBlocked } from '../../core/subscribers.ts';
import type { Cabinet } from '../flows/router.ts';
import { apiGuards } from './api-guard.ts';
import type { BotContext, TelegramDeps } from './context.ts';
import { staffErrorHandler, subscriberErrorHandler } from './errors.ts';
import type { TelegramFeature } from './feature.ts';
import { InFlight } from './in-flight.ts';
import { createTelegramNotifier, isBlockedError } from './notifier.ts';
import { staffDeskFeature } from './staff/feature.ts';
import { paymentsErrorHandler, paymentsFeature } from './payments.ts';
import type { PaymentsDeps } from '../../core/payments/index.ts';
import { registerCommands, startCall } from './startup.ts';
import { subscriberChat } from './subscriber-chat.ts';
import { updateClaim } from './update-claim.ts';
import { UpdateOutcomes } from './update-outcome.ts';
import { telegramWebhook } from './webhook.ts';

/** A flow left unanswered this long is over (give it to createCabinet as `timeoutMs`). */
export const FLOW_TIMEOUT_MS = 30 * 60_000;
/** A claim older than this, not done, belonged to a handler that died: a redelivery takes it over. */
export const CLAIM_LEASE_MS = 60_000;
/** The webhook answers by then (503 if the update is still being handled; Telegram comes back). */
const WEBHOOK_ANSWER_MS = 9_000;
const FLOW_STATE_PREFIX = 'flow:';
const flowStateKey = (chatId: number) => FLOW_STATE_PREFIX + chatId;
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member', 'pre_checkout_query'] as const;

export interface TelegramBotDeps {
  telegram: NonNullable<Config['telegram']>;
  core: CoreDeps;
  logger: Logger;
  /**
   * The subscribers' cabinet (bots/flows/router.ts createCabinet, with FLOW_TIMEOUT_MS): every private chat is
   * handed to it. Without one the bot serves the staff group only.
   */
  cabinet?: Cabinet;
  claimLeaseMs?: number;
  /**
   * Telegram Payments (bots/telegram/payments.ts): the orders' rules and BotFather's provider token. Without it
   * the pay flow's invoices show as their LiqPay link, and payment updates are not asked for.
   */
  payments?: { deps: PaymentsDeps; providerToken: string };
  /** How long start() waits for each call it cannot do without (getMe, setWebhook, deleteWebhook). */
  startCallTimeoutMs?: number;
}

export interface TelegramBot {
  bot: Bot<BotContext>;
  /** POST route for Telegram's webhook (webhook.ts says what each answer means). */
  webhookHandler: RequestHandler;
  /** Checks the token (getMe), sets the webhook or starts long polling; the commands menu is best-effort. */
  start(): Promise<void>;
  /** Stops taking updates and waits for those in flight. */
  stop(): Promise<void>;
  notifier: SubscriberNotifier;
}

export function createTelegramBot(deps: TelegramBotDeps): TelegramBot {
  const { telegram, core, logger } = deps;
  const featureDeps: TelegramDeps = { core, logger };
  // In webhook mode the removal of a pressed message's buttons (whose result nothing needs, and which comes last)
  // rides in the webhook's answer (webhook.ts) instead of a call of its own: one Bot API round trip less on a
  // press's way to its answer. Telegram runs it only on a 200, so a press that failed keeps its buttons. The
  // press's answerCallbackQuery is a call of its own, made at once beside the handling, so the spinner stops
  // at once (it used to ride here, and stopped only when the whole update was answered).
  const bot = new Bot<BotContext>(telegram.token, {
    client: {
      ...(telegram.apiRoot ? { apiRoot: telegram.apiRoot } : {}),
      ...(telegram.webhook ? { canUseWebhookReply: (method: string) => method === 'editMessageReplyMarkup' } : {}),
    },
  });
  const onBlocked = async (chatId: string) => {
    if (await markBlocked(core, { channel: 'telegram', channelUserId: chatId })) logger.info({ chatId }, 'subscriber blocked the bot');
  };
  bot.api.config.use(...apiGuards({ onBlocked }));

  const inFlight = new InFlight();
  const outcomes = new UpdateOutcomes();
  bot.use(inFlight.middleware());
  // Updates of one chat one after another (the runner runs others concurrently); before the claim, so nothing overtakes.
  bot.use(sequentialize((ctx) => (ctx.chat?.id ?? ctx.from?.id)?.toString()));
  bot.use(
    updateClaim({
      core,
      logger,
      outcomes,
      leaseMs: deps.claimLeaseMs ?? CLAIM_LEASE_MS,
      stateKey: flowStateKey,
      statePrefix: FLOW_STATE_PREFIX,
      onBlocked,
    }),
  );
  // The staff group's desk first when configured: it takes only that chat's updates and passes the rest on.
  const features: { feature: TelegramFeature; onError: ReturnType<typeof staffErrorHandler> }[] = [];
  if (telegram.staffChatId !== undefined) {
    features.push({ feature: staffDeskFeature({ staffChatId: telegram.staffChatId, groupPerMinute: telegram.groupPerMinute }), onError: staffErrorHandler(logger) });
  }
  // Payment updates before the subscribers' chat: a successful_payment message is no flow's input.
  if (deps.payments) features.push({ feature: paymentsFeature(deps.payments.deps), onError: paymentsErrorHandler(logger) });
  if (deps.cabinet) {
    const cabinet = deps.cabinet;
    const paymentProviderToken = deps.payments?.providerToken;
    features.push({
      feature: { name: 'subscribers', composer: (d) => subscriberChat(d, { cabinet, stateKey: flowStateKey, ...(paymentProviderToken ? { paymentProviderToken } : {}) }) },
      onError: subscriberErrorHandler(logger, cabinet.menu),
    });
  }
  for (const { feature, onError } of features) bot.errorBoundary(onError, feature.composer(featureDeps));

  // What escaped every boundary (the claim's own database calls): the claim is released, the update redelivered.
  bot.catch(({ error, ctx }) => {
    if (isBlockedError(error)) return;
    logger.error({ err: error, updateId: ctx.update.update_id, subscriberId: ctx.subscriber?.id ?? null }, 'telegram update failed');
  });

  const webhook = telegram.webhook;
  let accepting = true;
  let runner: RunnerHandle | undefined;
  let commandsRegistration: { stop(): void } | undefined;
  const webhookHandler: RequestHandler = webhook
    ? telegramWebhook({ bot, secret: webhook.secret, logger, outcomes, accepting: () => accepting, track: (w) => inFlight.track(w), answerWithinMs: WEBHOOK_ANSWER_MS })
    : (_req, res) => void res.status(401).json({ error: 'unauthorized' });

  return {
    bot,
    webhookHandler,
    notifier: createTelegramNotifier(bot.api, core),
    async start() {
      accepting = true;
      await startCall('getMe (checking the bot token)', (signal) => bot.init(signal), deps.startCallTimeoutMs);
      commandsRegistration = registerCommands(bot.api, logger);
      if (webhook) {
        await startCall('setWebhook', (signal) =>
          bot.api.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] }, signal),
          deps.startCallTimeoutMs,
        );
        logger.info({ username: bot.botInfo.username, mode: 'webhook' }, 'telegram bot started');
        return;
      }
      await startCall('deleteWebhook', (signal) => bot.api.deleteWebhook({}, signal), deps.startCallTimeoutMs);
      runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] }, silent: true } });
      logger.info({ username: bot.botInfo.username, mode: 'polling' }, 'telegram bot started');
    },
    async stop() {
      accepting = false;
      commandsRegistration?.stop();
      const polling = runner;
      runner = undefined;
      if (polling?.isRunning()) await polling.stop();
      await inFlight.settled();
    },
  };
}
