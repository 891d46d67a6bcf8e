import type { DueReminder, ReminderSender } from './types.ts';

export type SendStatus = 'sent' | 'failed' | 'blocked' | 'skipped';

export interface SendResult {
  status: SendStatus;
  error?: string;
  rateLimitedWaits: number;
}

/** What a failed send leaves in the database: the error's name and message, never a token from a URL in it. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/bot\d+:[A-Za-z0-9_-]+/g, 'bot[hidden]');
}

/** One claimed reminder through the sender: a throw is a failed send (a later pass may try again), never lost. */
export async function sendClaimed(sender: ReminderSender, due: DueReminder): Promise<SendResult> {
  try {
    const delivery = await sender.deliver(due);
    if (delivery.kind === 'skipped') return { status: 'skipped', error: delivery.reason, rateLimitedWaits: 0 };
    if (delivery.kind === 'blocked') return { status: 'blocked', error: delivery.reason, rateLimitedWaits: delivery.rateLimitedWaits };
    return { status: 'sent', rateLimitedWaits: delivery.rateLimitedWaits };
  } catch (thrown) {
    return { status: 'failed', error: errorText(thrown), rateLimitedWaits: 0 };
  }
}
