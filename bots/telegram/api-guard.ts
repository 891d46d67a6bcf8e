import type { Transformer } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';

// Transformers of the bot's Api. Replies are not throttled in-process (grammY's flood-control guidance): a 429
// is waited out by auto-retry. Bulk sends (reminders, notices) and the staff group are paced by the shared
// PostgreSQL buckets (bots/rate-limiter.ts) before they call the Api.

/** Watches every call for "Forbidden: bot was blocked by the user" and reports the chat, whatever sent it. */
export function blockedWatcher(onBlocked: (chatId: string) => Promise<unknown>): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    const chatId = (payload as { chat_id?: number | string } | undefined)?.chat_id;
    if (!result.ok && result.error_code === 403 && chatId !== undefined && !String(chatId).startsWith('-')) {
      await onBlocked(String(chatId)).catch(() => undefined);
    }
    return result;
  };
}

export interface ApiGuardOptions {
  onBlocked: (chatId: string) => Promise<unknown>;
}

export function apiGuards(options: ApiGuardOptions): Transformer[] {
  return [
    blockedWatcher(options.onBlocked),
    // 429 waits retry_after; 5xx and network errors back off. A wait longer than a minute goes back to the
    // caller (the outbox retries later) instead of holding a handler.
    autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }),
  ];
}
