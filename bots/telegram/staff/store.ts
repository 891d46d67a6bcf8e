import { QueryTypes } from 'sequelize';
import type { Database } from '../../../models/database.ts';
import type { Channel } from '../../../models/models.ts';

// The staff desk's own bookkeeping (migration 08): subscribers' forum topics and the ids of every message
// relayed between a letter and the group. Telegram-side mapping only; the letters themselves live in core.

export type RelayDirection = 'to-staff' | 'from-staff' | 'status';

export interface StaffTopic {
  threadId: number;
  cardMessageId: number | null;
}

export async function findTopic(db: Database, chatId: number, who: { channel: Channel; channelUserId: string }): Promise<StaffTopic | null> {
  const [row] = await db.sequelize.query<{ thread_id: number; card_message_id: number | null }>(
    `SELECT thread_id, card_message_id FROM staff_topics WHERE chat_id = :chatId AND channel = :channel AND channel_user_id = :channelUserId`,
    { replacements: { chatId, ...who }, type: QueryTypes.SELECT },
  );
  return row ? { threadId: row.thread_id, cardMessageId: row.card_message_id } : null;
}

/** Keeps the first topic recorded for the subscriber: returns it and whether it is the one just made. */
export async function saveTopic(
  db: Database,
  chatId: number,
  who: { channel: Channel; channelUserId: string },
  threadId: number,
): Promise<{ topic: StaffTopic; ours: boolean }> {
  const inserted = await db.sequelize.query<{ thread_id: number }>(
    `INSERT INTO staff_topics (chat_id, channel, channel_user_id, thread_id) VALUES (:chatId, :channel, :channelUserId, :threadId)
     ON CONFLICT (chat_id, channel, channel_user_id) DO NOTHING RETURNING thread_id`,
    { replacements: { chatId, ...who, threadId }, type: QueryTypes.SELECT },
  );
  if (inserted.length > 0) return { topic: { threadId, cardMessageId: null }, ours: true };
  const existing = await findTopic(db, chatId, who);
  if (!existing) throw new Error('staff topic vanished while being saved');
  return { topic: existing, ours: false };
}

export async function setTopicCard(db: Database, chatId: number, threadId: number, messageId: number): Promise<void> {
  await db.sequelize.query(`UPDATE staff_topics SET card_message_id = :messageId WHERE chat_id = :chatId AND thread_id = :threadId`, {
    replacements: { chatId, threadId, messageId },
  });
}

/** Staff deleted the topic: forget it and every message that was in it, so the next send makes a new one. */
export async function dropTopic(db: Database, chatId: number, threadId: number): Promise<void> {
  await db.sequelize.transaction(async (transaction) => {
    await db.sequelize.query(`DELETE FROM staff_topics WHERE chat_id = :chatId AND thread_id = :threadId`, {
      replacements: { chatId, threadId },
      transaction,
    });
    await db.sequelize.query(`DELETE FROM relay_messages WHERE staff_chat_id = :chatId AND staff_thread_id = :threadId`, {
      replacements: { chatId, threadId },
      transaction,
    });
  });
}

export async function topicOwner(db: Database, chatId: number, threadId: number): Promise<{ channel: Channel; channelUserId: string } | null> {
  const [row] = await db.sequelize.query<{ channel: Channel; channel_user_id: string }>(
    `SELECT channel, channel_user_id FROM staff_topics WHERE chat_id = :chatId AND thread_id = :threadId`,
    { replacements: { chatId, threadId }, type: QueryTypes.SELECT },
  );
  return row ? { channel: row.channel, channelUserId: row.channel_user_id } : null;
}

export interface RelayRecord {
  chatId: number;
  messageId: number;
  threadId: number | null;
  letterId: number;
  direction: RelayDirection;
  part?: string;
  letterMessageId?: number;
  subscriberMessageId?: string;
}

