import { TelegramApiError, tooManyRequests, texts } from './errors.ts';
import type { Params } from './state.ts';

/**
 * What a matching call answers instead of its result. 'drop' closes the connection without an answer (a network error).
 * 'late' is not a failure: the call takes effect (and is recorded) at once, but its answer reaches the bot `ms` later,
 * as over a slow network; a test sees the message sent while the bot is still waiting for the reply.
 */
export type Fault =
  | { code: 'late'; ms: number }
  | { code: 429; retryAfter: number }
  | { code: 403; description?: string }
  | { code: 400; description: string }
  | { code: 500; description?: string }
  | { code: 'drop' };

export interface FaultOptions {
  /** How many matching calls fail (default 1). */
  times?: number;
  /** Only calls whose chat_id is this. */
  chatId?: number;
}

export interface RateLimits {
  /** Sends per second over all chats (Telegram: about 30). */
  perSecond?: number;
  /** Sends per second into one chat (Telegram: about 1). */
  perChatPerSecond?: number;
  /** Sends per minute into one group (negative chat id; Telegram: 20). */
  perGroupPerMinute?: number;
}

export interface SendStats {
  /** Sends the fake accepted (the rate check passed). */
  accepted: number;
  /** Sends refused with 429 by the rate check (not by failNext). */
  rejected: number;
  /** The most sends accepted within any 1-second window, over all chats and in the busiest single chat. */
  maxPerSecond: number;
  maxPerChatPerSecond: number;
  /** Accepted and rejected sends by whole second since the first send. */
  bySecond: { second: number; accepted: number; rejected: number }[];
}

interface Rule {
  method: string;
  fault: Fault;
  remaining: number;
  chatId?: number;
}

/** Methods that put a message into a chat: the ones rate limits and blocking apply to. */
export const SEND_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendVoice',
  'sendSticker',
  'sendVideo',
  'sendAudio',
  'sendMediaGroup',
  'copyMessage',
  'copyMessages',
  'forwardMessage',
  'forwardMessages',
  'sendContact',
  'sendLocation',
]);

export function chatIdOf(params: Params): number | undefined {
  const raw = params.chat_id;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && /^-?\d+$/.test(raw)) return Number(raw);
  return undefined;
}

export function faultToError(fault: Exclude<Fault, { code: 'drop' } | { code: 'late' }>): TelegramApiError {
  switch (fault.code) {
    case 429:
      return tooManyRequests(fault.retryAfter);
    case 403:
      return new TelegramApiError(403, fault.description ?? texts.blocked);
    case 400:
      return new TelegramApiError(400, fault.description.startsWith('Bad Request') ? fault.description : `Bad Request: ${fault.description}`);
    case 500:
      return new TelegramApiError(500, fault.description ?? 'Internal Server Error');
  }
}

/** Injected failures, users who blocked the bot, and Telegram-like flood limits. */
export class Faults {
  private rules: Rule[] = [];
  readonly blocked = new Set<number>();
  /** Accepted sends of the last second (all chats), oldest first: a queue with a moving head, so each send costs O(1). */
  private lastSecond = new SlidingWindow(1000);
  /** Per chat: sends of the last second; per group: sends of the last minute. Small lists, pruned on use. */
  private perChat = new Map<number, SlidingWindow>();
  private perGroup = new Map<number, SlidingWindow>();
  private rejectedAt: number[] = [];

  constructor(private readonly limits: RateLimits | undefined) {}

  failNext(method: string, fault: Fault, options: FaultOptions = {}): void {
    this.rules.push({ method, fault, remaining: options.times ?? 1, chatId: options.chatId });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this call, if one was armed for it (consumes one use). */
  take(method: string, params: Params): Fault | undefined {
    const chatId = chatIdOf(params);
    const rule = this.rules.find((r) => r.method === method && r.remaining > 0 && (r.chatId === undefined || r.chatId === chatId));
    if (!rule) return undefined;
    rule.remaining -= 1;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule.fault;
  }

  /** Throws 403 for a blocked private chat, 429 when a send would break the limits; otherwise counts the send. */
  admitSend(method: string, params: Params, now: number): void {
    if (!SEND_METHODS.has(method)) return;
    const chatId = chatIdOf(params);
    if (chatId !== undefined && this.blocked.has(chatId)) throw new TelegramApiError(403, texts.blocked);
    if (this.limits) {
      const check = (window: SlidingWindow | undefined, limit: number | undefined) => {
        if (!window || limit === undefined) return;
        const oldest = window.oldestOfLast(limit, now);
        if (oldest === undefined) return;
        const retryAfter = Math.max(1, Math.ceil((oldest + window.ms - now) / 1000));
        this.rejectedAt.push(now);
        throw tooManyRequests(retryAfter);
      };
      check(this.lastSecond, this.limits.perSecond);
      if (chatId !== undefined) {
        check(this.perChat.get(chatId), this.limits.perChatPerSecond);
        if (chatId < 0) check(this.perGroup.get(chatId), this.limits.perGroupPerMinute);
      }
      this.lastSecond.add(now);
      if (chatId !== undefined) {
        windowOf(this.perChat, chatId, 1000).add(now);
        if (chatId < 0) windowOf(this.perGroup, chatId, 60_000).add(now);
      }
    }
    this.history.push({ at: now, chatId: chatId ?? 0 });
  }

  /** Every accepted send, for stats (the limiter's own list is pruned). */
  private history: { at: number; chatId: number }[] = [];

  stats(): SendStats {
    const maxInWindow = (times: number[]) => {
      let best = 0;
      let start = 0;
      for (let end = 0; end < times.length; end++) {
        while (times[end]! - times[start]! >= 1000) start++;
        best = Math.max(best, end - start + 1);
      }
      return best;
    };
    const byChat = new Map<number, number[]>();
    for (const send of this.history) byChat.set(send.chatId, [...(byChat.get(send.chatId) ?? []), send.at]);
    const first = Math.min(this.history[0]?.at ?? Infinity, this.rejectedAt[0] ?? Infinity);
    const buckets = new Map<number, { second: number; accepted: number; rejected: number }>();
    const bucket = (at: number) => {
      const second = Math.floor((at - first) / 1000);
      const entry = buckets.get(second) ?? { second, accepted: 0, rejected: 0 };
      buckets.set(second, entry);
      return entry;
    };
    for (const send of this.history) bucket(send.at).accepted++;
    for (const at of this.rejectedAt) bucket(at).rejected++;
    return {
      accepted: this.history.length,
      rejected: this.rejectedAt.length,
      maxPerSecond: maxInWindow(this.history.map((s) => s.at)),
      maxPerChatPerSecond: Math.max(0, ...[...byChat.values()].map(maxInWindow)),
      bySecond: [...buckets.values()].sort((a, b) => a.second - b.second),
    };
  }
}

function windowOf(map: Map<number, SlidingWindow>, chatId: number, ms: number): SlidingWindow {
  let window = map.get(chatId);
  if (!window) {
    window = new SlidingWindow(ms);
    map.set(chatId, window);
  }
  return window;
}

/** Send times within the last `ms`, oldest first; times only grow, so pruning moves a head index forward. */
class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(readonly ms: number) {}

  add(at: number): void {
    this.times.push(at);
  }

  /** When the window already holds `limit` sends: the oldest of the last `limit` (it decides the wait). */
  oldestOfLast(limit: number, now: number): number | undefined {
    this.prune(now);
    const count = this.times.length - this.head;
    return count >= limit ? this.times[this.times.length - limit] : undefined;
  }

  private prune(now: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.ms) this.head += 1;
    // Drop the dead prefix now and then, so the array does not grow with every send ever made.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
