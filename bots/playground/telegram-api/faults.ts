import { TelegramApiError, tooManyRequests, texts } from './errors.ts';
import type { Params } from './state.ts';

/** What a matching call answers instead of its result. 'drop' closes the connection without an answer (a network error). */
export type Fault =
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

export function faultToError(fault: Exclude<Fault, { code: 'drop' }>): TelegramApiError {
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
  private accepted: { at: number; chatId: number }[] = [];
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
      const windowStart = now - 1000;
      this.accepted = this.accepted.filter((s) => s.at > now - 60_000);
      const lastSecond = this.accepted.filter((s) => s.at > windowStart);
      const check = (sends: { at: number }[], limit: number | undefined, windowMs: number) => {
        if (limit === undefined || sends.length < limit) return;
        const oldest = sends[sends.length - limit]!.at;
        const retryAfter = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
        this.rejectedAt.push(now);
        throw tooManyRequests(retryAfter);
      };
      check(lastSecond, this.limits.perSecond, 1000);
      if (chatId !== undefined) {
        check(lastSecond.filter((s) => s.chatId === chatId), this.limits.perChatPerSecond, 1000);
        if (chatId < 0) check(this.accepted.filter((s) => s.chatId === chatId), this.limits.perGroupPerMinute, 60_000);
      }
    }
    this.history.push({ at: now, chatId: chatId ?? 0 });
    this.accepted.push({ at: now, chatId: chatId ?? 0 });
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