export async function recordRelay(db: Database, r: RelayRecord): Promise<void> {
  await db.sequelize.query(
    `INSERT INTO relay_messages (staff_chat_id, staff_message_id, staff_thread_id, letter_id, direction, part, letter_message_id, subscriber_message_id)
     VALUES (:chatId, :messageId, :threadId, :letterId, :direction, :part, :letterMessageId, :subscriberMessageId)
     ON CONFLICT DO NOTHING`,
    {
      replacements: {
        chatId: r.chatId,
        messageId: r.messageId,
        threadId: r.threadId,
        letterId: r.letterId,
        direction: r.direction,
        part: r.part ?? null,
        letterMessageId: r.letterMessageId ?? null,
        subscriberMessageId: r.subscriberMessageId ?? null,
      },
    },
  );
}

export interface RelayedMessage {
  messageId: number;
  threadId: number | null;
}

/** A part of a letter already in the group (its card, its n-th photo): a retry does not send it again. */
export async function sentPart(db: Database, chatId: number, letterId: number, part: string): Promise<RelayedMessage | null> {
  const [row] = await db.sequelize.query<{ staff_message_id: number; staff_thread_id: number | null }>(
    `SELECT staff_message_id, staff_thread_id FROM relay_messages WHERE staff_chat_id = :chatId AND letter_id = :letterId AND part = :part`,
    { replacements: { chatId, letterId, part }, type: QueryTypes.SELECT },
  );
  return row ? { messageId: row.staff_message_id, threadId: row.staff_thread_id } : null;
}

export async function letterOfMessage(db: Database, chatId: number, messageId: number): Promise<number | null> {
  const [row] = await db.sequelize.query<{ letter_id: number }>(
    `SELECT letter_id FROM relay_messages WHERE staff_chat_id = :chatId AND staff_message_id = :messageId`,
    { replacements: { chatId, messageId }, type: QueryTypes.SELECT },
  );
  return row?.letter_id ?? null;
}

/** The staff message an answer came from, to reply to it with how its delivery went. */
export async function answerMessage(db: Database, chatId: number, letterMessageId: number): Promise<RelayedMessage | null> {
  const [row] = await db.sequelize.query<{ staff_message_id: number; staff_thread_id: number | null }>(
    `SELECT staff_message_id, staff_thread_id FROM relay_messages
      WHERE staff_chat_id = :chatId AND letter_message_id = :letterMessageId AND direction = 'from-staff' LIMIT 1`,
    { replacements: { chatId, letterMessageId }, type: QueryTypes.SELECT },
  );
  return row ? { messageId: row.staff_message_id, threadId: row.staff_thread_id } : null;
}

export async function setSubscriberMessageId(db: Database, chatId: number, letterMessageId: number, subscriberMessageId: string): Promise<void> {
  await db.sequelize.query(
    `UPDATE relay_messages SET subscriber_message_id = :subscriberMessageId
      WHERE staff_chat_id = :chatId AND letter_message_id = :letterMessageId AND direction = 'from-staff'`,
    { replacements: { chatId, letterMessageId, subscriberMessageId } },
  );
}

/** How the letter's latest delivered-or-tried staff answer went (answer_deliveries), for its card. */
export async function lastAnswerDelivery(
  db: Database,
  letterId: number,
): Promise<{ outcome: 'delivered' | 'blocked' | 'not-subscribed' | 'refused'; at: string } | null> {
  const [row] = await db.sequelize.query<{ outcome: 'delivered' | 'blocked' | 'not-subscribed' | 'refused'; delivered_at: Date }>(
    `SELECT d.outcome, d.delivered_at FROM answer_deliveries d JOIN letter_messages m ON m.id = d.letter_message_id
      WHERE m.letter_id = :letterId ORDER BY m.id DESC LIMIT 1`,
    { replacements: { letterId }, type: QueryTypes.SELECT },
  );
  return row ? { outcome: row.outcome, at: new Date(row.delivered_at).toISOString() } : null;
}
