import { ViberStatus, type ViberAccountInfo, type ViberEventType, type ViberOutgoing, type ViberSender, type ViberUserDetails } from './api-types.ts';

/** Viber answered with a non-zero JSON status (HTTP is 200 either way). */
export class ViberApiError extends Error {
  constructor(
    readonly method: string,
    readonly status: number,
    readonly statusMessage: string,
  ) {
    super(`Viber ${method} failed: status ${status} (${statusMessage})`);
    this.name = 'ViberApiError';
  }

  /** The subscriber is gone (5: not a Viber user any more; 6: not subscribed): retrying will not help. */
  get unreachable(): boolean {
    return this.status === ViberStatus.receiverNotRegistered || this.status === ViberStatus.receiverNotSubscribed;
  }
}

/** The request did not get a Viber answer: network down, timeout, HTTP 5xx, after the retries ran out. */
export class ViberTransportError extends Error {
  constructor(
    readonly method: string,
    readonly detail: string,
  ) {
    super(`Viber ${method} did not answer: ${detail}`);
    this.name = 'ViberTransportError';
  }
}

export interface ViberClientOptions {
  authToken: string;
  /** https://chatapi.viber.com/pa, or the fake server in tests. */
  apiUrl: string;
  sender: ViberSender;
  /** Attempts in all for one call (1 = no retry). */
  maxAttempts?: number;
  /** First backoff; doubles each time, with jitter, capped at 5 s. */
  baseDelayMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface ViberClient {
  setWebhook(url: string, eventTypes: ViberEventType[]): Promise<{ eventTypes: string[] }>;
  removeWebhook(): Promise<void>;
  /** The sender (name, avatar) is added here; `receiver` is the subscriber's Viber id. */
  sendMessage(receiver: string, message: ViberOutgoing): Promise<{ messageToken: string }>;
  getAccountInfo(): Promise<ViberAccountInfo>;
  getUserDetails(id: string): Promise<ViberUserDetails>;
}

const RETRIABLE_STATUSES = new Set<number>([ViberStatus.tooManyRequests]);

/**
 * A typed client on Viber's REST API. Not the `viber-bot` SDK: it hard-codes Viber's address (no fake server in
 * tests), has no types, and its webhook side leaves badly signed requests hanging.
 */
export function createViberClient(options: ViberClientOptions): ViberClient {
  const base = options.apiUrl.replace(/\/+$/, '');
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const baseDelayMs = options.baseDelayMs ?? 300;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;

  async function call<T extends { status: number; status_message?: string }>(method: string, body: unknown): Promise<T> {
    const payload = JSON.stringify(body);
    let lastProblem = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (attempt > 1) await sleep(backoff(attempt - 1, baseDelayMs));
      let response: Response;
      try {
        response = await doFetch(`${base}/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Viber-Auth-Token': options.authToken },
          body: payload,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        lastProblem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        continue;
      }
      if (response.status >= 500 || response.status === 429) {
        await response.body?.cancel().catch(() => undefined);
        lastProblem = `HTTP ${response.status}`;
        continue;
      }
      const text = await response.text();
      let json: T;
      try {
        // message_token is a 64-bit integer: keep its digits by quoting it before JSON.parse rounds it.
        json = JSON.parse(text.replace(/"message_token"\s*:\s*(\d+)/g, '"message_token":"$1"')) as T;
      } catch {
        throw new ViberTransportError(method, `HTTP ${response.status}, not JSON`);
      }
      if (typeof json.status !== 'number') throw new ViberTransportError(method, `HTTP ${response.status}, no status`);
      if (json.status === ViberStatus.ok) return json;
      if (RETRIABLE_STATUSES.has(json.status) && attempt < maxAttempts) {
        lastProblem = `status ${json.status}`;
        continue;
      }
      throw new ViberApiError(method, json.status, json.status_message ?? '');
    }
    // Too many requests to the very end is still Viber's own answer: the caller sees status 12.
    if (lastProblem === `status ${ViberStatus.tooManyRequests}`) throw new ViberApiError(method, ViberStatus.tooManyRequests, 'tooManyRequests');
    throw new ViberTransportError(method, `${lastProblem} after ${maxAttempts} attempts`);
  }

  return {
    async setWebhook(url, eventTypes) {
      const answer = await call<{ status: number; event_types?: string[] }>('set_webhook', {
        url,
        event_types: eventTypes,
        send_name: true,
        send_photo: false,
      });
      return { eventTypes: answer.event_types ?? [] };
    },
    async removeWebhook() {
      await call('set_webhook', { url: '' });
    },
    async sendMessage(receiver, message) {
      const answer = await call<{ status: number; message_token?: string | number }>('send_message', {
        receiver,
        sender: options.sender,
        ...message,
      });
      return { messageToken: String(answer.message_token ?? '') };
    },
    async getAccountInfo() {
      return call<{ status: number } & ViberAccountInfo>('get_account_info', {});
    },
    async getUserDetails(id) {
      const answer = await call<{ status: number; user: ViberUserDetails }>('get_user_details', { id });
      return answer.user;
    },
  };
}

function backoff(retry: number, baseMs: number): number {
  const exponential = Math.min(5_000, baseMs * 2 ** (retry - 1));
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
