import http from 'node:http';
import https from 'node:https';
import type { Update } from 'grammy/types';
import { conflict } from './errors.ts';
import type { Params } from './state.ts';

/** One attempt to POST an update to the webhook. */
export interface WebhookDelivery {
  updateId: number;
  /** HTTP status the bot answered, or null when it did not answer in time or the connection failed. */
  status: number | null;
  error?: string;
  at: number;
  ms: number;
}

export interface WebhookOptions {
  /** How long the fake waits for the bot's answer before it counts the delivery as failed (default 5000). */
  timeoutMs?: number;
  /** Pause before resending an update that failed (default 100; Telegram waits longer). */
  retryDelayMs?: number;
}

interface Entry {
  update: Update;
  /** A redelivery: handed out even though its update_id is below the offset already confirmed. */
  forced: boolean;
}

interface Webhook {
  url: string;
  secretToken?: string;
  maxConnections: number;
}

// Telegram's default when allowed_updates was never given.
const NOT_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

export function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
}

/**
 * The queue Telegram keeps for a bot: handed out by getUpdates (long polling, confirmed by offset) or POSTed to a
 * webhook one at a time and resent until the bot answers 2xx.
 */
export class UpdateQueue {
  private entries: Entry[] = [];
  private readonly history = new Map<number, Update>();
  private nextId = 870_000_001;
  private allowedUpdates: string[] | undefined;
  private webhook: Webhook | undefined;
  private lastError: { date: number; message: string } | undefined;
  readonly deliveries: WebhookDelivery[] = [];
  private wakers = new Set<() => void>();
  private activePoll: ((error: Error) => void) | undefined;
  private delivering = false;
  private inFlight: http.ClientRequest | undefined;
  private stopped = false;

  constructor(
    private readonly options: Required<WebhookOptions>,
    private readonly unixNow: () => number,
    private readonly onChange: () => void,
    /** Runs a method the bot put in its webhook answer (a "webhook reply"). */
    private readonly onWebhookReply: (method: string, params: Params) => void,
    firstUpdateId?: number,
  ) {
    if (firstUpdateId !== undefined) this.nextId = firstUpdateId;
  }

  enqueue(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
    const full = { ...update, update_id: update.update_id ?? this.nextId++ } as Update;
    if (full.update_id >= this.nextId) this.nextId = full.update_id + 1;
    this.history.set(full.update_id, full);
    this.entries.push({ update: full, forced: false });
    this.wake();
    return full;
  }

  /** Hands the same update (same update_id) out once more, as Telegram does when it got no answer. */
  redeliver(updateId: number): Update {
    const update = this.history.get(updateId);
    if (!update) throw new Error(`fake-telegram: no update ${updateId} to redeliver`);
    this.entries.push({ update, forced: true });
    this.wake();
    return update;
  }

  lastUpdate(): Update | undefined {
    return [...this.history.values()].at(-1);
  }

  /** Every update ever enqueued, in order. */
  all(): Update[] {
    return [...this.history.values()];
  }

  pending(): Update[] {
    return this.entries.map((e) => e.update);
  }

  async getUpdates(params: Params, aborted: AbortSignal): Promise<Update[]> {
    if (this.webhook) throw conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    this.activePoll?.(conflict('terminated by other getUpdates request; make sure that only one bot instance is running'));
    const offset = typeof params.offset === 'number' ? params.offset : undefined;
    const limit = Math.min(100, Math.max(1, typeof params.limit === 'number' ? params.limit : 100));
    const timeout = typeof params.timeout === 'number' ? params.timeout : 0;
    if (Array.isArray(params.allowed_updates)) this.allowedUpdates = params.allowed_updates.length ? (params.allowed_updates as string[]) : undefined;

    if (offset !== undefined) {
      if (offset < 0) this.entries = this.entries.slice(offset);
      else this.entries = this.entries.filter((e) => e.forced || e.update.update_id >= offset);
    }
    const pick = () => {
      this.dropNotAllowed();
      return this.entries.filter((e) => e.forced || offset === undefined || offset < 0 || e.update.update_id >= offset).slice(0, limit);
    };

    const deadline = Date.now() + timeout * 1000;
    let picked = pick();
    while (picked.length === 0 && !this.stopped && !aborted.aborted && Date.now() < deadline) {
      let mine: ((error: Error) => void) | undefined;
      await new Promise<void>((resolve, reject) => {
        const finish = () => {
          clearTimeout(timer);
          aborted.removeEventListener('abort', done);
          this.wakers.delete(done);
        };
        const done = () => {
          finish();
          resolve();
        };
        const timer = setTimeout(done, deadline - Date.now());
        aborted.addEventListener('abort', done);
        this.wakers.add(done);
        mine = (error) => {
          finish();
          reject(error);
        };
        this.activePoll = mine;
      }).finally(() => {
        if (this.activePoll === mine) this.activePoll = undefined;
      });
      picked = pick();
    }
    for (const entry of picked) entry.forced = false;
    this.onChange();
    return picked.map((e) => e.update);
  }

