/**
 * A fake Viber REST Bot API over real HTTP, and the subscribers who talk to the bot through it.
 *
 * API side (point the bot's VIBER_API_URL at `viber.apiUrl`): set_webhook (records the URL and, like Viber,
 * calls the webhook once with a signed `webhook` event before answering), send_message (records, returns a
 * 64-bit message_token as a bare JSON number like Viber does; status 6 for users marked unsubscribed),
 * get_account_info, get_user_details. A wrong X-Viber-Auth-Token gets status 2. Like Viber, send_message refuses with
 * status 3 (badData) a text over 7,000 characters, a keyboard over 24 buttons, a button Text over 250, a reply
 * button without ActionBody, and any string with a lone surrogate (see messageRefusal). A picture or file message
 * is fetched from its `media` URL as Viber does, and refused when it cannot be fetched or breaks Viber's limits
 * (a picture: JPEG/PNG/GIF, at most 1 MB, a `text`; a file: `size` and `file_name`, at most 50 MB and 256 characters);
 * the fetched copy is kept (SentMessage.copy) so the playground shows it. Faults: `failNext({ status: 12 })`
 * or `failNext({ http: 503 })`, optionally for one method and several times.
 *
 * Payments (Viber's Bot Payment API): send_message of type `payment` is refused as Viber refuses it (paymentRefusal;
 * status 22 when the bot has no payments, `payments: false`), and `user.pay({ decline? })` plays the checkout: the
 * client_status callback, then the payment service provider handed the message's signed data.
 *
 * Subscriber side: `viber.user({ id, name })` posts correctly signed callbacks to the registered webhook:
 * sendText, pressButton (a text message whose text is the ActionBody, as Viber sends; the button must be on the
 * last keyboard the bot sent), sharePhone (a contact message; needs a share-phone button on that keyboard),
 * sendPicture/Sticker/Location/File/Video/Url, conversationStarted (returns the welcome message the bot answered
 * with, also recorded as sent with via 'welcome'), subscribe, unsubscribe, resend(token) for a redelivery.
 * `postRaw(body, { signature })` sends anything with any (or no) signature.
 *
 * Reading: `sent(userId)`, `waitForSent(userId, predicate, { since })`, `calls`, `webhookUrl`; `transcript(userId)`:
 * both sides of the chat in order (what the user sent and what the bot sent), as the playground page draws it;
 * `lastKeyboard(userId)`: the keyboard the user has in front of them.
 *
 * Media: `addMedia(bytes)` keeps a picture and returns its URL on this server (GET /media/:name serves it), as
 * Viber's media URLs point at its own storage; `media(url)` gives the bytes back. Pass the URL to sendPicture.
 *
 * Used by the tests (through tests/support/fake-viber) and by the local playground as its stand-in of Viber.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeKeyboardButton {
  ActionType: string;
  ActionBody: string;
  Text?: string;
  Columns?: number;
  Rows?: number;
  TextSize?: string;
  Silent?: boolean;
}

export interface SentMessage {
  receiver: string;
  type: string;
  text?: string;
  media?: string;
  keyboard?: { Type: string; Buttons: FakeKeyboardButton[] };
  min_api_version?: number;
  sender?: { name: string; avatar?: string };
  tracking_data?: string;
  /** A payment message's payment object (Viber's Bot Payment API). */
  payment?: { type: string; description?: string; total_price: number; currency_code: string; payment_parameters: { key: string; value: string }[] };
  messageToken: string;
  /** 'welcome': the bot's HTTP answer to conversation_started, which Viber shows as the welcome message. */
  via: 'api' | 'welcome';
  /** A file message's size in bytes and name, as the bot gave them. */
  size?: number;
  file_name?: string;
  /** A picture's or file's copy on this server, fetched from `media` when it was sent (media() gives its bytes). */
  copy?: string;
}

export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  /** The JSON status answered (or the HTTP status for an injected HTTP fault). */
  answered: { status: number } | { http: number };
}

/** One line of a user's chat with the bot, in the order it happened. */
export type TranscriptEntry =
  | { seq: number; at: number; direction: 'out'; message: SentMessage }
  | {
      seq: number;
      at: number;
      direction: 'in';
      /** The `message` object of the callback (type, text, contact, media…), or a bare event like conversation_started. */
      message: Record<string, unknown> & { type: string };
      /** A press of a button marked Silent: Viber does not show it in the chat. */
      silent?: boolean;
    };

