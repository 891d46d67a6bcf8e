import { randomBytes } from 'node:crypto';
import type { Chat, Contact, Message, MessageOrigin, Update, User } from 'grammy/types';
import { autoEntities } from './formatting.ts';
import { asReply } from './methods.ts';
import { TINY_JPEG, type ChatRecord, type FakeState, type MemberStatus } from './state.ts';

export interface UserSeed {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  /** Default 'uk'. */
  language_code?: string;
  is_premium?: true;
}

export interface GroupSeed {
  /** A supergroup id, e.g. -1001234567890. */
  id: number;
  title: string;
  isForum?: boolean;
  username?: string;
}

export interface PostOptions {
  /** Forum topic (message_thread_id) the message goes to; only in groups. */
  threadId?: number;
  /** message_id this message replies to. */
  replyTo?: number;
}

export interface PressOptions {
  /** Press even if the message has no such button (e.g. an old keyboard), or a deleted message. */
  force?: boolean;
}

export type Enqueue = (update: Omit<Update, 'update_id'>) => Update;

/** Someone writing into one chat: a user in the private chat with the bot, or a member of a group. */
class ChatParticipant {
  constructor(
    protected readonly state: FakeState,
    protected readonly enqueue: Enqueue,
    readonly user: User,
    protected readonly chatRecord: ChatRecord,
  ) {}

  get id(): number {
    return this.user.id;
  }

  get chatId(): number {
    return this.chatRecord.chat.id;
  }

  /** Text as typed in a Telegram app: a leading /command gets its bot_command entity, as clients add it. */
  sendText(text: string, options: PostOptions = {}): Update {
    const entities = autoEntities(text);
    return this.post({ text, ...(entities.length ? { entities } : {}) }, options);
  }

  /** '/start', '/start deep-link-payload', '/account 123'. */
  command(text: string, options: PostOptions = {}): Update {
    if (!text.startsWith('/')) throw new Error(`fake-telegram: a command starts with "/", got "${text}"`);
    return this.sendText(text, options);
  }

  replyTo(messageId: number, text: string, options: Omit<PostOptions, 'replyTo'> = {}): Update {
    return this.sendText(text, { ...options, replyTo: messageId });
  }

  /** A photo with fresh file ids; its bytes (a tiny JPEG unless given) are served by getFile and the file URL. */
  sendPhoto(options: PostOptions & { caption?: string; bytes?: Buffer } = {}): Update {
    const photo = this.state.addPhoto(options.bytes ?? TINY_JPEG);
    return this.post({ photo, ...(options.caption !== undefined ? { caption: options.caption } : {}) }, options);
  }

