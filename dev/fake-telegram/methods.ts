import type { Chat, ForumTopic, InlineKeyboardMarkup, Message, MessageEntity } from 'grammy/types';
import { TelegramApiError, badRequest, texts } from './errors.ts';
import { applyParseMode } from './formatting.ts';
import {
  CALLBACK_ANSWER_MAX,
  CALLBACK_DATA_MAX_BYTES,
  CAPTION_MAX,
  GET_FILE_MAX_BYTES,
  INLINE_BUTTONS_MAX,
  REPLY_BUTTONS_MAX,
  TEXT_MAX,
  TOPIC_NAME_MAX,
  assertMarkupSize,
  limitErrors,
} from './limits.ts';
import { checkDocumentUpload, checkPhotoUpload, photoSizes } from './uploads.ts';
import type { AnyMarkup, ChatRecord, FakeState, FileRecord, Params, StoredMessage, UploadedFile } from './state.ts';

export type MethodHandler = (params: Params) => unknown;

/** The type Telegram tells of an uploaded document by its name's extension. */
const MIME_BY_EXTENSION: Record<string, string> = { pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', csv: 'text/csv', txt: 'text/plain' };

const CONTENT_FIELDS = [
  'text',
  'entities',
  'photo',
  'caption',
  'caption_entities',
  'document',
  'voice',
  'sticker',
  'video',
  'audio',
  'animation',
  'contact',
  'location',
] as const;

const isUpload = (value: unknown): value is UploadedFile => typeof value === 'object' && value !== null && (value as UploadedFile).upload === true;
const num = (value: unknown) => (typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : undefined);
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The Bot API methods the fake implements, as synchronous functions of decoded params. */
export function createMethods(state: FakeState, options: { urlContent?: (url: string) => Buffer | undefined } = {}): Record<string, MethodHandler> {
  const chatOf = (params: Params, key = 'chat_id'): ChatRecord => {
    const raw = params[key];
    if (raw === undefined || raw === '') throw badRequest(`${key} is empty`);
    const id = num(raw);
    const record =
      id !== undefined
        ? state.chats.get(id)
        : [...state.chats.values()].find((c) => typeof raw === 'string' && 'username' in c.chat && `@${c.chat.username}` === raw);
    if (!record) throw new TelegramApiError(400, texts.chatNotFound);
    return record;
  };

  const writableChat = (params: Params): ChatRecord => chatOf(params);

  const isForum = (record: ChatRecord) => record.chat.type === 'supergroup' && (record.chat as Chat.SupergroupChat).is_forum === true;

  const topicOf = (record: ChatRecord, threadId: unknown) => {
    const id = num(threadId);
    const topic = id === undefined ? undefined : record.topics.get(id);
    if (!topic || topic.deleted) throw new TelegramApiError(400, texts.threadNotFound);
    return topic;
  };

  /** Thread, reply and markup handling every send shares. */
  const envelope = (record: ChatRecord, params: Params) => {
    const threadId = num(params.message_thread_id);
    const inTopic = isForum(record) && threadId !== undefined && threadId !== 1;
    if (inTopic) topicOf(record, threadId);
    const replyParams = (params.reply_parameters ?? {}) as Params;
    const replyId = num(replyParams.message_id) ?? num(params.reply_to_message_id);
    let replyTo: StoredMessage | undefined;
    if (replyId !== undefined) {
      const replyChatId = num(replyParams.chat_id) ?? record.chat.id;
      replyTo = state.findMessage(replyChatId, replyId);
      const allowWithout = replyParams.allow_sending_without_reply === true || params.allow_sending_without_reply === true;
      if (!replyTo && !allowWithout) throw badRequest('message to be replied not found');
    }
    if (!replyTo && inTopic) replyTo = state.findMessage(record.chat.id, threadId!);
    const markup = validMarkup(params.reply_markup);
    return {
      fields: {
        ...(inTopic ? { message_thread_id: threadId, is_topic_message: true as const } : {}),
        ...(replyTo ? { reply_to_message: asReply(replyTo.message) } : {}),
        ...(markup && 'inline_keyboard' in markup ? { reply_markup: markup } : {}),
      },
      markup,
    };
  };

  const botSend = (record: ChatRecord, method: string, params: Params, content: Partial<Message>): StoredMessage => {
    const { fields, markup } = envelope(record, params);
    return state.addMessage(
      record.chat.id,
      (message_id) => ({ message_id, from: state.botAsUser(), chat: record.chat, date: state.unixNow(), ...fields, ...content }) as Message,
      { byBot: true, method, params, ...(markup ? { markupAsSent: markup } : {}) },
    );
  };

  const formatted = (raw: unknown, parseMode: unknown, entities: unknown, max: number, field: 'text' | 'caption') => {
    const text = str(raw) ?? '';
    const result = applyParseMode(text, parseMode);
    if (field === 'text' && result.text.trim() === '') throw badRequest(limitErrors.textEmpty);
    // String length is UTF-16 units, Telegram's own measure.
    if (result.text.length > max) throw badRequest(field === 'text' ? limitErrors.textTooLong : limitErrors.captionTooLong);
    const finalEntities = parseMode ? result.entities : Array.isArray(entities) ? (entities as MessageEntity[]) : [];
    return { text: result.text, entities: finalEntities };
  };

  const caption = (params: Params): Partial<Message> => {
    if (params.caption === undefined) return {};
    const { text, entities } = formatted(params.caption, params.parse_mode, params.caption_entities, CAPTION_MAX, 'caption');
    return { caption: text, ...(entities.length ? { caption_entities: entities } : {}) };
  };

  const fileFrom = (value: unknown, kind: Parameters<FakeState['addFile']>[1], extension: string): FileRecord => {
    if (isUpload(value)) return state.addFile(value.bytes, kind, extension);
    const id = str(value);
    if (id && /^https?:\/\//.test(id)) return state.addFile(options.urlContent?.(id) ?? Buffer.alloc(0), kind, extension);
    const known = id ? state.files.get(id) : undefined;
    if (!known) throw badRequest('wrong file identifier/HTTP URL specified');
    return known;
  };

  const mediaContent = (field: string, value: unknown): Partial<Message> => {
    switch (field) {
      case 'photo': {
        if (isUpload(value)) return { photo: state.addPhoto(value.bytes, photoSizes(checkPhotoUpload(value.bytes))) };
        const file = fileFrom(value, 'photos', 'jpg');
        return { photo: [{ file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.bytes.length, width: 800, height: 600 }] };
      }
      case 'document': {
        if (isUpload(value)) checkDocumentUpload(value.bytes);
        const name = isUpload(value) ? value.filename : undefined;
        const file = fileFrom(value, 'documents', name?.split('.').pop() ?? 'dat');
        const mime = name ? MIME_BY_EXTENSION[name.split('.').pop()!.toLowerCase()] : undefined;
        return {
          document: {
            file_id: file.file_id,
            file_unique_id: file.file_unique_id,
            file_size: file.bytes.length,
            ...(name ? { file_name: name } : {}),
            ...(mime ? { mime_type: mime } : {}),
          },
        };
      }
      default:
        throw badRequest(`unsupported media ${field}`);
    }
  };

  const sendMedia = (field: string) => (params: Params) => {
    const record = writableChat(params);
    if (params[field] === undefined || params[field] === '') throw badRequest(`there is no ${field} in the request`);
    return botSend(record, `send${field[0]!.toUpperCase()}${field.slice(1)}`, params, { ...mediaContent(field, params[field]), ...caption(params) }).message;
  };

  const ownMessage = (params: Params, action: 'edit'): StoredMessage => {
    if (params.inline_message_id !== undefined) throw badRequest('inline messages are not supported by the fake');
    const record = chatOf(params);
    const stored = state.findMessage(record.chat.id, num(params.message_id) ?? -1);
    if (!stored) throw badRequest(`message to ${action} not found`);
    if (!stored.byBot) throw badRequest("message can't be edited");
    return stored;
  };

  const applyEdit = (stored: StoredMessage, changes: Partial<Message>, markup: AnyMarkup | undefined): Message => {
    const inline = markup && 'inline_keyboard' in markup ? (markup as InlineKeyboardMarkup) : undefined;
    const next = { ...stored.message, ...changes } as Message & Record<string, unknown>;
    if (inline) next.reply_markup = inline;
    else delete next.reply_markup;
    const before = JSON.stringify(pickComparable(stored.message));
    if (before === JSON.stringify(pickComparable(next))) throw new TelegramApiError(400, texts.notModified);
    next.edit_date = state.unixNow();
    stored.message = next;
    stored.markupAsSent = markup;
    stored.edits += 1;
    if (Object.keys(changes).length > 0) stored.textEdited = true;
    return next;
  };

  const commandsKey = (params: Params) => `${JSON.stringify(params.scope ?? { type: 'default' })}|${str(params.language_code) ?? ''}`;

  return {
    getMe: () => state.bot,

    sendMessage: (params) => {
      const record = writableChat(params);
      const { text, entities } = formatted(params.text, params.parse_mode, params.entities, TEXT_MAX, 'text');
      return botSend(record, 'sendMessage', params, { text, ...(entities.length ? { entities } : {}) }).message;
    },
    sendPhoto: sendMedia('photo'),
    sendDocument: sendMedia('document'),
    sendMediaGroup: (params) => {
      const record = writableChat(params);
      const media = Array.isArray(params.media) ? (params.media as Params[]) : [];
      if (media.length < 2 || media.length > 10) throw badRequest('wrong number of media in the group: expected 2-10');
      const groupId = String(Date.now()) + String(Math.floor(Math.random() * 1000));
      return media.map((item, index) => {
        const type = str(item.type) ?? 'photo';
        const content = { ...mediaContent(type, item.media), ...caption({ caption: item.caption, parse_mode: item.parse_mode, caption_entities: item.caption_entities }) };
        const itemParams = index === 0 ? params : { ...params, reply_markup: undefined };
        return botSend(record, 'sendMediaGroup', itemParams, { ...content, media_group_id: groupId }).message;
      });
    },

    editMessageText: (params) => {
      const stored = ownMessage(params, 'edit');
      if (stored.message.text === undefined) throw badRequest('there is no text in the message to edit');
      const { text, entities } = formatted(params.text, params.parse_mode, params.entities, TEXT_MAX, 'text');
      return applyEdit(stored, { text, entities: entities.length ? entities : undefined }, validMarkup(params.reply_markup));
    },
    editMessageReplyMarkup: (params) => {
      const stored = ownMessage(params, 'edit');
      return applyEdit(stored, {}, validMarkup(params.reply_markup));
    },
    answerCallbackQuery: (params) => {
      const query = state.callbacks.get(str(params.callback_query_id) ?? String(params.callback_query_id));
      if (!query || query.answer) throw badRequest('query is too old and response timeout expired or query ID is invalid');
      if ((str(params.text) ?? '').length > CALLBACK_ANSWER_MAX) throw badRequest(limitErrors.callbackAnswerTooLong);
      query.answer = params;
      return true;
    },

    getFile: (params) => {
      const file = state.files.get(str(params.file_id) ?? '');
      if (!file) throw badRequest('invalid file_id');
      // The Bot API hands bots files up to 20 MB (core.telegram.org/bots/api#getfile); bigger ones it refuses.
      if (file.bytes.length > GET_FILE_MAX_BYTES) throw badRequest('file is too big');
      return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.bytes.length, file_path: file.file_path };
    },

    setMyCommands: (params) => {
      const commands = Array.isArray(params.commands) ? (params.commands as Params[]) : [];
      for (const command of commands) {
        if (!/^[a-z0-9_]{1,32}$/.test(str(command.command) ?? '')) throw badRequest('BOT_COMMAND_INVALID');
        const description = str(command.description) ?? '';
        if (description.length < 1 || description.length > 256) throw badRequest('command description is empty or too long');
      }
      state.commands.set(commandsKey(params), commands);
      return true;
    },

    createForumTopic: (params) => {
      const record = writableChat(params);
      if (!isForum(record)) throw badRequest('the chat is not a forum');
      const name = str(params.name) ?? '';
      if (name.length < 1 || name.length > TOPIC_NAME_MAX) throw badRequest('TOPIC_TITLE_EMPTY');
      const icon_color = num(params.icon_color) ?? 7_322_096;
      const created = state.addMessage(
        record.chat.id,
        (message_id) =>
          ({
            message_id,
            message_thread_id: message_id,
            is_topic_message: true,
            from: state.botAsUser(),
            chat: record.chat,
            date: state.unixNow(),
            forum_topic_created: { name, icon_color },
          }) as Message,
        { byBot: false, method: 'createForumTopic', params },
      );
      const topic: ForumTopic = { message_thread_id: created.message.message_id, name, icon_color };
      record.topics.set(topic.message_thread_id, { ...topic, closed: false, deleted: false });
      return topic;
    },
    deleteForumTopic: (params) => {
      const record = writableChat(params);
      const topic = topicOf(record, params.message_thread_id);
      topic.deleted = true;
      for (const stored of record.messages.values()) {
        if (stored.message.message_thread_id === topic.message_thread_id) stored.deleted = true;
      }
      return true;
    },

    pinChatMessage: (params) => {
      const record = writableChat(params);
      const stored = state.findMessage(record.chat.id, num(params.message_id) ?? -1);
      if (!stored) throw badRequest('message to pin not found');
      record.pinned = stored.message.message_id;
      return true;
    },
    getChat: (params) => {
      const record = chatOf(params);
      const pinned = record.pinned === undefined ? undefined : state.findMessage(record.chat.id, record.pinned);
      return {
        ...record.chat,
        accent_color_id: 0,
        max_reaction_count: 11,
        accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false },
        ...(pinned ? { pinned_message: pinned.message } : {}),
      };
    },

  };
}