export interface StoredMedia {
  bytes: Buffer;
  contentType: string;
}

export type Fault = { status: number; statusMessage?: string } | { http: number };

export interface Posted {
  /** HTTP status the bot's webhook answered. */
  status: number;
  /** The answer's body, parsed when it is JSON. */
  body: unknown;
  /** The callback's message_token (digits). */
  token: string;
  /** How many messages the user had been sent before this callback: pass as `since` to waitForSent. */
  since: number;
}

export interface FakeViberUser {
  readonly id: string;
  readonly name: string;
  /** The token of the last callback this user posted. */
  readonly lastToken: string | undefined;
  sendText(text: string): Promise<Posted>;
  pressButton(actionBody: string): Promise<Posted>;
  sharePhone(phone: string | null): Promise<Posted>;
  /** `text` is the picture's description (Viber's caption). */
  sendPicture(media?: string, text?: string): Promise<Posted>;
  sendSticker(stickerId?: number): Promise<Posted>;
  sendLocation(lat?: number, lon?: number): Promise<Posted>;
  sendFile(fileName?: string): Promise<Posted>;
  sendVideo(): Promise<Posted>;
  sendUrl(url?: string): Promise<Posted>;
  conversationStarted(options?: { subscribed?: boolean }): Promise<Posted>;
  subscribe(): Promise<Posted>;
  unsubscribe(): Promise<Posted>;
  /** Posts the very same message callback again (same token, same body), as Viber does when unsure. */
  resend(token?: string): Promise<Posted>;
  /**
   * Pays the last payment message the bot sent this user, as the checkout does: Viber's client_status callback
   * (code 0; 1 when the user declines), then, unless declined, the payment service provider is handed the
   * message's `data` and `signature` at its `url` with the wallet's token. A payment message older than 15 minutes
   * has expired (Viber's checkout button does) and nothing is posted.
   */
  pay(options?: { decline?: boolean }): Promise<{ outcome: 'expired' } | { outcome: 'declined' | 'paid'; status: Posted; psp?: { status: number; body: unknown } }>;
  /** Posts a client_status callback again under its token (a redelivery). */
  resendStatus(token: string): Promise<Posted>;
}

export interface FakeViber {
  readonly apiUrl: string;
  readonly authToken: string;
  readonly webhookUrl: string | null;
  /** Where addMedia's URLs start: `${mediaBase}${name}`. */
  readonly mediaBase: string;
  readonly calls: RecordedCall[];
  /** `apiVersion` (default 10) and `os` (default Android 14) are what get_user_details tells of the user's app. */
  user(who: { id: string; name?: string; apiVersion?: number; os?: string }): FakeViberUser;
  sent(userId: string): SentMessage[];
  /** Both sides of the user's chat, oldest first. */
  transcript(userId: string): TranscriptEntry[];
  /** The buttons of the last keyboard the bot sent the user (what pressButton and sharePhone check against). */
  lastKeyboard(userId: string): FakeKeyboardButton[];
  /** Keeps a picture and returns its URL on this server. */
  addMedia(bytes: Buffer, contentType?: string): string;
  /** The bytes behind a URL addMedia returned; undefined for any other URL. */
  media(url: string): StoredMedia | undefined;
  waitForSent(userId: string, predicate?: (m: SentMessage) => boolean, options?: { since?: number; timeoutMs?: number }): Promise<SentMessage>;
  /** Waits until `count` messages in all were sent to the user (since `since`), and returns them. */
  waitForCount(userId: string, count: number, options?: { since?: number; timeoutMs?: number }): Promise<SentMessage[]>;
  failNext(fault: Fault, options?: { method?: string; times?: number }): void;
  markUnsubscribed(userId: string): void;
  postRaw(body: string | object, options: { signature?: string | null }): Promise<{ status: number; body: string; ms: number }>;
  close(): Promise<void>;
}

const MEDIA_PATH = '/media/';

type NewEntry = TranscriptEntry extends infer E ? (E extends TranscriptEntry ? Omit<E, 'seq' | 'at'> : never) : never;

