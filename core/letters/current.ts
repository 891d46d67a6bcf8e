import { QueryTypes } from 'sequelize';
import type { Channel } from '../../models/models.ts';
import type { LettersDeps } from './types.ts';

/**
 * The letter a staff message about a subscriber answers when it names none (written in the subscriber's topic, not
 * replying to a letter): their newest letter still open; with none open, their newest. Null: they wrote none.
 */
export async function currentLetterOf(deps: LettersDeps, who: { channel: Channel; channelUserId: string }): Promise<number | null> {
  const [row] = await deps.db.sequelize.query<{ id: number }>(
    `SELECT l.id FROM letters l JOIN subscribers s ON s.id = l.subscriber_id
      WHERE s.channel = :channel AND s.channel_user_id = :channelUserId
      ORDER BY (l.status = 'closed'), l.created_at DESC, l.id DESC LIMIT 1`,
    { replacements: { channel: who.channel, channelUserId: who.channelUserId }, type: QueryTypes.SELECT },
  );
  return row?.id ?? null;
}
