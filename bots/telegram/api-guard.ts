import type { Transformer } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';

// Transformers every Api instance of the bot gets, the main one and those the conversations plugin builds
// inside flows (it does not inherit bot.api's transformers, so both install the same list).

const SENDING = /^(send|copyMessage|copyMessages|forwardMessage|forwardMessages)/;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Keeps sends within Telegram's limits: about `globalPerSecond` messages a second in all, and
 * `groupPerMinute` a minute into any one group. Private chats may burst a few in a row, so they are not spaced.
 */
export function createThrottle(limits: { globalPerSecond: number; groupPerMinute: number }): Transformer {
  const globalGapMs = 1000 / limits.globalPerSecond;
  const groupGapMs = 60_000 / limits.groupPerMinute;
  let globalNextAt = 0;
  const groupNextAt = new Map<string, number>();
  return async (prev, method, payload, signal) => {
    if (SENDING.test(method)) {
      const now = Date.now();
      let at = Math.max(now, globalNextAt);
      const chatId = (payload as { chat_id?: number | string } | undefined)?.chat_id;
      const isGroup = chatId !== undefined && String(chatId).startsWith('-');
      if (isGroup) at = Math.max(at, groupNextAt.get(String(chatId)) ?? 0);
      globalNextAt = at + globalGapMs;
      if (isGroup) {
        groupNextAt.set(String(chatId), at + groupGapMs);
        if (groupNextAt.size > 1000) groupNextAt.clear();
      }
      if (at > now) await sleep(at - now);
    }
    return prev(method, payload, signal);
  };
}

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
  globalPerSecond: number;
  groupPerMinute: number;
  onBlocked: (chatId: string) => Promise<unknown>;
}

/** In the order they are installed: the throttle sits closest to the network, so every retry is spaced too. */
export function apiGuards(options: ApiGuardOptions): Transformer[] {
  return [
    createThrottle(options),
    blockedWatcher(options.onBlocked),
    // 429 waits retry_after; 5xx and network errors back off. A wait longer than a minute goes back to the
    // caller (the outbox retries later) instead of holding a handler.
    autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }),
  ];
}
