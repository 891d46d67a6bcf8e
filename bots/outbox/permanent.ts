import { GrammyError } from 'grammy';
import { ViberStatus } from '../viber/api-types.ts';
import { ViberApiError } from '../viber/client.ts';

/** Thrown by a handler that knows its entry can never go: the dispatcher parks it at once. */
export class PermanentFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentFailure';
  }
}

// Viber answers these for a message it will refuse however often it is sent (bad or missing fields, a client too old).
const PERMANENT_VIBER = new Set<number>([ViberStatus.badData, ViberStatus.missingData, ViberStatus.apiVersionNotSupported, ViberStatus.incompatibleWithVersion]);

/**
 * Telegram's 400s about what was sent: the same request is refused however often it is retried. Other 400s are about
 * the chat ("not enough rights", "chat not found", a deleted topic): an administrator can fix those, and then a retry
 * goes through, so they are retried like a network error.
 */
const TELEGRAM_CONTENT_REFUSAL =
  /too long|too_long|must be encoded in UTF-8|can't parse|BUTTON_|message text is empty|text must be non-empty|wrong file identifier|wrong remote file identifier|failed to get HTTP URL content|wrong type of the web page content|PHOTO_INVALID|IMAGE_PROCESS_FAILED|TOPIC_TITLE_EMPTY/i;

/** Telegram refused the content of a request (a text too long, a markup too big, a string that is not UTF-8). */
export function isContentRefusal(error: unknown): error is GrammyError {
  return error instanceof GrammyError && error.error_code === 400 && TELEGRAM_CONTENT_REFUSAL.test(error.description);
}

/**
 * An error that retrying cannot fix: the platform refused the request itself (Telegram's 400 about the content,
 * Viber's badData), or a handler said so. Network errors, 429, 5xx and refusals an administrator can fix are
 * retried with backoff.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentFailure) return true;
  if (error instanceof GrammyError) return isContentRefusal(error);
  if (error instanceof ViberApiError) return PERMANENT_VIBER.has(error.status);
  return false;
}
