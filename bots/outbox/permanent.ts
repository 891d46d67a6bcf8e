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
 * An error that retrying cannot fix: the platform refused the request itself (Telegram's 400 Bad Request — a text
 * too long, a markup too big, a string that is not UTF-8 —, Viber's badData). Network errors, 429 and 5xx are not:
 * those are retried with backoff.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentFailure) return true;
  if (error instanceof GrammyError) return error.error_code === 400;
  if (error instanceof ViberApiError) return PERMANENT_VIBER.has(error.status);
  return false;
}
