import { GrammyError, type Api } from 'grammy';
import type { InputMediaPhoto } from 'grammy/types';
import { markBlocked } from '../../core/subscribers.ts';
import type { CoreDeps } from '../../core/accounts/types.ts';
import type { DeliveryResult, OutgoingMessage, Recipient, SubscriberNotifier } from '../notifier.ts';
import { splitText } from '../../core/text.ts';
import { MESSAGE_MAX } from './chat-output.ts';
import { actionsKeyboard } from './keyboards/inline.ts';

/** Telegram puts at most ten photos in one album. */
const ALBUM_MAX = 10;

export function isBlockedError(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 403;
}

/**
 * Delivers messages the app starts on its own (notices, staff answers, reminders). Photos go first (one photo,
 * or albums), then the text with the actions as inline buttons. A 403 means the subscriber blocked the bot:
 * they are marked and the message is not retried. Anything else is thrown for the caller to retry.
 */
export function createTelegramNotifier(api: Api, core: CoreDeps): SubscriberNotifier {
  return {
    channel: 'telegram',
    async send(recipient: Recipient, message: OutgoingMessage): Promise<DeliveryResult> {
      const chatId = Number(recipient.channelUserId);
      const messageIds: string[] = [];
      try {
        const photos = message.photos ?? [];
        if (photos.length === 1) {
          const sent = await api.sendPhoto(chatId, photos[0]!.ref);
          messageIds.push(String(sent.message_id));
        } else {
          for (let i = 0; i < photos.length; i += ALBUM_MAX) {
            const chunk = photos.slice(i, i + ALBUM_MAX);
            if (chunk.length === 1) {
              messageIds.push(String((await api.sendPhoto(chatId, chunk[0]!.ref)).message_id));
              continue;
            }
            const media: InputMediaPhoto[] = chunk.map((photo) => ({ type: 'photo', media: photo.ref }));
            const sent = await api.sendMediaGroup(chatId, media);
            messageIds.push(...sent.map((m) => String(m.message_id)));
          }
        }
        // A staff answer can be as long as a letter: longer than one message takes, it goes in parts, the buttons
        // under the last.
        const keyboard = actionsKeyboard(message.actions);
        const parts = splitText(message.text, MESSAGE_MAX);
        for (const [i, part] of parts.entries()) {
          const last = i === parts.length - 1;
          const sent = await api.sendMessage(chatId, part, last && keyboard ? { reply_markup: keyboard } : {});
          messageIds.push(String(sent.message_id));
        }
        return { kind: 'delivered', messageIds };
      } catch (error) {
        if (isBlockedError(error)) {
          await markBlocked(core, { channel: 'telegram', channelUserId: recipient.channelUserId });
          return { kind: 'unreachable', reason: 'blocked' };
        }
        throw error;
      }
    },
  };
}
