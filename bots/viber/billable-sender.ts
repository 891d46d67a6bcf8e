import { QueryTypes } from 'sequelize';
import { localDate } from '../../core/calendar.ts';
import type { CoreDeps } from '../../core/accounts/types.ts';
import type { Logger } from '../logger.ts';
import type { ViberOutgoing } from './api-types.ts';
import type { ViberClient } from './client.ts';

/** Viber bills a message the bot starts when the subscriber has not written within this long. */
export const FREE_WINDOW_MS = 24 * 3_600_000;

export interface StartedDelivery {
  messageTokens: string[];
  /** Whether Viber bills these messages (sent outside the subscriber's 24-hour window). */
  billable: boolean;
}

/**
 * The one way out for every message the bot starts on its own (reminders, staff answers, notices). Answers to
 * a subscriber's own message do not come here: they are inside the window and free. Each message sent is
 * counted per local day as billable or free, so the operator can see what Viber will charge for.
 */
export interface BillableSender {
  send(viberUserId: string, messages: ViberOutgoing[]): Promise<StartedDelivery>;
  /** Whether a message started now would be billed. */
  isBillable(viberUserId: string): Promise<boolean>;
}

export function createBillableSender(deps: { client: ViberClient; core: CoreDeps; logger: Logger }): BillableSender {
  const { client, core, logger } = deps;

  async function isBillable(viberUserId: string): Promise<boolean> {
    const [row] = await core.db.sequelize.query<{ last_inbound_at: Date | null }>(
      `SELECT last_inbound_at FROM subscribers WHERE channel = 'viber' AND channel_user_id = :viberUserId`,
      { replacements: { viberUserId }, type: QueryTypes.SELECT },
    );
    const last = row?.last_inbound_at ? new Date(row.last_inbound_at).getTime() : null;
    return last === null || core.clock.now().getTime() - last >= FREE_WINDOW_MS;
  }

  async function count(billable: boolean, messages: number): Promise<void> {
    const day = localDate(core.clock.now(), core.settings.timeZone);
    await core.db.sequelize.query(
      `INSERT INTO viber_started_messages (day, billable, free) VALUES (:day, :billable, :free)
       ON CONFLICT (day) DO UPDATE SET billable = viber_started_messages.billable + EXCLUDED.billable,
                                       free = viber_started_messages.free + EXCLUDED.free`,
      { replacements: { day, billable: billable ? messages : 0, free: billable ? 0 : messages } },
    );
  }

  return {
    isBillable,
    async send(viberUserId, messages) {
      const billable = await isBillable(viberUserId);
      const messageTokens: string[] = [];
      try {
        for (const message of messages) {
          messageTokens.push((await client.sendMessage(viberUserId, message)).messageToken);
        }
      } finally {
        // Counted even when a later part failed: Viber bills what it accepted.
        if (messageTokens.length > 0) {
          await count(billable, messageTokens.length).catch((error) => logger.error({ err: error }, 'viber started-message count failed'));
          logger.info({ viberUserId, billable, messages: messageTokens.length }, billable ? 'viber billable message sent' : 'viber free message sent');
        }
      }
      return { messageTokens, billable };
    },
  };
}

/** The day's counts, for the operator (and tests). */
export async function startedMessageCounts(core: Pick<CoreDeps, 'db'>, day: string): Promise<{ billable: number; free: number }> {
  const [row] = await core.db.sequelize.query<{ billable: number; free: number }>(
    `SELECT billable, free FROM viber_started_messages WHERE day = :day`,
    { replacements: { day }, type: QueryTypes.SELECT },
  );
  return { billable: row?.billable ?? 0, free: row?.free ?? 0 };
}