  sendDocument(options: PostOptions & { caption?: string; bytes?: Buffer; fileName?: string; mimeType?: string } = {}): Update {
    const bytes = options.bytes ?? Buffer.from('fake document');
    const file = this.state.addFile(bytes, 'documents', (options.fileName ?? 'file.txt').split('.').pop() ?? 'dat');
    const document = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_name: options.fileName ?? 'file.txt',
      mime_type: options.mimeType ?? 'text/plain',
      file_size: bytes.length,
    };
    return this.post({ document, ...(options.caption !== undefined ? { caption: options.caption } : {}) }, options);
  }

  sendSticker(options: PostOptions & { emoji?: string } = {}): Update {
    const file = this.state.addFile(Buffer.from('RIFF----WEBP'), 'stickers', 'webp');
    return this.post(
      {
        sticker: {
          file_id: file.file_id,
          file_unique_id: file.file_unique_id,
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
          emoji: options.emoji ?? '👍',
        },
      },
      options,
    );
  }

  sendVoice(options: PostOptions & { duration?: number } = {}): Update {
    const bytes = Buffer.from('OggS fake voice');
    const file = this.state.addFile(bytes, 'voice', 'ogg');
    return this.post(
      { voice: { file_id: file.file_id, file_unique_id: file.file_unique_id, duration: options.duration ?? 3, mime_type: 'audio/ogg', file_size: bytes.length } },
      options,
    );
  }

  /** A contact card: the user's own number (shared with the request_contact button) unless userId names someone else. */
  shareContact(contact: { phone_number: string; user_id?: number | null; first_name?: string; last_name?: string }, options: PostOptions = {}): Update {
    const userId = contact.user_id === undefined ? this.user.id : contact.user_id;
    const card: Contact = {
      phone_number: contact.phone_number,
      first_name: contact.first_name ?? (userId === this.user.id ? this.user.first_name : 'Контакт'),
      ...((contact.last_name ?? (userId === this.user.id ? this.user.last_name : undefined)) ? { last_name: contact.last_name ?? this.user.last_name } : {}),
      ...(userId !== null ? { user_id: userId } : {}),
    };
    return this.post({ contact: card }, options);
  }

  /** A message forwarded from elsewhere: from another user, or from a hidden sender by default. */
  forward(text: string, origin: { from?: User; date?: number } = {}, options: PostOptions = {}): Update {
    const date = origin.date ?? this.state.unixNow() - 3600;
    const forward_origin: MessageOrigin = origin.from
      ? { type: 'user', sender_user: origin.from, date }
      : { type: 'hidden_user', sender_user_name: 'Прихований користувач', date };
    return this.post({ text, forward_origin }, options);
  }

  /** The user edits a message they sent earlier (an edited_message update). */
  editMessage(messageOrId: Message | number, text: string): Update {
    const id = typeof messageOrId === 'number' ? messageOrId : messageOrId.message_id;
    const stored = this.state.findMessage(this.chatId, id);
    if (!stored || stored.byBot || stored.message.from?.id !== this.user.id) {
      throw new Error(`fake-telegram: ${this.user.first_name} has no message ${id} in chat ${this.chatId} to edit`);
    }
    const entities = autoEntities(text);
    const edited = { ...stored.message, text, edit_date: this.state.unixNow() } as Message;
    if (entities.length) edited.entities = entities;
    else delete edited.entities;
    stored.message = edited;
    return this.enqueue({ edited_message: edited } as Omit<Update, 'update_id'>);
  }

  /**
   * Presses an inline button of a message the bot sent into this chat, by callback_data (or button text).
   * The callback_query carries the message in its current state. Read the bot's answer with tg.callbackAnswer(update).
   */
  pressButton(messageOrId: Message | { message_id: number } | number, data: string, options: PressOptions = {}): Update {
    const id = typeof messageOrId === 'number' ? messageOrId : messageOrId.message_id;
    const stored = this.chatRecord.messages.get(id);
    if (!options.force) {
      if (!stored || stored.deleted) throw new Error(`fake-telegram: no message ${id} in chat ${this.chatId} to press a button on`);
      const buttons = (stored.message.reply_markup?.inline_keyboard ?? []).flat();
      const found = buttons.find((b) => 'callback_data' in b && b.callback_data === data) ?? buttons.find((b) => b.text === data && 'callback_data' in b);
      if (!found) {
        const list = buttons.map((b) => `"${b.text}"${'callback_data' in b ? ` → ${b.callback_data}` : ''}`).join(', ');
        throw new Error(`fake-telegram: message ${id} has no button "${data}"; its buttons: ${list || 'none'}`);
      }
      if ('callback_data' in found) data = found.callback_data;
    }
    const queryId = this.state.newCallbackId();
    this.state.callbacks.set(queryId, { id: queryId, chatId: this.chatId, messageId: id, data });
    const message = stored && !stored.deleted ? stored.message : { chat: this.chatRecord.chat, message_id: id, date: 0 as const };
    return this.enqueue({
      callback_query: {
        id: queryId,
        from: this.user,
        message,
        chat_instance: String(BigInt.asIntN(64, BigInt(this.chatId) * 7919n + 104729n)),
        data,
      },
    } as Omit<Update, 'update_id'>);
  }

  protected post(content: Partial<Message>, options: PostOptions): Update {
    const record = this.chatRecord;
    const isForum = record.chat.type === 'supergroup' && (record.chat as Chat.SupergroupChat).is_forum === true;
    let threadFields: Partial<Message> = {};
    let replyTo: Message | undefined;
    if (options.threadId !== undefined) {
      const topic = record.topics.get(options.threadId);
      if (!isForum || !topic || topic.deleted) throw new Error(`fake-telegram: chat ${this.chatId} has no open topic ${options.threadId}`);
      threadFields = { message_thread_id: options.threadId, is_topic_message: true };
      replyTo = this.state.findMessage(this.chatId, options.threadId)?.message;
    }
    if (options.replyTo !== undefined) {
      replyTo = this.state.findMessage(this.chatId, options.replyTo)?.message;
      if (!replyTo) throw new Error(`fake-telegram: no message ${options.replyTo} in chat ${this.chatId} to reply to`);
    }
    const stored = this.state.addMessage(
      this.chatId,
      (message_id) =>
        ({
          message_id,
          from: this.user,
          chat: record.chat,
          date: this.state.unixNow(),
          ...threadFields,
          ...(replyTo ? { reply_to_message: asReply(replyTo) } : {}),
          ...content,
        }) as Message,
      { byBot: false },
    );
    return this.enqueue({ message: stored.message } as Omit<Update, 'update_id'>);
  }
}