  setWebhook(params: Params): true {
    const url = typeof params.url === 'string' ? params.url : '';
    if (params.drop_pending_updates === true) this.entries = [];
    if (Array.isArray(params.allowed_updates)) this.allowedUpdates = params.allowed_updates.length ? (params.allowed_updates as string[]) : undefined;
    if (url === '') {
      this.webhook = undefined;
      return true;
    }
    this.webhook = {
      url,
      ...(typeof params.secret_token === 'string' ? { secretToken: params.secret_token } : {}),
      maxConnections: typeof params.max_connections === 'number' ? params.max_connections : 40,
    };
    this.lastError = undefined;
    this.wake();
    void this.deliverLoop();
    return true;
  }

  deleteWebhook(params: Params): true {
    this.webhook = undefined;
    if (params.drop_pending_updates === true) this.entries = [];
    this.wake();
    return true;
  }

  webhookInfo(): Record<string, unknown> {
    return {
      url: this.webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.entries.length,
      ...(this.webhook ? { max_connections: this.webhook.maxConnections } : {}),
      ...(this.webhook && this.allowedUpdates ? { allowed_updates: this.allowedUpdates } : {}),
      ...(this.lastError ? { last_error_date: this.lastError.date, last_error_message: this.lastError.message } : {}),
    };
  }

  stop(): void {
    this.stopped = true;
    this.inFlight?.destroy();
    this.wake();
  }

  private dropNotAllowed(): void {
    this.entries = this.entries.filter((e) => {
      const type = updateType(e.update);
      return this.allowedUpdates ? this.allowedUpdates.includes(type) : !NOT_BY_DEFAULT.has(type);
    });
  }

  private wake(): void {
    const wakers = [...this.wakers];
    this.wakers.clear();
    for (const waker of wakers) waker();
    this.onChange();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        if (timer) clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      this.wakers.add(done);
    });
  }

  private async deliverLoop(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.webhook && !this.stopped) {
        this.dropNotAllowed();
        const entry = this.entries[0];
        if (!entry) {
          await this.sleep(Infinity);
          continue;
        }
        const hook = this.webhook;
        const delivery = await this.post(hook, entry.update);
        this.deliveries.push(delivery);
        if (delivery.status !== null && delivery.status >= 200 && delivery.status < 300) {
          this.entries = this.entries.filter((e) => e !== entry);
          this.onChange();
        } else {
          this.lastError = {
            date: this.unixNow(),
            message: delivery.status === null ? (delivery.error ?? 'Connection failed') : `Wrong response from the webhook: ${delivery.status}`,
          };
          this.onChange();
          await this.sleep(this.options.retryDelayMs);
        }
      }
    } finally {
      this.delivering = false;
    }
  }

  private post(hook: Webhook, update: Update): Promise<WebhookDelivery> {
    const started = Date.now();
    const body = Buffer.from(JSON.stringify(update));
    const client = hook.url.startsWith('https:') ? https : http;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (status: number | null, error?: string, answer?: Buffer, contentType?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight = undefined;
        if (status !== null && status >= 200 && status < 300 && answer && answer.length > 0 && /json/.test(contentType ?? '')) {
          try {
            const reply = JSON.parse(answer.toString('utf8')) as Params;
            if (typeof reply.method === 'string') {
              const { method, ...params } = reply;
              this.onWebhookReply(method, params);
            }
          } catch {
            // An unparsable answer is ignored, as Telegram ignores it.
          }
        }
        resolve({ updateId: update.update_id, status, ...(error ? { error } : {}), at: started, ms: Date.now() - started });
      };
      const request = client.request(
        hook.url,
        {
          method: 'POST',
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            ...(hook.secretToken ? { 'x-telegram-bot-api-secret-token': hook.secretToken } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => settle(response.statusCode ?? null, undefined, Buffer.concat(chunks), response.headers['content-type']));
          response.on('error', (error) => settle(null, error.message));
        },
      );
      const timer = setTimeout(() => {
        settle(null, 'Read timeout expired');
        request.destroy();
      }, this.options.timeoutMs);
      request.on('error', (error) => settle(null, error.message));
      this.inFlight = request;
      request.end(body);
    });
  }
}