export async function startFakeViber(options: {
  authToken: string;
  botName?: string;
  /**
   * Where message tokens start. A bot de-duplicates callbacks by their token in its database, so a stand-in
   * started again over the same database must not hand out the tokens of the run before.
   */
  firstToken?: bigint;
  /** The loopback port to listen on (the playground's PLAYGROUND_VIBER_PORT); 0 or omitted: a free one. */
  port?: number;
  /** Whether the bot may send payment messages (Viber enables them per bot on the PSP's request); status 22 when not. */
  payments?: boolean;
}): Promise<FakeViber> {
  const { authToken } = options;
  const calls: RecordedCall[] = [];
  const sentTo = new Map<string, SentMessage[]>();
  const unsubscribed = new Set<string>();
  const users = new Map<string, { id: string; name: string; apiVersion: number; os: string }>();
  const faults: Array<{ fault: Fault; method: string | undefined; left: number }> = [];
  const callbacksByToken = new Map<string, string>();
  const transcripts = new Map<string, TranscriptEntry[]>();
  const mediaStore = new Map<string, StoredMedia>();
  let seq = 0;
  let mediaCounter = 0;
  let webhookUrl: string | null = null;
  let eventTypes: string[] = [];
  // Viber's tokens are 64-bit: past Number.MAX_SAFE_INTEGER on purpose, so rounding would be caught.
  let nextToken = options.firstToken ?? 5_491_234_567_890_123_456n;
  const newToken = () => (nextToken += 1n).toString();

  const note = (userId: string, entry: NewEntry) => {
    const list = transcripts.get(userId) ?? [];
    list.push({ ...entry, seq: (seq += 1), at: Date.now() });
    transcripts.set(userId, list);
  };

  const record = (userId: string, message: SentMessage) => {
    const list = sentTo.get(userId) ?? [];
    list.push(message);
    sentTo.set(userId, list);
    note(userId, { direction: 'out', message });
  };

  /** JSON with the message_token as a bare number, as Viber writes it. */
  const withBareToken = (value: object) => JSON.stringify(value).replace(/"message_token":"(\d+)"/, '"message_token":$1');

  async function postToWebhook(raw: string, signature: string | null): Promise<{ status: number; body: string; ms: number }> {
    if (!webhookUrl) throw new Error('fake viber: no webhook set (the bot has not called set_webhook)');
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (signature !== null) headers['X-Viber-Content-Signature'] = signature;
    const started = performance.now();
    const response = await fetch(webhookUrl, { method: 'POST', headers, body: raw });
    const body = await response.text();
    return { status: response.status, body, ms: performance.now() - started };
  }

  const sign = (raw: string) => createHmac('sha256', authToken).update(raw).digest('hex');

  async function callback(userId: string, event: Record<string, unknown>): Promise<Posted> {
    const token = typeof event.message_token === 'string' ? event.message_token : newToken();
    const raw = withBareToken({ ...event, message_token: token });
    if (event.event === 'message') callbacksByToken.set(token, raw);
    const since = sentTo.get(userId)?.length ?? 0;
    const answer = await postToWebhook(raw, sign(raw));
    let body: unknown = answer.body;
    try {
      body = JSON.parse(answer.body);
    } catch {
      // not JSON: kept as text
    }
    return { status: answer.status, body, token, since };
  }

  function takeFault(method: string): Fault | null {
    const index = faults.findIndex((f) => f.method === undefined || f.method === method);
    if (index < 0) return null;
    const entry = faults[index]!;
    entry.left -= 1;
    if (entry.left <= 0) faults.splice(index, 1);
    return entry.fault;
  }

  async function api(method: string, body: Record<string, unknown>): Promise<{ http: number; json?: string }> {
    const fault = takeFault(method);
    if (fault && 'http' in fault) {
      calls.push({ method, body, answered: { http: fault.http } });
      return { http: fault.http, json: JSON.stringify({ error: 'injected' }) };
    }
    const answer = (status: number, extra: Record<string, unknown> = {}, statusMessage = status === 0 ? 'ok' : 'error') => {
      calls.push({ method, body, answered: { status } });
      return { http: 200, json: withBareToken({ status, status_message: statusMessage, ...extra }) };
    };
    if (fault) return answer(fault.status, {}, fault.statusMessage ?? 'injected');

    switch (method) {
      case 'set_webhook': {
        const url = typeof body.url === 'string' ? body.url : '';
        if (url === '') {
          webhookUrl = null;
          return answer(0);
        }
        webhookUrl = url;
        eventTypes = Array.isArray(body.event_types) ? (body.event_types as string[]) : [];
        // Like Viber: the webhook must answer a signed 'webhook' event before set_webhook succeeds.
        const raw = withBareToken({ event: 'webhook', timestamp: Date.now(), chat_hostname: 'SN-FAKE', message_token: newToken() });
        const check = await postToWebhook(raw, sign(raw)).catch(() => ({ status: 0 }));
        if (check.status !== 200) {
          webhookUrl = null;
          return answer(1, {}, 'invalidUrl');
        }
        return answer(0, { event_types: eventTypes });
      }
      case 'send_message': {
        const receiver = typeof body.receiver === 'string' ? body.receiver : '';
        if (!receiver || typeof body.type !== 'string') return answer(4, {}, 'missingData');
        const refusal = messageRefusal(body);
        if (refusal) return answer(refusal.startsWith('missingData') ? 4 : 3, {}, refusal);
        if (body.type === 'payment') {
          if (options.payments === false) return answer(22, {}, 'paymentUnsupported');
          const paymentProblem = paymentRefusal(body, users.get(receiver)?.apiVersion ?? 10);
          if (paymentProblem) return answer(paymentProblem.status, {}, paymentProblem.message);
        }
        if (unsubscribed.has(receiver)) return answer(6, {}, 'receiverNotSubscribed');
        // Like Viber, a picture or a file is fetched from its URL; a copy is kept, as Viber keeps one.
        let copy: string | undefined;
        if (body.type === 'picture' || body.type === 'file') {
          const fetched = await fetchMedia(String(body.media));
          const mediaRefusal = typeof fetched === 'string' ? fetched : fetchedMediaRefusal(body, fetched);
          if (mediaRefusal) return answer(3, {}, mediaRefusal);
          copy = storeMedia((fetched as StoredMedia).bytes, (fetched as StoredMedia).contentType);
        }
        const messageToken = newToken();
        record(receiver, { ...(body as unknown as Omit<SentMessage, 'messageToken' | 'via'>), receiver, messageToken, via: 'api', ...(copy ? { copy } : {}) });
        return answer(0, { message_token: messageToken, chat_hostname: 'SN-FAKE' });
      }
      case 'get_account_info':
        return answer(0, {
          id: 'pa:fake',
          name: options.botName ?? 'Водоканал',
          uri: 'vodokanal',
          webhook: webhookUrl ?? '',
          event_types: eventTypes,
          subscribers_count: users.size - unsubscribed.size,
        });
      case 'get_user_details': {
        const user = users.get(String(body.id));
        if (!user) return answer(5, {}, 'receiverNotRegistered');
        return answer(0, { user: { id: user.id, name: user.name, language: 'uk', country: 'UA', primary_device_os: user.os, api_version: user.apiVersion } });
      }
      default:
        return answer(3, {}, 'badData');
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const path = (req.url ?? '').replace(/\?.*$/, '');
      if (req.method === 'GET' && path.startsWith(MEDIA_PATH)) {
        const stored = mediaStore.get(decodeURIComponent(path.slice(MEDIA_PATH.length)));
        if (!stored) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': stored.contentType, 'Content-Length': stored.bytes.length, 'Cache-Control': 'private, max-age=3600' }).end(stored.bytes);
        return;
      }
      const method = path.replace(/^\/pa\//, '');
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      if (req.headers['x-viber-auth-token'] !== authToken) {
        calls.push({ method, body: {}, answered: { status: 2 } });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 2, status_message: 'invalidAuthToken' }));
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 3, status_message: 'badData' }));
        return;
      }
      const result = await api(method, body);
      res.writeHead(result.http, { 'Content-Type': 'application/json' }).end(result.json ?? '');
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const mediaBase = `http://127.0.0.1:${port}${MEDIA_PATH}`;

  function lastKeyboard(userId: string): FakeKeyboardButton[] {
    const list = sentTo.get(userId) ?? [];
    for (let i = list.length - 1; i >= 0; i -= 1) {
      const keyboard = list[i]!.keyboard;
      if (keyboard) return keyboard.Buttons;
    }
    return [];
  }

  async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`fake viber: timed out waiting for ${what()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  function storeMedia(bytes: Buffer, contentType: string): string {
    const extension = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'application/pdf': 'pdf' }[contentType] ?? 'bin';
    const name = `${(mediaCounter += 1)}-${randomBytes(6).toString('hex')}.${extension}`;
    mediaStore.set(name, { bytes, contentType });
    return `${mediaBase}${name}`;
  }

  function mediaAt(url: string): StoredMedia | undefined {
    return url.startsWith(mediaBase) ? mediaStore.get(url.slice(mediaBase.length)) : undefined;
  }

  const fake: FakeViber = {
    apiUrl: `http://127.0.0.1:${port}/pa`,
    authToken,
    mediaBase,
    get webhookUrl() {
      return webhookUrl;
    },
    calls,
    user(who) {
      const profile = { id: who.id, name: who.name ?? 'Оксана', apiVersion: who.apiVersion ?? 10, os: who.os ?? 'Android 14' };
      users.set(profile.id, profile);
      let lastToken: string | undefined;
      const senderObject = () => ({ id: profile.id, name: profile.name, language: 'uk', country: 'UA', api_version: profile.apiVersion });
      const statusCallbacks = new Map<string, Record<string, unknown>>();
      const message = async (body: Record<string, unknown> & { type: string }, silent = false) => {
        // Writing to a bot subscribes you again.
        unsubscribed.delete(profile.id);
        note(profile.id, { direction: 'in', message: body, ...(silent ? { silent: true } : {}) });
        const posted = await callback(profile.id, { event: 'message', timestamp: Date.now(), sender: senderObject(), message: body, silent: false });
        lastToken = posted.token;
        return posted;
      };
      return {
        id: profile.id,
        name: profile.name,
        get lastToken() {
          return lastToken;
        },
        sendText: (text) => message({ type: 'text', text }),
        async pressButton(actionBody) {
          const button = lastKeyboard(profile.id).find((b) => b.ActionType === 'reply' && b.ActionBody === actionBody);
          if (!button) {
            const shown = lastKeyboard(profile.id).map((b) => b.ActionBody);
            throw new Error(`fake viber: no button "${actionBody}" on the last keyboard sent to ${profile.id} (shown: ${JSON.stringify(shown)})`);
          }
          return message({ type: 'text', text: actionBody }, button.Silent === true);
        },
        async sharePhone(phone) {
          if (!lastKeyboard(profile.id).some((b) => b.ActionType === 'share-phone')) {
            throw new Error(`fake viber: no share-phone button on the last keyboard sent to ${profile.id}`);
          }
          return message({ type: 'contact', contact: { name: profile.name, ...(phone === null ? {} : { phone_number: phone }) } });
        },
        sendPicture: (media = 'https://dl-media.viber.com/fake/photo.jpg', text = '') =>
          message({ type: 'picture', text, media, thumbnail: media, file_name: 'photo.jpg', size: mediaAt(media)?.bytes.length ?? 51_234 }),
        sendSticker: (stickerId = 40_100) => message({ type: 'sticker', sticker_id: stickerId, media: 'https://viber.com/fake/sticker.png' }),
        sendLocation: (lat = 48.5079, lon = 34.6132) => message({ type: 'location', location: { lat, lon } }),
        sendFile: (fileName = 'квитанція.pdf') =>
          message({ type: 'file', media: 'https://dl-media.viber.com/fake/file', file_name: fileName, size: 120_000 }),
        sendVideo: () => message({ type: 'video', media: 'https://dl-media.viber.com/fake/video.mp4', size: 2_000_000, duration: 12 }),
        sendUrl: (url = 'https://example.com/') => message({ type: 'url', media: url }),
        async conversationStarted(startOptions = {}) {
          note(profile.id, { direction: 'in', message: { type: 'conversation_started' } });
          const posted = await callback(profile.id, {
            event: 'conversation_started',
            timestamp: Date.now(),
            type: 'open',
            user: senderObject(),
            subscribed: startOptions.subscribed ?? false,
          });
          if (posted.status === 200 && posted.body && typeof posted.body === 'object' && 'type' in posted.body) {
            record(profile.id, { ...(posted.body as Omit<SentMessage, 'messageToken' | 'via'>), receiver: profile.id, messageToken: newToken(), via: 'welcome' });
          }
          return posted;
        },
        async subscribe() {
          unsubscribed.delete(profile.id);
          return callback(profile.id, { event: 'subscribed', timestamp: Date.now(), user: senderObject() });
        },
        async unsubscribe() {
          unsubscribed.add(profile.id);
          return callback(profile.id, { event: 'unsubscribed', timestamp: Date.now(), user_id: profile.id });
        },
        async pay(payOptions = {}) {
          const entry = (transcripts.get(profile.id) ?? []).findLast((e) => e.direction === 'out' && e.message.type === 'payment');
          if (!entry || entry.direction !== 'out' || !entry.message.payment) throw new Error(`fake viber: no payment message was sent to ${profile.id}`);
          if (Date.now() - entry.at > PAYMENT_BUTTON_LIFETIME_MS) return { outcome: 'expired' as const };
          const event = {
            event: 'client_status',
            timestamp: Date.now(),
            message_token: newToken(),
            chat_hostname: 'SN-FAKE',
            user: senderObject(),
            status: { type: 'payment', code: payOptions.decline ? 1 : 0, supported_psps: ['IPay.ua', 'LiqPay', 'Portmone'], tracking_data: entry.message.tracking_data ?? '' },
          };
          statusCallbacks.set(event.message_token, event);
          const status = await callback(profile.id, event);
          if (payOptions.decline) return { outcome: 'declined' as const, status };
          const parameter = (key: string) => entry.message.payment!.payment_parameters.find((p) => p.key === key)?.value;
          const response = await fetch(parameter('url') ?? '', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ data: parameter('data'), signature: parameter('signature'), token: `wallet-token-${randomBytes(6).toString('hex')}` }),
          });
          const text = await response.text();
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          return { outcome: 'paid' as const, status, psp: { status: response.status, body } };
        },
        async resendStatus(token) {
          const event = statusCallbacks.get(token);
          if (!event) throw new Error(`fake viber: no client_status callback with token ${token} to resend`);
          return callback(profile.id, event);
        },
        async resend(token = lastToken) {
          const raw = token ? callbacksByToken.get(token) : undefined;
          if (!raw || !token) throw new Error(`fake viber: no message callback with token ${token} to resend`);
          const since = sentTo.get(profile.id)?.length ?? 0;
          const answer = await postToWebhook(raw, sign(raw));
          return { status: answer.status, body: answer.body, token, since };
        },
      };
    },
    sent: (userId) => [...(sentTo.get(userId) ?? [])],
    transcript: (userId) => [...(transcripts.get(userId) ?? [])],
    lastKeyboard,
    addMedia: (bytes, contentType = 'image/jpeg') => storeMedia(bytes, contentType),
    media: mediaAt,
    waitForSent(userId, predicate = () => true, waitOptions = {}) {
      const since = waitOptions.since ?? 0;
      return waitFor(
        () => (sentTo.get(userId) ?? []).slice(since).find(predicate),
        waitOptions.timeoutMs ?? 5_000,
        () => `a message to ${userId} (sent so far: ${JSON.stringify((sentTo.get(userId) ?? []).slice(since).map((m) => m.text ?? m.type))})`,
      );
    },
    waitForCount(userId, count, waitOptions = {}) {
      const since = waitOptions.since ?? 0;
      return waitFor(
        () => {
          const list = (sentTo.get(userId) ?? []).slice(since);
          return list.length >= count ? list : undefined;
        },
        waitOptions.timeoutMs ?? 5_000,
        () => `${count} messages to ${userId}`,
      );
    },
    failNext(fault, failOptions = {}) {
      faults.push({ fault, method: failOptions.method, left: failOptions.times ?? 1 });
    },
    markUnsubscribed(userId) {
      unsubscribed.add(userId);
    },
    postRaw(body, postOptions) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const signature = postOptions.signature === undefined ? sign(raw) : postOptions.signature;
      return postToWebhook(raw, signature);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

