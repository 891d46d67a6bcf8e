import { timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { Bot, GrammyError, HttpError, webhookCallback, type Middleware } from 'grammy';
import { conversations, createConversation, type ConversationData, type VersionedState } from '@grammyjs/conversations';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { SubscriberNotifier } from '../notifier.ts';
import type { CoreDeps } from '../../core/accounts/types.ts';
import { markBlocked } from '../../core/subscribers.ts';
import { common } from '../texts/common.ts';
import { commands, menuLabels } from '../texts/menu.ts';
import { apiGuards } from './api-guard.ts';
import type { BotContext, FlowContext, TelegramDeps } from './context.ts';
import { fallbackComposer } from './features/fallback.ts';
import { features as defaultFeatures, type TelegramFeature } from './features/index.ts';
import { consentGate } from './features/onboarding.ts';
import { staffDeskFeature } from './staff/feature.ts';
import { mainMenuKeyboard } from './keyboards/main-menu.ts';
import { createTelegramNotifier, isBlockedError } from './notifier.ts';
import { chatSession } from './chat-session.ts';
import { beginUpdate, PrefetchedStateStorage, pruneTelegramState } from './storage.ts';

/**
 * Bump when a flow changes shape (steps added, removed or reordered): replay state saved by the old code
 * would be replayed against the new one, so the plugin drops state of another version instead.
 */
export const FLOWS_VERSION = 1;
/** A flow left unanswered this long is over: the next message is handled as if there had been none. */
export const FLOW_TIMEOUT_MS = 30 * 60_000;
const CONVERSATION_PREFIX = 'conv:';
const SESSION_PREFIX = 'session:';
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;
/** Processed ids are pruned about once per this many updates. */
const PRUNE_EVERY = 500;

export interface TelegramBotDeps {
  telegram: NonNullable<Config['telegram']>;
  core: CoreDeps;
  logger: Logger;
  /** The flows to install; defaults to every feature in features/index.ts. */
  features?: readonly TelegramFeature[];
}

export interface TelegramBot {
  bot: Bot<BotContext>;
  /** POST route for Telegram's webhook: checks the secret header (401 otherwise), then hands the update over. */
  webhookHandler: RequestHandler;
  /** Registers commands and either starts long polling or sets the webhook. */
  start(): Promise<void>;
  /** Stops taking updates and waits for those in flight. */
  stop(): Promise<void>;
  notifier: SubscriberNotifier;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createTelegramBot(deps: TelegramBotDeps): TelegramBot {
  const { telegram, core, logger } = deps;
  const flowDeps: TelegramDeps = { core, logger };
  // The staff group's desk goes first when configured: it takes only that chat's updates and passes the rest on.
  const staffDesk = telegram.staffChatId === undefined ? [] : [staffDeskFeature({ staffChatId: telegram.staffChatId, groupPerMinute: telegram.groupPerMinute })];
  const installed = [...staffDesk, ...(deps.features ?? defaultFeatures)];

  const bot = new Bot<BotContext>(telegram.token, {
    // Conversations build their Api from these options, so they reach the same (fake or self-hosted) server.
    client: telegram.apiRoot ? { apiRoot: telegram.apiRoot } : {},
  });
  const onBlocked = async (chatId: string) => {
    if (await markBlocked(core, { channel: 'telegram', channelUserId: chatId })) logger.info({ chatId }, 'subscriber blocked the bot');
  };
  const guards = apiGuards({ globalPerSecond: telegram.globalPerSecond, groupPerMinute: telegram.groupPerMinute, onBlocked });
  bot.api.config.use(...guards);

  // Every update being handled, whichever way it came, so stop() waits for its replies and state writes to finish:
  // the runner's stop() resolves once polling ends, while middleware may still be running.
  const inFlight = new Set<Promise<unknown>>();
  bot.use(async (_ctx, next) => {
    const work = next();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });

  let handled = 0;
  // Updates of one chat one after another (the runner runs others concurrently); first, so nothing overtakes.
  bot.use(sequentialize((ctx) => (ctx.chat?.id ?? ctx.from?.id)?.toString()));
  bot.use(async (ctx, next) => {
    ctx.subscriber = null;
    const from = ctx.from;
    const person = ctx.chat?.type === 'private' && from && !from.is_bot ? from : undefined;
    const kicked = person !== undefined && ctx.myChatMember?.new_chat_member.status === 'kicked';
    const chatId = ctx.chatId;
    // One round trip: the update id claimed, the subscriber touched (every update from a person refreshes them,
    // and writing again clears a "blocked" mark), and the chat's session and flow state read.
    const begun = await beginUpdate(core.db, {
      updateId: ctx.update.update_id,
      touch:
        person && !kicked
          ? { deps: core, contact: { channel: 'telegram', channelUserId: String(person.id), name: [person.first_name, person.last_name].filter(Boolean).join(' ') } }
          : null,
      stateKeys: [...(ctx.chat ? [SESSION_PREFIX + ctx.chat.id] : []), ...(chatId === undefined ? [] : [CONVERSATION_PREFIX + chatId])],
    });
    if (!begun.claimed) {
      logger.info({ updateId: ctx.update.update_id }, 'duplicate update skipped');
      return;
    }
    if (++handled % PRUNE_EVERY === 0) {
      void pruneTelegramState(core.db, {
        updatesOlderThanMs: 2 * 86_400_000,
        conversationsOlderThanMs: 7 * 86_400_000,
        conversationPrefix: CONVERSATION_PREFIX,
      }).catch((err: unknown) => logger.warn({ err }, 'pruning telegram state failed'));
    }
    ctx.prefetchedState = begun.state;
    if (person) {
      if (kicked) {
        await onBlocked(String(person.id));
        return;
      }
      ctx.subscriber = begun.subscriber;
      if (ctx.myChatMember) return;
    }
    await next();
  });
  bot.use(chatSession(core.db, SESSION_PREFIX));
  bot.use(
    conversations<BotContext, FlowContext>({
      storage: {
        type: 'context',
        version: FLOWS_VERSION,
        adapter: new PrefetchedStateStorage<VersionedState<ConversationData>>(core.db, (ctx) => {
          const chatId = (ctx as BotContext).chatId;
          return chatId === undefined ? undefined : CONVERSATION_PREFIX + chatId;
        }),
      },
      // Api instances inside flows are new each replay and do not inherit bot.api's transformers.
      plugins: [
        async (ctx, next) => {
          ctx.api.config.use(...guards);
          await next();
        },
      ],
    }),
  );
  bot.use(consentGate(flowDeps));
  // /cancel, any other command, and the main-menu buttons leave an open flow before anything else sees them.
  bot.use(async (ctx, next) => {
    const text = ctx.message?.text;
    if (ctx.chat?.type !== 'private' || text === undefined || ctx.message?.forward_origin) return next();
    const isCommand = text.startsWith('/');
    if (!isCommand && !menuLabels.includes(text)) return next();
    const active = Object.keys(ctx.conversation.active()).length > 0;
    if (active) await ctx.conversation.exitAll();
    if (/^\/cancel(@\w+)?(\s|$)/.test(text)) {
      await ctx.reply(active ? common.cancelled : common.nothingToCancel, { reply_markup: mainMenuKeyboard() });
      return;
    }
    await next();
  });
  for (const feature of installed) {
    for (const { id, builder } of feature.conversations?.(flowDeps) ?? []) {
      bot.use(createConversation<BotContext, FlowContext>(builder, { id, maxMillisecondsToWait: FLOW_TIMEOUT_MS }));
    }
  }
  for (const feature of installed) bot.use(feature.composer(flowDeps) as Middleware<BotContext>);
  bot.use(fallbackComposer());

  bot.catch(async ({ error, ctx }) => {
    if (isBlockedError(error)) return; // already marked by the API guard
    logger.error(
      { err: error instanceof GrammyError ? { code: error.error_code, description: error.description, method: error.method } : error, updateId: ctx.update.update_id },
      error instanceof HttpError ? 'telegram unreachable while handling an update' : 'telegram update failed',
    );
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: common.error }).catch(() => undefined);
      if (ctx.chat?.type === 'private') await ctx.reply(common.error, { reply_markup: mainMenuKeyboard() });
    } catch (replyError) {
      logger.warn({ err: replyError }, 'could not tell the user about the error');
    }
  });

  const webhook = telegram.webhook;
  const handleWebhook = webhookCallback(bot, 'express', {
    // Answer before Telegram gives up and redelivers; the update id guard makes a redelivery harmless anyway.
    onTimeout: 'return',
    timeoutMilliseconds: 9_000,
  });
  const parseJson = express.json({ limit: '1mb' });
  let runner: RunnerHandle | undefined;
  let accepting = true;

  const webhookHandler: RequestHandler = (req, res, next) => {
    if (!webhook || !sameSecret(req.header('X-Telegram-Bot-Api-Secret-Token'), webhook.secret)) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    if (!accepting) {
      // Telegram keeps the update and retries: another instance (or this one after restart) takes it.
      res.status(503).json({ error: 'stopping' });
      return;
    }
    parseJson(req, res, (parseError?: unknown) => {
      if (parseError) return next(parseError);
      // The body may arrive after stop() began; such an update is left to Telegram's retry like the ones above.
      if (!accepting) return void res.status(503).json({ error: 'stopping' });
      handleWebhook(req, res).catch(next);
    });
  };

  return {
    bot,
    webhookHandler,
    notifier: createTelegramNotifier(bot.api, core),
    async start() {
      accepting = true;
      await bot.init();
      await bot.api.setMyCommands(commands.map((c) => ({ command: c.command, description: c.description })));
      if (webhook) {
        await bot.api.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
        logger.info({ username: bot.botInfo.username, mode: 'webhook' }, 'telegram bot started');
        return;
      }
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] }, silent: true } });
      logger.info({ username: bot.botInfo.username, mode: 'polling' }, 'telegram bot started');
    },
    async stop() {
      accepting = false;
      const polling = runner;
      runner = undefined;
      if (polling?.isRunning()) await polling.stop();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
