import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Chat, Update, User } from 'grammy/types';
import { TelegramApiError, methodNotFound, unauthorized } from './errors.ts';
import { Faults, faultToError, type Fault, type FaultOptions, type RateLimits, type SendStats } from './faults.ts';
import { parseParams, readBody } from './http-body.ts';
import { assertWellFormed } from './limits.ts';
import { createMethods, type MethodHandler } from './methods.ts';
import { FakePayments, type PayOutcome } from './payments.ts';
import { FakeState, type ClockLike, type Params, type RecordedCall, type SentMessage, type StoredMessage } from './state.ts';
import { UpdateQueue, type WebhookDelivery, type WebhookOptions } from './updates.ts';
import { FakeGroup, FakeUser, type GroupSeed, type UserSeed } from './users.ts';

export interface FakeTelegramOptions {
  /** The bot token the fake accepts (others get 401). Its number before ':' becomes the bot's id. */
  token?: string;
  /** Telegram-like flood limits on sends; over them a call answers 429 with retry_after. Off by default. */
  limits?: RateLimits;
  /** Source of the `date` fields (e.g. the test's FixedClock). Rate limits and waits always use real time. */
  clock?: ClockLike;
  webhook?: WebhookOptions;
  /**
   * The update_id of the first update (default 870000001). A bot de-duplicates by update_id in its database, so a
   * stand-in started again over the same database must go on above the ids that database has already seen.
   */
  firstUpdateId?: number;
  /**
   * What an http(s) URL sent as a file holds (Telegram downloads it). The playground answers for the pictures its
   * stand-in of Viber keeps; without it, or when it answers undefined, the file is empty.
   */
  urlContent?: (url: string) => Buffer | undefined;
  /** The loopback port to listen on (the playground's PLAYGROUND_TELEGRAM_PORT); 0 or omitted: a free one. */
  port?: number;
  /** How long a pre-checkout query waits for its answer (Telegram: 10 s); tests of a late answer shorten it. */
  preCheckoutAnswerMs?: number;
}

export interface WaitOptions {
  /** Milliseconds (default 5000). */
  timeout?: number;
}

export type SentPredicate = string | RegExp | ((message: SentMessage) => boolean);

export const DEFAULT_TOKEN = '7000000001:AAFakeTelegramTokenForTestsOnly000000';

const QUEUE_METHODS = new Set(['getUpdates', 'setWebhook', 'deleteWebhook', 'getWebhookInfo']);

export class FakeTelegram {
  readonly token: string;
  readonly state: FakeState;
  private readonly queue: UpdateQueue;
  private readonly faults: Faults;
  private readonly methods: Record<string, MethodHandler>;
  /** Telegram Payments: the invoices sent and the pre-checkout queries asked (payments.ts). */
  readonly payments: FakePayments;
  private readonly overrides = new Map<string, MethodHandler>();
  private readonly canonical = new Map<string, string>();
  private readonly cursors = new Map<number, number>();
  private server: http.Server | undefined;
  private port = 0;
  private readonly startedAt = Date.now();

