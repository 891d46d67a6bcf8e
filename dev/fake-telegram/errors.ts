import type { ResponseParameters } from 'grammy/types';

/** A failed Bot API call, answered with Telegram's exact error body and HTTP status. */
export class TelegramApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = 'TelegramApiError';
  }

  toBody(): ErrorBody {
    return {
      ok: false,
      error_code: this.code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

export interface ErrorBody {
  ok: false;
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
}

export const badRequest = (what: string) => new TelegramApiError(400, `Bad Request: ${what}`);
export const forbidden = (what: string) => new TelegramApiError(403, `Forbidden: ${what}`);
export const unauthorized = () => new TelegramApiError(401, 'Unauthorized');
export const methodNotFound = () => new TelegramApiError(404, 'Not Found: method not found');
export const conflict = (what: string) => new TelegramApiError(409, `Conflict: ${what}`);
export const internalError = () => new TelegramApiError(500, 'Internal Server Error');
export const tooManyRequests = (retryAfter: number) =>
  new TelegramApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });

/** Telegram's texts for the failures tests meet most. */
export const texts = {
  blocked: 'Forbidden: bot was blocked by the user',
  threadNotFound: 'Bad Request: message thread not found',
  chatNotFound: 'Bad Request: chat not found',
  notModified:
    'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
} as const;