// What Viber's REST API refuses in a message, answered as it answers a malformed request: HTTP 200 with status 3
// (badData) in the JSON body (https://creators.viber.com/docs/bots-api/errors). The numbers:
// - text up to 7,000 characters, a picture's description up to 512 (developers.viber.com/docs/api/rest-bot-api,
//   send_message: "text … Max length 7,000 characters"; picture "text … Max 512 characters");
// - a keyboard of at most 24 buttons (a reply keyboard holds 24; rich-media messages fewer), each button's Text up to
//   250 characters (developers.viber.com/docs/tools/keyboards: "Text … Max 250 characters"), its ActionBody required;
//   Viber gives no maximum for ActionBody, and a reply button's ActionBody comes back as the user's text message,
//   so the fake holds it to a text message's 7,000.
// - strings that are not valid Unicode (a lone surrogate in the JSON) are bad data as well.
export const viberLimits = {
  textMax: 7000,
  pictureTextMax: 512,
  keyboardButtonsMax: 24,
  buttonTextMax: 250,
  actionBodyMax: 7000,
} as const;

/** Why Viber would refuse the message (its status_message), or null when it takes it. */
export function messageRefusal(body: Record<string, unknown>): string | null {
  if (!allWellFormed(body)) return 'badData: strings must be valid Unicode';
  const media = mediaFieldsRefusal(body);
  if (media) return media;
  const text = typeof body.text === 'string' ? body.text : undefined;
  if (body.type === 'text') {
    if (text === undefined || text.length === 0) return 'badData: text is empty';
    if (text.length > viberLimits.textMax) return `badData: text is longer than ${viberLimits.textMax} characters`;
  }
  if (body.type === 'picture' && text !== undefined && text.length > viberLimits.pictureTextMax) {
    return `badData: picture text is longer than ${viberLimits.pictureTextMax} characters`;
  }
  const keyboard = body.keyboard as { Buttons?: unknown } | undefined;
  if (keyboard !== undefined) {
    if (!Array.isArray(keyboard.Buttons) || keyboard.Buttons.length === 0) return 'badData: keyboard has no Buttons';
    if (keyboard.Buttons.length > viberLimits.keyboardButtonsMax) return `badData: keyboard has more than ${viberLimits.keyboardButtonsMax} buttons`;
    for (const button of keyboard.Buttons as Record<string, unknown>[]) {
      if (typeof button.Text === 'string' && button.Text.length > viberLimits.buttonTextMax) {
        return `badData: button Text is longer than ${viberLimits.buttonTextMax} characters`;
      }
      const needsBody = button.ActionType === undefined || button.ActionType === 'reply' || button.ActionType === 'open-url';
      if (needsBody && (typeof button.ActionBody !== 'string' || button.ActionBody === '')) return 'badData: button ActionBody is missing';
      if (typeof button.ActionBody === 'string' && button.ActionBody.length > viberLimits.actionBodyMax) {
        return `badData: button ActionBody is longer than ${viberLimits.actionBodyMax} characters`;
      }
    }
  }
  return null;
}