  private constructor(options: FakeTelegramOptions) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.state = new FakeState(this.token, options.clock ?? { now: () => new Date() });
    this.faults = new Faults(options.limits);
    this.queue = new UpdateQueue(
      { timeoutMs: options.webhook?.timeoutMs ?? 5000, retryDelayMs: options.webhook?.retryDelayMs ?? 100 },
      () => this.state.unixNow(),
      () => this.state.changed(),
      (method, params) => void this.call(method, params, AbortSignal.timeout(60_000), 'webhook-reply'),
      options.firstUpdateId,
    );
    this.payments = new FakePayments(options.preCheckoutAnswerMs);
    this.methods = { ...createMethods(this.state, options.urlContent ? { urlContent: options.urlContent } : {}), ...this.payments.methods(this.state) };
    for (const name of [...Object.keys(this.methods), ...QUEUE_METHODS]) this.canonical.set(name.toLowerCase(), name);
  }

  /** Starts the fake on 127.0.0.1 at `options.port`, or a free port. */
  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const fake = new FakeTelegram(options);
    const server = http.createServer((req, res) => {
      fake.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error_code: 500, description: `fake-telegram crashed: ${String(error)}` }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
    fake.server = server;
    fake.port = (server.address() as AddressInfo).port;
    return fake;
  }

  /** Give this to grammY: `new Bot(tg.token, { client: { apiRoot: tg.apiRoot } })`. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where the bot downloads a file: `${apiRoot}/file/bot${token}/${file_path}`. */
  fileUrl(filePath: string): string {
    return `${this.apiRoot}/file/bot${this.token}/${filePath}`;
  }

  /** Answers pending long polls with no updates, stops webhook deliveries and closes every connection. */
  async stop(): Promise<void> {
    this.queue.stop();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Let answered long polls flush before cutting keep-alive sockets.
    setImmediate(() => server.closeAllConnections());
    await closed;
  }

  // ── playing users ──────────────────────────────────────────────────────────

  /** A Telegram user with a private chat with the bot (nothing is sent until the test makes them write). */
  user(seed: UserSeed): FakeUser {
    const user: User = {
      id: seed.id,
      is_bot: false,
      first_name: seed.first_name,
      ...(seed.last_name ? { last_name: seed.last_name } : {}),
      ...(seed.username ? { username: seed.username } : {}),
      language_code: seed.language_code ?? 'uk',
      ...(seed.is_premium ? { is_premium: true as const } : {}),
    };
    this.state.rememberUser(user);
    return new FakeUser(this.state, (u) => this.queue.enqueue(u), user, this.state.chats.get(user.id)!, (id, blocked) =>
      blocked ? this.blockedBy(id) : this.unblockedBy(id),
    );
  }

  /** A supergroup the bot is in (a forum when isForum), e.g. the staff group. */
  group(seed: GroupSeed): FakeGroup {
    const chat: Chat.SupergroupChat = {
      id: seed.id,
      type: 'supergroup',
      title: seed.title,
      ...(seed.username ? { username: seed.username } : {}),
      ...(seed.isForum ? { is_forum: true as const } : {}),
    };
    const record = this.state.addChat(chat);
    return new FakeGroup(this.state, (u) => this.queue.enqueue(u), record);
  }

  /**
   * The user presses «Pay» on an invoice the bot sent them: a pre_checkout_query, then (answered ok within the
   * time Telegram gives) a successful_payment message in their chat. `amount`/`currency` pretend the app asked
   * other figures than the invoice's (a forged client, for the bot's re-check).
   */
  pay(user: FakeUser, invoice: { message_id: number } | number, options: { amount?: number; currency?: string } = {}): Promise<PayOutcome> {
    const messageId = typeof invoice === 'number' ? invoice : invoice.message_id;
    return this.payments.pay(this.state, (u) => this.queue.enqueue(u), user.user, messageId, options);
  }

  /** Queues a raw update; update_id is assigned when missing. */
  enqueue(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
    return this.queue.enqueue(update);
  }

  /** Delivers the very same update (same update_id) again, as Telegram does when it got no answer. */
  redeliver(updateId: number): Update {
    return this.queue.redeliver(updateId);
  }

  duplicateLast(): Update {
    const last = this.queue.lastUpdate();
    if (!last) throw new Error('fake-telegram: no update to duplicate yet');
    return this.queue.redeliver(last.update_id);
  }

  /** Every update ever queued, in order. */
  updates(): Update[] {
    return this.queue.all();
  }

  /** Updates not yet confirmed (polling) or not yet answered 2xx (webhook). */
  pendingUpdates(): Update[] {
    return this.queue.pending();
  }

  /** Each POST to the webhook with the status the bot answered (null: timeout or connection failure). */
  webhookDeliveries(): WebhookDelivery[] {
    return [...this.queue.deliveries];
  }

  /** The params of the bot's answerCallbackQuery for a pressButton update, if it answered. */
  callbackAnswer(updateOrQueryId: Update | string): Params | undefined {
    const id = typeof updateOrQueryId === 'string' ? updateOrQueryId : updateOrQueryId.callback_query?.id;
    return id === undefined ? undefined : this.state.callbacks.get(id)?.answer;
  }

  /** The bytes behind a file_id (what a user sent, or what the bot uploaded). */
  fileBytes(fileId: string): Buffer | undefined {
    return this.state.files.get(fileId)?.bytes;
  }

  // ── faults ─────────────────────────────────────────────────────────────────

  /** The next matching call(s) answer Telegram's error instead of working. */
  failNext(method: string, fault: Fault, options: FaultOptions = {}): void {
    this.faults.failNext(method, fault, options);
  }

  /** Every send into this user's chat fails 403 "Forbidden: bot was blocked by the user" until unblockedBy. */
  blockedBy(userId: number): void {
    this.faults.blocked.add(userId);
  }

  unblockedBy(userId: number): void {
    this.faults.blocked.delete(userId);
  }

  /** Sends accepted and refused by the `limits` check, and the busiest second. */
  stats(): SendStats {
    return this.faults.stats();
  }

  /** Replaces (or adds) a method for this fake: return a result, or throw `new TelegramApiError(code, description)`. */
  override(method: string, handler: MethodHandler): void {
    this.overrides.set(method, handler);
    this.canonical.set(method.toLowerCase(), method);
  }

  // ── recording ──────────────────────────────────────────────────────────────

  /** Every call the bot made (failed ones too), oldest first; getUpdates included. */
  calls(method?: string): RecordedCall[] {
    return method ? this.state.calls.filter((c) => c.method === method) : [...this.state.calls];
  }

  /** Messages the bot sent to the chat, oldest first, in their current state (edits applied, deleted ones left out). */
  sent(chatId: number, options: { includeDeleted?: boolean } = {}): SentMessage[] {
    return this.state.sent(chatId, options);
  }

  lastSent(chatId: number): SentMessage | undefined {
    return this.state.sent(chatId).at(-1);
  }

  /** Text (or caption) of each message the bot sent to the chat. */
  sentTexts(chatId: number): string[] {
    return this.state.sent(chatId).map((m) => m.text ?? m.caption ?? '');
  }

  /** Topics of a forum group, with their state. */
  topics(chatId: number): { message_thread_id: number; name: string; closed: boolean; deleted: boolean }[] {
    return [...(this.state.chats.get(chatId)?.topics.values() ?? [])].map(({ message_thread_id, name, closed, deleted }) => ({
      message_thread_id,
      name,
      closed,
      deleted,
    }));
  }

  /**
   * Resolves with the condition's first truthy value, re-checking on every call, update and delivery.
   * A condition that throws (e.g. an expect) counts as not yet; its last error is shown on timeout.
   */
  waitFor<T>(condition: () => T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
    const timeout = options.timeout ?? 5000;
    return new Promise<T>((resolve, reject) => {
      let lastError: unknown;
      const check = () => {
        try {
          const value = condition();
          if (value !== undefined && value !== null && value !== false) {
            finish();
            resolve(value);
            return true;
          }
        } catch (error) {
          lastError = error;
        }
        return false;
      };
      const unsubscribe = this.state.onChange(() => void check());
      const interval = setInterval(check, 25);
      const timer = setTimeout(() => {
        finish();
        const cause = lastError instanceof Error ? `\nLast condition error: ${lastError.message}` : '';
        reject(new Error(`fake-telegram: waitFor timed out after ${timeout} ms${cause}\n${this.dump()}`));
      }, timeout);
      function finish() {
        unsubscribe();
        clearInterval(interval);
        clearTimeout(timer);
      }
      check();
    });
  }

  /**
   * Resolves with the NEXT message the bot sent to the chat that matches (text/caption contains a string, matches
   * a RegExp, or a predicate) — "next" meaning not returned by an earlier waitForSent for this chat, so a test can
   * read a conversation reply by reply without racing the bot. Deleted messages count as sent.
   */
  waitForSent(chatId: number, predicate?: SentPredicate, options: WaitOptions = {}): Promise<SentMessage> {
    const test = (m: SentMessage) =>
      predicate === undefined
        ? true
        : typeof predicate === 'string'
          ? (m.text ?? m.caption ?? '').includes(predicate)
          : predicate instanceof RegExp
            ? predicate.test(m.text ?? m.caption ?? '')
            : predicate(m);
    return this.waitFor(() => {
      const cursor = this.cursors.get(chatId) ?? 0;
      const chat = this.state.chats.get(chatId);
      if (!chat) return undefined;
      const candidates = [...chat.messages.values()].filter((s) => s.byBot && s.seq > cursor).sort((a, b) => a.seq - b.seq);
      const found = candidates.find((s: StoredMessage) => test(this.state.toSent(s)));
      if (!found) return undefined;
      this.cursors.set(chatId, found.seq);
      return this.state.toSent(found);
    }, options).catch((error: Error) => {
      const sent = this.sentTexts(chatId).map((t) => `  ${JSON.stringify(t.slice(0, 120))}`).join('\n') || '  (nothing)';
      throw new Error(`${error.message}\nAll sent to chat ${chatId}:\n${sent}`);
    });
  }

  /** Resolves with the next recorded call of the method (after `since` calls of it) whose params match. */
  waitForCall(method: string, predicate: (params: Params) => boolean = () => true, options: WaitOptions & { since?: number } = {}): Promise<RecordedCall> {
    const since = options.since ?? 0;
    return this.waitFor(() => this.calls(method).slice(since).find((c) => predicate(c.params)), options);
  }

  /** The recent calls, one a line, for failure messages. */
  dump(last = 20): string {
    const lines = this.state.calls
      .filter((c) => c.method !== 'getUpdates')
      .slice(-last)
      .map((c) => {
        const params = Object.entries(c.params)
          .map(([k, v]) => `${k}=${short(v)}`)
          .join(' ');
        const outcome = c.outcome.ok ? 'ok' : `${c.outcome.error_code} ${c.outcome.description}`;
        return `  +${c.at - this.startedAt}ms ${c.method} ${params} → ${outcome}`;
      });
    const pending = this.queue.pending().length;
    return `Recent calls (getUpdates left out):\n${lines.join('\n') || '  (none)'}\nUpdates queued and not yet taken: ${pending}`;
  }

  // ── HTTP ───────────────────────────────────────────────────────────────────

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      if (decodeURIComponent(file[1]!) !== this.token) return this.reply(res, 401, unauthorized().toBody());
      const path = decodeURIComponent(file[2]!);
      const found = [...this.state.files.values()].find((f) => f.file_path === path);
      if (!found) return this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': found.bytes.length });
      res.end(found.bytes);
      return;
    }
    const api = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!api) return this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (decodeURIComponent(api[1]!) !== this.token) return this.reply(res, 401, unauthorized().toBody());

    let params: Params;
    try {
      params = parseParams(req.headers['content-type'], await readBody(req), url.searchParams);
    } catch {
      return this.reply(res, 400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" });
    }
    const method = this.canonical.get(api[2]!.toLowerCase()) ?? api[2]!;
    const fault = this.faults.take(method, params);
    if (fault?.code === 'drop') {
      this.state.record({ method, params, at: Date.now(), outcome: { ok: false, error_code: 0, description: 'connection dropped by failNext' }, via: 'http' });
      req.socket.destroy();
      return;
    }
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    const outcome =
      fault && fault.code !== 'late' ? this.failed(method, params, faultToError(fault), 'http') : await this.call(method, params, aborted.signal, 'http');
    if (fault?.code === 'late') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    this.reply(res, outcome.ok ? 200 : outcome.error_code, outcome);
  }

  private async call(method: string, params: Params, signal: AbortSignal, via: RecordedCall['via']): Promise<RecordedCall['outcome']> {
    try {
      const result = await this.execute(method, params, signal);
      const outcome = { ok: true as const, result };
      this.state.record({ method, params, at: Date.now(), outcome, via });
      return outcome;
    } catch (error) {
      if (error instanceof TelegramApiError) return this.failed(method, params, error, via);
      throw error;
    }
  }

  private failed(method: string, params: Params, error: TelegramApiError, via: RecordedCall['via']): RecordedCall['outcome'] {
    const outcome = error.toBody();
    this.state.record({ method, params, at: Date.now(), outcome, via });
    return outcome;
  }

  private async execute(method: string, params: Params, signal: AbortSignal): Promise<unknown> {
    const override = this.overrides.get(method);
    if (override) return override(params);
    assertWellFormed(params);
    this.faults.admitSend(method, params, Date.now());
    switch (method) {
      case 'getUpdates':
        return this.queue.getUpdates(params, signal);
      case 'setWebhook':
        return this.queue.setWebhook(params);
      case 'deleteWebhook':
        return this.queue.deleteWebhook(params);
      case 'getWebhookInfo':
        return this.queue.webhookInfo();
    }
    const handler = this.methods[method];
    if (!handler) throw methodNotFound();
    return handler(params);
  }

  private reply(res: http.ServerResponse, status: number, body: unknown): void {
    if (res.destroyed || res.writableEnded) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

function short(value: unknown): string {
  if (value && typeof value === 'object' && (value as { upload?: unknown }).upload === true) {
    const file = value as { filename: string; bytes: Buffer };
    return `<upload ${file.filename} ${file.bytes.length} bytes>`;
  }
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
