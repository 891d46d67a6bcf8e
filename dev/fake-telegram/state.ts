import { randomBytes } from 'node:crypto';
import type {
  Chat,
  ForceReply,
  InlineKeyboardMarkup,
  Message,
  PhotoSize,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  User,
  UserFromGetMe,
} from 'grammy/types';
import type { ErrorBody } from './errors.ts';

export type Params = Record<string, unknown>;
export type AnyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

/** One Bot API call as the fake received it (params already decoded: numbers, JSON fields, uploaded files). */
export interface RecordedCall {
  method: string;
  params: Params;
  /** Milliseconds since the epoch (real time, also when a clock is injected). */
  at: number;
  outcome: { ok: true; result: unknown } | ErrorBody;
  /** 'webhook-reply' when the bot answered a webhook delivery with a method call in the response body. */
  via: 'http' | 'webhook-reply';
}

/** A file the bot uploaded (multipart), as it appears in recorded params. */
export interface UploadedFile {
  upload: true;
  filename: string;
  bytes: Buffer;
}

/**
 * A message the bot sent, in its current state (edits applied), with what Telegram itself does not echo back:
 * the reply_markup as sent (reply keyboards, remove_keyboard, force_reply) and the method that produced it.
 */
export type SentMessage = Omit<Message, 'reply_markup'> & {
  reply_markup?: AnyMarkup;
  /** sendMessage, sendPhoto, copyMessage, forwardMessage, sendMediaGroup… */
  method: string;
  /** The raw params of the call that sent it (e.g. text before parse_mode was applied). */
  params: Params;
  /** How many times it was edited. */
  edits: number;
  /** Deleted by the bot since (sent() leaves these out; waitForSent still returns them). */
  deleted: boolean;
};

export interface StoredMessage {
  message: Message;
  byBot: boolean;
  method?: string;
  params?: Params;
  markupAsSent?: AnyMarkup;
  deleted: boolean;
  edits: number;
  /** An edit changed its text, not only its buttons (Telegram's apps mark only such a message "edited"). */
  textEdited?: boolean;
  /** Global send order, so transcripts across chats can be merged. */
  seq: number;
}

export interface TopicRecord {
  message_thread_id: number;
  name: string;
  icon_color: number;
  icon_custom_emoji_id?: string;
  closed: boolean;
  deleted: boolean;
}

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

export interface ChatRecord {
  chat: Chat;
  nextMessageId: number;
  messages: Map<number, StoredMessage>;
  topics: Map<number, TopicRecord>;
  members: Map<number, MemberStatus>;
  pinned?: number;
}

export interface FileRecord {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  bytes: Buffer;
}

export interface CallbackRecord {
  id: string;
  chatId: number;
  messageId: number;
  data: string;
  answer?: Params;
}

export interface ClockLike {
  now(): Date;
}

// A 1×1 white JPEG: enough for code that sniffs or forwards the bytes.
export const TINY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);

const randomId = (bytes: number) => randomBytes(bytes).toString('base64url');