/** Viber's checkout button of a payment message lasts 15 minutes (creators.viber.com, send-payment-request). */
export const PAYMENT_BUTTON_LIFETIME_MS = 15 * 60_000;

/**
 * Why Viber would refuse a payment message (creators.viber.com/docs/bots-api/resources/pay): payment messages need
 * min_api_version 10 (14 incompatibleWithVersion below it; 13 apiVersionNotSupported for an older app), a payment
 * object (4 missingData) whose type is GooglePay or ApplePay, whose total_price is a positive number and whose
 * currency_code is ISO 4217 (3 badData), and payment_parameters as key/value pairs naming the gateway; for LiqPay
 * the ones its setup table lists (4 missingData when one is missing).
 */
export function paymentRefusal(body: Record<string, unknown>, receiverApiVersion: number): { status: number; message: string } | null {
  const minApi = body.min_api_version;
  if (typeof minApi !== 'number' || minApi < 10) return { status: 14, message: 'incompatibleWithVersion: payment messages need min_api_version 10' };
  if (receiverApiVersion < minApi) return { status: 13, message: 'apiVersionNotSupported' };
  const payment = body.payment as Record<string, unknown> | undefined;
  if (!payment || typeof payment !== 'object') return { status: 4, message: 'missingData: payment' };
  if (payment.type !== 'GooglePay' && payment.type !== 'ApplePay') return { status: 3, message: 'badData: payment.type must be GooglePay or ApplePay' };
  if (typeof payment.total_price !== 'number' || !Number.isFinite(payment.total_price) || payment.total_price <= 0) {
    return { status: 3, message: 'badData: payment.total_price' };
  }
  if (typeof payment.currency_code !== 'string' || !/^[A-Z]{3}$/.test(payment.currency_code)) return { status: 3, message: 'badData: payment.currency_code' };
  const parameters = payment.payment_parameters;
  if (!Array.isArray(parameters) || parameters.length === 0) return { status: 4, message: 'missingData: payment.payment_parameters' };
  if (!parameters.every((p: { key?: unknown; value?: unknown }) => typeof p?.key === 'string' && typeof p?.value === 'string')) {
    return { status: 3, message: 'badData: payment_parameters are key/value strings' };
  }
  const keys = new Set((parameters as { key: string }[]).map((p) => p.key));
  const gateway = (parameters as { key: string; value: string }[]).find((p) => p.key === 'gateway')?.value;
  if (!gateway) return { status: 4, message: 'missingData: gateway' };
  if (gateway === 'liqpay') {
    for (const key of ['gatewayMerchantId', 'url', 'data', 'signature', 'payeeId']) if (!keys.has(key)) return { status: 4, message: `missingData: ${key}` };
  }
  return null;
}