/** A message as it appears inside reply_to_message: without its own reply_to_message. */
export function asReply(message: Message): Message & { reply_to_message: undefined } {
  const { reply_to_message: _nested, ...rest } = message;
  return rest as Message & { reply_to_message: undefined };
}

function pickContent(message: Message): Partial<Message> {
  const content: Record<string, unknown> = {};
  for (const field of CONTENT_FIELDS) if (message[field] !== undefined) content[field] = message[field];
  return content as Partial<Message>;
}

function pickComparable(message: Message): unknown {
  return { ...pickContent(message), reply_markup: message.reply_markup ?? null };
}


const INLINE_ACTIONS = [
  'callback_data',
  'url',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];

/**
 * Telegram refuses callback_data outside 1–64 bytes (easy to pass with Cyrillic), buttons without an action or without
 * text, and markup too big (see limits.ts).
 */
export function validMarkup(raw: unknown): AnyMarkup | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'object') throw badRequest("can't parse reply keyboard markup JSON object");
  const markup = raw as Record<string, unknown>;
  if (Array.isArray(markup.inline_keyboard)) {
    let count = 0;
    for (const row of markup.inline_keyboard as unknown[]) {
      if (!Array.isArray(row)) throw badRequest('field "inline_keyboard" must be an Array of Arrays');
      for (const button of row as Record<string, unknown>[]) {
        count += 1;
        if (typeof button.text !== 'string') throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
        if (button.text.trim() === '') throw badRequest(limitErrors.buttonText);
        if (!INLINE_ACTIONS.some((key) => button[key] !== undefined)) throw badRequest('text buttons are unallowed in the inline keyboard');
        if (button.callback_data !== undefined) {
          const bytes = Buffer.byteLength(String(button.callback_data), 'utf8');
          if (bytes < 1 || bytes > CALLBACK_DATA_MAX_BYTES) throw badRequest(limitErrors.buttonData);
        }
      }
    }
    assertMarkupSize(markup, count, INLINE_BUTTONS_MAX);
    return markup as unknown as AnyMarkup;
  }
  if (Array.isArray(markup.keyboard)) {
    let count = 0;
    for (const row of markup.keyboard as unknown[]) {
      if (!Array.isArray(row)) throw badRequest('field "keyboard" must be an Array of Arrays');
      for (const button of row as unknown[]) {
        count += 1;
        const text = typeof button === 'string' ? button : (button as Record<string, unknown> | null)?.text;
        if (typeof text !== 'string' || text.trim() === '') throw badRequest(limitErrors.buttonText);
      }
    }
    assertMarkupSize(markup, count, REPLY_BUTTONS_MAX);
    return markup as unknown as AnyMarkup;
  }
  if (markup.remove_keyboard === true || markup.force_reply === true) return markup as unknown as AnyMarkup;
  throw badRequest("can't parse reply keyboard markup JSON object");
}
