import express, { type RequestHandler } from 'express';
import type { Logger } from '../logger.ts';
import { parseCallbackJson, type ViberCallback, type ViberCallbackOf } from './api-types.ts';
import { isValidViberSignature } from './signature.ts';

export const SIGNATURE_HEADER = 'x-viber-content-signature';

export interface ViberWebhookOptions {
  authToken: string;
  logger: Logger;
  /**
   * The body of the answer to conversation_started. Viber shows it as the welcome message; it is the only way
   * to talk to someone who has not subscribed yet (send_message answers "not subscribed").
   */
  welcome(event: ViberCallbackOf<'conversation_started'>): object | null;
  /**
   * Keeps the callback durably before it is answered (the bot's inbox). Viber does not resend a callback it saw
   * answered 200, so when keeping fails the answer is 500 and Viber delivers it again.
   */
  keep(event: ViberCallback): Promise<void>;
  /** Called after the answer has gone out; must not throw (the bot tracks and logs its own work). */
  onEvent(event: ViberCallback): void;
  /** Largest body accepted; Viber's callbacks are a few kilobytes. */
  limit?: string;
}

/**
 * The Viber webhook route. It must be mounted before any body parser: the signature is over the raw bytes.
 * The signature is checked before anything else is done with the request, and a wrong or missing one is
 * answered 403 at once (Viber never sends such a request; whoever does gets nothing more).
 */
export function createViberWebhookHandler(options: ViberWebhookOptions): RequestHandler {
  const readRaw = express.raw({ type: () => true, limit: options.limit ?? '1mb' });
  const { logger } = options;

  return (req, res, next) => {
    const signature = req.get(SIGNATURE_HEADER);
    if (!signature) {
      refuse(res, 'missing signature');
      return;
    }
    readRaw(req, res, (error?: unknown) => {
      if (error) {
        const status = (error as { status?: number }).status;
        if (status === 413 || status === 400) {
          res.status(status).json({ status: 1, status_message: status === 413 ? 'body too large' : 'unreadable body' });
          return;
        }
        next(error);
        return;
      }
      const body = Buffer.isBuffer(req.body) ? (req.body as Buffer) : Buffer.alloc(0);
      if (!isValidViberSignature(body, signature, options.authToken)) {
        refuse(res, 'wrong signature');
        return;
      }
      const parsed = parseCallbackJson(body.toString('utf8'));
      if (parsed.kind === 'invalid') {
        logger.warn({ reason: parsed.reason }, 'viber callback not understood');
        res.status(400).json({ status: 3, status_message: 'bad data' });
        return;
      }
      if (parsed.kind === 'unknown-event') {
        logger.debug({ event: parsed.name }, 'viber callback of an unknown kind ignored');
        res.status(200).json({ status: 0 });
        return;
      }
      const event = parsed.event;
      void answer(event);
    });

    async function answer(event: ViberCallback) {
      try {
        await options.keep(event);
      } catch (failure) {
        logger.error({ event: event.event, error: (failure as Error).name }, 'viber callback could not be kept; answered 500 for a redelivery');
        if (!res.headersSent) res.status(500).json({ status: 1, status_message: 'try again' });
        return;
      }
      if (event.event === 'conversation_started') {
        let welcome: object | null = null;
        try {
          welcome = options.welcome(event);
        } catch (failure) {
          logger.error({ error: (failure as Error).name }, 'viber welcome message failed');
        }
        res.status(200).json(welcome ?? { status: 0 });
      } else {
        res.status(200).json({ status: 0 });
      }
      options.onEvent(event);
    }

    function refuse(response: typeof res, reason: string) {
      logger.warn({ reason, ip: req.ip }, 'viber callback refused');
      // The unread body stays on the socket: close it rather than let a stranger keep it open.
      response.set('Connection', 'close').status(403).json({ status: 2, status_message: 'forbidden' });
    }
  };
}