/**
 * What Viber requires of media messages (send_message; the sizes as Infobip's Viber bot docs list them): a
 * picture's `media` URL, a JPEG, PNG or GIF of at most 1 MB; a file's `media` URL, `size` in bytes (at most
 * 50 MB) and `file_name` (at most 256 characters). A missing field is missingData, a wrong one badData.
 */
export const viberMediaLimits = { pictureMaxBytes: 1024 * 1024, fileMaxBytes: 50 * 1024 * 1024, fileNameMax: 256, pictureTypes: ['image/jpeg', 'image/png', 'image/gif'] } as const;

function mediaFieldsRefusal(body: Record<string, unknown>): string | null {
  if (body.type !== 'picture' && body.type !== 'file') return null;
  if (typeof body.media !== 'string' || body.media === '') return 'missingData: media is missing';
  if (body.type === 'picture' && typeof body.text !== 'string') return 'missingData: picture text is missing (an empty string when there is none)';
  let url: URL;
  try {
    url = new URL(body.media);
  } catch {
    return 'badData: media is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'badData: media is not an http(s) URL';
  if (body.type === 'file') {
    if (body.size === undefined) return 'missingData: size is missing';
    if (typeof body.size !== 'number' || !Number.isInteger(body.size) || body.size <= 0) return 'badData: size is not a positive number of bytes';
    if (body.size > viberMediaLimits.fileMaxBytes) return `badData: file is larger than ${viberMediaLimits.fileMaxBytes} bytes`;
    if (typeof body.file_name !== 'string' || body.file_name === '') return 'missingData: file_name is missing';
    if (body.file_name.length > viberMediaLimits.fileNameMax) return `badData: file_name is longer than ${viberMediaLimits.fileNameMax} characters`;
  }
  return null;
}

/** What the fetched bytes break of the limits: a picture too large or not an image, a file larger than its `size` says. */
function fetchedMediaRefusal(body: Record<string, unknown>, media: StoredMedia): string | null {
  if (body.type === 'picture') {
    if (!(viberMediaLimits.pictureTypes as readonly string[]).includes(media.contentType)) return `badData: picture is ${media.contentType}, not JPEG, PNG or GIF`;
    if (media.bytes.length > viberMediaLimits.pictureMaxBytes) return `badData: picture is larger than ${viberMediaLimits.pictureMaxBytes} bytes`;
  }
  if (body.type === 'file' && media.bytes.length !== body.size) return `badData: file is ${media.bytes.length} bytes, size says ${String(body.size)}`;
  return null;
}

/** The media at a URL, as Viber's servers would fetch it; a reason when they could not. */
async function fetchMedia(url: string): Promise<StoredMedia | string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return `badData: media could not be fetched (HTTP ${response.status})`;
    const contentType = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
    return { bytes: Buffer.from(await response.arrayBuffer()), contentType };
  } catch {
    return 'badData: media could not be fetched';
  }
}

function allWellFormed(value: unknown): boolean {
  if (typeof value === 'string') return value.isWellFormed();
  if (Array.isArray(value)) return value.every(allWellFormed);
  if (value && typeof value === 'object') return Object.entries(value).every(([key, item]) => key.isWellFormed() && allWellFormed(item));
  return true;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
