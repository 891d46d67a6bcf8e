import { timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../logger.ts';
import type { BotContext } from './context.ts';
import type { UpdateOutcome, UpdateOutcomes } from './update-outcome.ts';

// Telegram's webhook route. grammY's webhookCallback answers 500 on a handler error without passing it to
// bot.catch, and 200 on a timeout while the handling goes on; here the answer is chosen by design, so Telegram
// redelivers exactly what should be handled again:
// - 200: handled, a duplicate of a handled update, or failed after the person was told (common.error): they retry;
// - 503: another delivery of the update is still being handled, or this one outlived `answerWithinMs` (Telegram
//   comes back; the claim then tells whether it was done);
// - 500: failed and nobody was told, or failed before it was claimed (the database did not answer): the claim is
//   released (or was never taken), so the redelivery is handled afresh;
// - 401 wrong secret, 413 body over the limit, 400 not an update: not logged as errors, never handled.

export interface WebhookOptions {
  bot: Bot<BotContext>;
  secret: string;
  logger: Logger;
  outcomes: UpdateOutcomes;
  /** False while stopping: 503, so another instance (or this one after a restart) takes the update. */
  accepting: () => boolean;
  /** Run with each update being handled (stop() waits for them). */
  track: <T>(work: Promise<T>) => Promise<T>;
  answerWithinMs: number;
  bodyLimit?: string;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isUpdate(body: unknown): body is Update {
  const id = (body as { update_id?: unknown } | null)?.update_id;
  return typeof body === 'object' && body !== null && !Array.isArray(body) && typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
}

export function statusOf(outcome: UpdateOutcome | undefined): number {
  switch (outcome?.kind) {
    case 'handled':
    case 'duplicate':
      return 200;
    case 'busy':
      return 503;
    case 'failed':
      return outcome.redeliver ? 500 : 200;
    case undefined:
      // No outcome: nothing claimed the update (a kind the bot does not take); nothing to redeliver.
      return 200;
  }
}

export function telegramWebhook(options: WebhookOptions): RequestHandler {
  const { bot, logger, outcomes } = options;
  const parseJson = express.json({ limit: options.bodyLimit ?? '1mb' });
  return (req, res) => {
    if (!sameSecret(req.header('X-Telegram-Bot-Api-Secret-Token'), options.secret)) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    if (!options.accepting()) {
      res.status(503).json({ error: 'stopping' });
      return;
    }
    parseJson(req, res, (parseError?: unknown) => {
      if (parseError) {
        const status = (parseError as { status?: number }).status === 413 ? 413 : 400;
        logger.info({ status }, 'telegram webhook: not an update');
        res.status(status).json({ error: status === 413 ? 'too large' : 'invalid JSON' });
        return;
      }
      const update: unknown = req.body;
      if (!isUpdate(update)) {
        logger.info({ status: 400 }, 'telegram webhook: not an update');
        res.status(400).json({ error: 'not an update' });
        return;
      }
      // The body may arrive after stop() began: left to Telegram's retry like the ones above.
      if (!options.accepting()) return void res.status(503).json({ error: 'stopping' });
      let answered = false;
      // The one Bot API call the bot lets ride in this answer (its `canUseWebhookReply`), if the handling made it:
      // Telegram runs it on a 200, saving the bot a round trip. On any other answer it is dropped (see bot.ts).
      let webhookReply: string | undefined;
      const answer = (status: number) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        if (status === 200 && webhookReply !== undefined) res.status(200).type('application/json').send(webhookReply);
        else res.status(status).json(status === 200 ? {} : { error: status === 503 ? 'retry later' : 'failed' });
      };
      const timer = setTimeout(() => answer(503), options.answerWithinMs);
      options
        .track(
          bot.handleUpdate(update, {
            send: (payload) => {
              if (!answered) webhookReply = payload;
            },
          }),
        )
        .then(
          () => answer(statusOf(outcomes.get(update))),
          (error: unknown) => {
            // What escaped every error boundary: the claim (if any) is released, so the redelivery is handled.
            logger.error({ err: error, updateId: update.update_id }, 'telegram update failed');
            answer(500);
          },
        );
    });
  };
}