/** A user in their private chat with the bot. */
export class FakeUser extends ChatParticipant {
  /** The user blocks the bot: sends to them fail 403 and the bot gets a my_chat_member update (status kicked). */
  blockBot(): Update {
    this.blockSwitch(this.user.id, true);
    return this.memberUpdate('member', 'kicked');
  }

  unblockBot(): Update {
    this.blockSwitch(this.user.id, false);
    return this.memberUpdate('kicked', 'member');
  }

  constructor(
    state: FakeState,
    enqueue: Enqueue,
    user: User,
    chat: ChatRecord,
    private readonly blockSwitch: (userId: number, blocked: boolean) => void,
  ) {
    super(state, enqueue, user, chat);
  }

  private memberUpdate(from: 'member' | 'kicked', to: 'member' | 'kicked'): Update {
    const bot = this.state.botAsUser();
    const status = (s: 'member' | 'kicked') => (s === 'kicked' ? { status: s, user: bot, until_date: 0 } : { status: s, user: bot });
    return this.enqueue({
      my_chat_member: {
        chat: this.chatRecord.chat,
        from: this.user,
        date: this.state.unixNow(),
        old_chat_member: status(from),
        new_chat_member: status(to),
      },
    } as Omit<Update, 'update_id'>);
  }
}

/** A member of a group (e.g. staff in the staff forum). */
export class FakeMember extends ChatParticipant {}

export class FakeGroup {
  constructor(
    private readonly state: FakeState,
    private readonly enqueue: Enqueue,
    private readonly record: ChatRecord,
  ) {}

  get id(): number {
    return this.record.chat.id;
  }

  get chat(): Chat {
    return this.record.chat;
  }

  /** The user as a member of this group (status shows in getChatMember). */
  member(user: FakeUser | User, status: MemberStatus = 'member'): FakeMember {
    const plain = user instanceof FakeUser ? user.user : user;
    this.state.rememberUser(plain);
    this.record.members.set(plain.id, status);
    return new FakeMember(this.state, this.enqueue, plain, this.record);
  }

  /** Topics the bot created here (deleted ones included, flagged). */
  topics(): { message_thread_id: number; name: string; closed: boolean; deleted: boolean }[] {
    return [...this.record.topics.values()].map(({ message_thread_id, name, closed, deleted }) => ({ message_thread_id, name, closed, deleted }));
  }
}

export function randomUserId(): number {
  return 100_000_000 + randomBytes(4).readUInt32BE(0) % 900_000_000;
}