/** Everything the fake knows: chats, messages, topics, files, callback queries, commands, and the call log. */
export class FakeState {
  readonly bot: UserFromGetMe;
  readonly users = new Map<number, User>();
  readonly chats = new Map<number, ChatRecord>();
  readonly files = new Map<string, FileRecord>();
  readonly callbacks = new Map<string, CallbackRecord>();
  readonly commands = new Map<string, unknown>();
  readonly calls: RecordedCall[] = [];
  private seq = 0;
  private fileCounter = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly token: string,
    readonly clock: ClockLike,
  ) {
    const botId = Number(token.split(':')[0]) || 7_000_000_001;
    this.bot = {
      id: botId,
      is_bot: true,
      first_name: 'Водоканал',
      username: 'vodokanal_test_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
  }

  /** Unix seconds from the injected clock, as Telegram's `date` fields. */
  unixNow(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  botAsUser(): User {
    return { id: this.bot.id, is_bot: true, first_name: this.bot.first_name, username: this.bot.username };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  record(call: RecordedCall): void {
    this.calls.push(call);
    this.changed();
  }

  rememberUser(user: User): User {
    this.users.set(user.id, user);
    if (!this.chats.has(user.id)) {
      const chat: Chat.PrivateChat = {
        id: user.id,
        type: 'private',
        first_name: user.first_name,
        ...(user.last_name ? { last_name: user.last_name } : {}),
        ...(user.username ? { username: user.username } : {}),
      };
      this.addChat(chat);
    }
    return user;
  }

  addChat(chat: Chat): ChatRecord {
    const existing = this.chats.get(chat.id);
    if (existing) {
      existing.chat = chat;
      return existing;
    }
    // A group has history before the test starts; this also keeps topic ids clear of 1, the General topic.
    const record: ChatRecord = { chat, nextMessageId: chat.type === 'private' ? 1 : 100, messages: new Map(), topics: new Map(), members: new Map() };
    this.chats.set(chat.id, record);
    return record;
  }

  /** Stores a new message in its chat under the chat's next message_id; `build` gets that id. */
  addMessage(chatId: number, build: (messageId: number) => Message, meta: Omit<StoredMessage, 'message' | 'deleted' | 'edits' | 'seq'>): StoredMessage {
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error(`fake-telegram: no chat ${chatId}`);
    const messageId = chat.nextMessageId++;
    const stored: StoredMessage = { ...meta, message: build(messageId), deleted: false, edits: 0, seq: ++this.seq };
    chat.messages.set(messageId, stored);
    return stored;
  }

  findMessage(chatId: number, messageId: number): StoredMessage | undefined {
    const stored = this.chats.get(chatId)?.messages.get(messageId);
    return stored && !stored.deleted ? stored : undefined;
  }

  /** Registers bytes as a downloadable file; returns its ids and path. */
  addFile(bytes: Buffer, kind: 'photos' | 'documents' | 'voice' | 'stickers' | 'videos', extension: string): FileRecord {
    const n = ++this.fileCounter;
    const prefix = { photos: 'AgACAgIAAxkBAAI', documents: 'BQACAgIAAxkBAAI', voice: 'AwACAgIAAxkBAAI', stickers: 'CAACAgIAAxkBAAI', videos: 'BAACAgIAAxkBAAI' }[kind];
    const record: FileRecord = {
      file_id: `${prefix}${n}${randomId(24)}`,
      file_unique_id: `AQAD${n}${randomId(8)}`,
      file_path: `${kind}/file_${n}.${extension}`,
      bytes,
    };
    this.files.set(record.file_id, record);
    return record;
  }

  /** Telegram keeps several sizes of a photo, smallest first, each its own file. */
  addPhoto(bytes: Buffer, sizes: { width: number; height: number }[] = [{ width: 90, height: 68 }, { width: 800, height: 600 }]): PhotoSize[] {
    return sizes.map(({ width, height }) => {
      const file = this.addFile(bytes, 'photos', 'jpg');
      return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: bytes.length, width, height };
    });
  }

  newCallbackId(): string {
    return `${this.bot.id}${String(++this.seq).padStart(6, '0')}${randomBytes(3).readUIntBE(0, 3)}`;
  }

  toSent(stored: StoredMessage): SentMessage {
    const { reply_markup: inline, ...message } = stored.message;
    const markup = stored.markupAsSent && !('inline_keyboard' in stored.markupAsSent) ? stored.markupAsSent : inline;
    return {
      ...message,
      ...(markup ? { reply_markup: markup } : {}),
      method: stored.method ?? 'unknown',
      params: stored.params ?? {},
      edits: stored.edits,
      deleted: stored.deleted,
    };
  }

  /** The messages the bot sent to a chat, oldest first, current state. */
  sent(chatId: number, { includeDeleted = false } = {}): SentMessage[] {
    const chat = this.chats.get(chatId);
    if (!chat) return [];
    return [...chat.messages.values()]
      .filter((stored) => stored.byBot && (includeDeleted || !stored.deleted))
      .sort((a, b) => a.seq - b.seq)
      .map((stored) => this.toSent(stored));
  }

  /** Ids of messages in the chat that were deleted (by the bot). */
  deleted(chatId: number): number[] {
    const chat = this.chats.get(chatId);
    return chat ? [...chat.messages.entries()].filter(([, stored]) => stored.deleted).map(([id]) => id) : [];
  }
}
