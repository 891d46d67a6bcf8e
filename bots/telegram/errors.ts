import { BotError, GrammyError, HttpError } from 'grammy';
import type { Logger } from '../logger.ts';
import { common } from '../texts/common.ts';
import type { MenuLayout } from '../texts/menu.ts';
import type { BotContext } from './context.ts';
import { mainMenuKeyboard } from './keyboards/main-menu.ts';
import { isBlockedError } from './notifier.ts';

// grammY's errors carry the whole request: the Api (with the bot token), the payload (what the subscriber typed,
// what the bot answered), the update. Only what an operator needs leaves this module.

export interface ErrorFields {
  /** The Bot API method that failed, when it was a call. */
  method?: string;
  /** Telegram's error code, or PostgreSQL's SQLSTATE for a database error. */
  code?: number | string;
  /** Telegram's description; never an error message of our own code or the database (they may quote input). */
  description?: string;
  /** What kind of error it was (its class name). */
  kind: string;
}

export function errorFields(error: unknown): ErrorFields {
  const inner = error instanceof BotError ? (error.error as unknown) : error;
  if (inner instanceof GrammyError) return { kind: 'GrammyError', method: inner.method, code: inner.error_code, description: inner.description };
  if (inner instanceof HttpError) {
    const method = /'(\w+)'/.exec(inner.message)?.[1];
    return { kind: 'HttpError', ...(method ? { method } : {}) };
  }
  const kind = inner instanceof Error ? inner.name || inner.constructor.name : typeof inner;
  const code = (inner as { original?: { code?: unknown }; code?: unknown } | null)?.original?.code ?? (inner as { code?: unknown } | null)?.code;
  return { kind, ...(typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? { code } : {}) };
}

/** The one log line of a failed update: the reduced error, the update id and the subscriber id. */
export function logUpdateError(logger: Logger, ctx: BotContext, error: unknown, message = 'telegram update failed'): void {
  logger.error({ err: error, updateId: ctx.update.update_id, subscriberId: ctx.subscriber?.id ?? null }, message);
}

/**
 * The error handler of the subscribers' feature: logs the error, tells the person (common.error), and marks the
 * update failed so its claim is released. Redelivery is wanted only when the person could not be told: a person
 * who was told tries again themselves, and a flow that fails for good would otherwise fail on every redelivery.
 */
export function subscriberErrorHandler(logger: Logger, menu?: MenuLayout) {
  return async (error: BotError<BotContext>): Promise<void> => {
    const ctx = error.ctx;
    if (isBlockedError(error.error)) {
      // The person blocked the bot (the API guard has marked them): nobody to tell, nothing to redeliver.
      ctx.failure = { told: true };
      return;
    }
    logUpdateError(logger, ctx, error.error);
    let told = false;
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      if (ctx.chat?.type === 'private') {
        await ctx.reply(common.error, { reply_markup: mainMenuKeyboard(menu) });
        told = true;
      }
    } catch (replyError) {
      logger.warn({ err: replyError, updateId: ctx.update.update_id }, 'could not tell the person about the error');
    }
    ctx.failure = { told };
  };
}

/** The staff desk's error handler: logged, and the claim released; staff see no reply and resend what they meant. */
export function staffErrorHandler(logger: Logger) {
  return (error: BotError<BotContext>): void => {
    logUpdateError(logger, error.ctx, error.error, 'staff desk update failed');
    error.ctx.failure = { told: true };
  };
}
