import type { Api } from 'grammy';
import type { Logger } from '../logger.ts';
import { commands } from '../texts/menu.ts';
import { errorFields } from './errors.ts';

// What start() asks Telegram. The calls the bot cannot work without (getMe, setting or deleting the webhook)
// stop the start with a message that names the call and why; the commands menu is cosmetic: a failure is
// logged and tried again later.

/** grammY types its signal with the abort-controller shim's AbortSignal; Node's own is what it is given. */
type ApiSignal = NonNullable<Parameters<Api['getMe']>[0]>;

export const START_CALL_TIMEOUT_MS = 15_000;
const COMMANDS_RETRY_MS = 5 * 60_000;

/** Runs one start-up call with a time-out; a failure becomes an error that says which call and what happened. */
export async function startCall<T>(what: string, call: (signal: ApiSignal) => Promise<T>, timeoutMs = START_CALL_TIMEOUT_MS): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await call(signal as unknown as ApiSignal);
  } catch (error) {
    if (signal.aborted) throw new Error(`Telegram: ${what} got no answer within ${timeoutMs / 1000} s (is TELEGRAM_API_ROOT reachable?)`);
    const fields = errorFields(error);
    const reason =
      fields.code === 401 ? 'the bot token was refused (TELEGRAM_BOT_TOKEN)' : fields.description ?? (fields.kind === 'HttpError' ? 'Telegram is unreachable' : fields.kind);
    throw new Error(`Telegram: ${what} failed: ${reason}`);
  }
}

/** Sets the commands Telegram lists, best-effort: retried every few minutes until it works or `stop` is called. */
export function registerCommands(api: Api, logger: Logger): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async () => {
    try {
      await startCall('setMyCommands', (signal) => api.setMyCommands(commands.map((c) => ({ command: c.command, description: c.description })), {}, signal));
    } catch (error) {
      logger.warn({ reason: (error as Error).message, retryInMs: COMMANDS_RETRY_MS }, 'telegram commands not set; the bot works without them');
      if (!stopped) {
        timer = setTimeout(() => void attempt(), COMMANDS_RETRY_MS);
        timer.unref();
      }
    }
  };
  void attempt();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
