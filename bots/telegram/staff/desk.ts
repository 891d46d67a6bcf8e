import { GrammyError, InputFile, type Api } from 'grammy';
import type { InlineKeyboard } from 'grammy';
import { getLetterForStaff, type StaffLetter } from '../../../core/letters/index.ts';
import { listLinkedAccounts } from '../../../core/accounts/index.ts';
import type { CoreDeps } from '../../../core/accounts/types.ts';
import type { OutboxPayload } from '../../../core/outbox.ts';
import { getSubscriber, type SubscriberView } from '../../../core/subscribers.ts';
import { latestMeterPhotos, photoExtension } from '../../../core/readings/index.ts';
import type { Logger } from '../../logger.ts';
import type { HandlerResult } from '../../outbox/dispatcher.ts';
import { isContentRefusal } from '../../outbox/permanent.ts';
import type { AnswerReport, AnswerReporter } from '../../outbox/subscriber-deliveries.ts';
import { staff } from '../../texts/staff.ts';
import { paymentAlerts } from '../../texts/payments.ts';
import { letterCard } from './card.ts';
import { createGroupPacer, groupLimit, type GroupPacer } from './pacer.ts';
import * as store from './store.ts';

export interface StaffDeskOptions {
  /** The bot's Api (with its guards): the desk sends as the bot. */
  api: Api;
  core: CoreDeps;
  logger: Logger;
  staffChatId: number;
  /** Sends a minute into the group, for the whole deployment (TELEGRAM_GROUP_PER_MINUTE). */
  groupPerMinute: number;
  /** How many may go at once after a quiet spell. */
  groupBurst?: number;
  /** How long getChat's "is this group a forum" is trusted. */
  forumCacheMs?: number;
}

/** The outbox side of the staff desk: everything the app posts into the staff group on its own. */
export interface StaffDesk extends AnswerReporter {
  readonly chatId: number;
  readonly pacer: GroupPacer;
  /** Posts a stored letter (card, then photos) into the group, in the writer's topic when the group has topics. */
  forwardLetter(letterId: number): Promise<HandlerResult>;
  postSecurityAlert(payload: OutboxPayload<'security-alert'>): Promise<HandlerResult>;
  postPaymentAlert(payload: OutboxPayload<'payment-alert'>): Promise<HandlerResult>;
  isForum(): Promise<boolean>;
  /** Draws a letter's card again (its status, the last answer's delivery), after a delivery, a close or a correction. */
  refreshCard(letterId: number): Promise<void>;
}

const DONE: HandlerResult = { kind: 'done' };

export function isThreadNotFound(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /thread not found/i.test(error.description);
}

class NoToken {
  constructor(readonly waitMs: number) {}
}

export function createStaffDesk(options: StaffDeskOptions): StaffDesk {
  const { api, core, logger, staffChatId: chatId } = options;
  const db = core.db;
  const pacer = createGroupPacer(db.sequelize, chatId, groupLimit(options.groupPerMinute, options.groupBurst));
  const forumCacheMs = options.forumCacheMs ?? 5 * 60_000;
  let forum: { value: boolean; at: number } | undefined;

  const later = (waitMs: number): HandlerResult => ({ kind: 'later', at: new Date(core.clock.now().getTime() + waitMs) });

  /** Every send into the group draws a token first; none free → the work goes back to the outbox. */
  async function paced<T>(send: () => Promise<T>): Promise<T> {
    const slot = await pacer.tryTake();
    if (!slot.taken) throw new NoToken(slot.waitMs);
    return send();
  }

  async function isForum(): Promise<boolean> {
    if (forum && Date.now() - forum.at < forumCacheMs) return forum.value;
    const chat = await api.getChat(chatId);
    forum = { value: 'is_forum' in chat && chat.is_forum === true, at: Date.now() };
    return forum.value;
  }

  /** The writer's topic, made on their first forwarded letter and opened by a pinned card about them. */
  async function ensureTopic(subscriber: SubscriberView): Promise<number> {
    const who = { channel: subscriber.channel, channelUserId: subscriber.channelUserId };
    let topic = await store.findTopic(db, chatId, who);
    const accounts = await listLinkedAccounts(core, subscriber.id);
    if (!topic) {
      const created = await paced(() => api.createForumTopic(chatId, staff.topicTitle(subscriber.name, accounts.map((a) => a.number))));
      const saved = await store.saveTopic(db, chatId, who, created.message_thread_id);
      if (!saved.ours) {
        // Another instance made one first: keep theirs, remove ours.
        await api.deleteForumTopic(chatId, created.message_thread_id).catch(() => undefined);
      }
      topic = saved.topic;
    }
    if (topic.cardMessageId === null) {
      const threadId = topic.threadId;
      const card = await paced(() =>
        api.sendMessage(
          chatId,
          staff.subscriberCard({
            name: subscriber.name,
            channel: subscriber.channel,
            phone: subscriber.phone,
            accounts: accounts.map((a) => ({ number: a.number, address: a.address, balanceKop: a.balanceKop })),
          }),
          { message_thread_id: threadId },
        ),
      );
      await store.setTopicCard(db, chatId, threadId, card.message_id);
      await api
        .pinChatMessage(chatId, card.message_id, { disable_notification: true })
        .catch((err: unknown) => logger.warn({ err: describe(err) }, 'could not pin the subscriber card in the staff group'));
    }
    return topic.threadId;
  }

  /**
   * Sends one part of a letter into the group. A refusal of its content, which retrying cannot fix, is answered at
   * once with a short notice in its place, so the letter is never silently missing from the group. Other failures
   * (a deleted topic, missing rights, the network) are thrown, for a new topic or a retry.
   */
  async function sendOrNotice(
    letter: StaffLetter,
    send: () => Promise<{ message_id: number }>,
    notice: (reason: string) => string,
    options: { thread: { message_thread_id?: number }; replyTo?: object; keyboard?: InlineKeyboard | undefined },
  ): Promise<number> {
    try {
      return (await paced(send)).message_id;
    } catch (error) {
      if (!isContentRefusal(error)) throw error;
      const reason = error.description;
      logger.error({ err: describe(error), letterId: letter.letterId }, 'Telegram refused a letter part; posted a notice in its place');
      const sent = await paced(() =>
        api.sendMessage(chatId, notice(reason), {
          ...options.thread,
          ...(options.replyTo ?? {}),
          ...(options.keyboard ? { reply_markup: options.keyboard } : {}),
        }),
      );
      return sent.message_id;
    }
  }

  async function sendParts(letter: StaffLetter, threadId: number | undefined): Promise<void> {
    const thread = threadId === undefined ? {} : { message_thread_id: threadId };
    const record = (messageId: number, part: string) =>
      store.recordRelay(db, { chatId, messageId, threadId: threadId ?? null, letterId: letter.letterId, direction: 'to-staff', part });

    const drawn = await letterCard(core, letter);
    let card = await store.sentPart(db, chatId, letter.letterId, 'card');
    if (!card) {
      const { card: text, keyboard } = drawn;
      const messageId = await sendOrNotice(
        letter,
        () => api.sendMessage(chatId, text, { ...thread, ...(keyboard ? { reply_markup: keyboard } : {}) }),
        (reason) => staff.cardRefused(letter.number, reason),
        { thread, keyboard },
      );
      await record(messageId, 'card');
      card = { messageId, threadId: threadId ?? null };
      if (letter.category === 'emergency') {
        // Urgent: pinned (with a notification) where staff look first.
        await api
          .pinChatMessage(chatId, messageId)
          .catch((err: unknown) => logger.warn({ err: describe(err), letterId: letter.letterId }, 'could not pin an emergency letter'));
      }
    }
    const replyTo = { reply_parameters: { message_id: card.messageId, allow_sending_without_reply: true } };
    for (const [index, text] of drawn.continuations.entries()) {
      const part = `text:${index + 2}`;
      if (await store.sentPart(db, chatId, letter.letterId, part)) continue;
      const messageId = await sendOrNotice(
        letter,
        () => api.sendMessage(chatId, text, { ...thread, ...replyTo }),
        () => staff.partRefused(letter.number, index + 2),
        { thread, replyTo },
      );
      await record(messageId, part);
    }
    for (const [index, photo] of letter.attachments.entries()) {
      const part = `photo:${index}`;
      if (await store.sentPart(db, chatId, letter.letterId, part)) continue;
      // A Telegram file id works as is (same bot); a Viber photo is a URL Telegram fetches. The file gone or the
      // link expired: say so rather than retry for ever.
      const messageId = await sendOrNotice(
        letter,
        () => api.sendPhoto(chatId, photo.ref, { ...thread, ...replyTo }),
        () => staff.photoUnavailable(letter.number, index),
        { thread, replyTo },
      );
      await record(messageId, part);
    }
    // A correction letter shows the newest photo the app keeps of that meter: the reading staff are asked to fix.
    if (letter.category === 'reading-correction' && letter.correction && !(await store.sentPart(db, chatId, letter.letterId, 'meter-photo'))) {
      const [photo] = await latestMeterPhotos(core, { meterId: letter.correction.meterId });
      if (photo) {
        const messageId = await sendOrNotice(
          letter,
          () =>
            api.sendPhoto(chatId, new InputFile(photo.bytes, `reading-${photo.readingId}.${photoExtension(photo.mime)}`), {
              caption: staff.meterPhotoCaption(photo),
              ...thread,
              ...replyTo,
            }),
          () => staff.photoUnavailable(letter.number, letter.attachments.length),
          { thread, replyTo },
        );
        await record(messageId, 'meter-photo');
      }
    }
  }

  /** Draws the letter's card again where it stands in the group (status, last delivery); nothing to change is fine. */
  async function refreshCard(letterId: number): Promise<void> {
    const card = await store.sentPart(db, chatId, letterId, 'card');
    const letter = card ? await getLetterForStaff(core, letterId) : null;
    if (!card || !letter) return;
    const { card: text, keyboard } = await letterCard(core, letter, await store.lastAnswerDelivery(db, letterId));
    await api
      .editMessageText(chatId, card.messageId, text, { reply_markup: keyboard ?? { inline_keyboard: [] } })
      .catch((err: unknown) => logger.debug({ err: describe(err), letterId }, 'letter card not refreshed'));
  }

  async function forward(letterId: number, retried: boolean): Promise<HandlerResult> {
    const letter = await getLetterForStaff(core, letterId);
    if (!letter) return DONE;
    const subscriber = letter.subscriber ? await getSubscriber(core, letter.subscriber.subscriberId) : null;
    let threadId: number | undefined;
    try {
      if (subscriber && (await isForum())) threadId = await ensureTopic(subscriber);
      await sendParts(letter, threadId);
      return DONE;
    } catch (error) {
      if (error instanceof NoToken) return later(error.waitMs);
      // Staff may have turned topics on or off: ask again next time.
      forum = undefined;
      if (isThreadNotFound(error) && threadId !== undefined && !retried) {
        // Staff deleted the topic: forget it and post the letter into a new one.
        logger.info({ letterId }, 'staff topic was deleted; making a new one');
        await store.dropTopic(db, chatId, threadId);
        return forward(letterId, true);
      }
      throw error;
    }
  }

  /** A short line into the group, replying to `replyTo` when it still exists; a deleted topic falls back to General. */
  async function post(
    text: string,
    where: { replyTo?: store.RelayedMessage | null; letterId?: number; keyboard?: InlineKeyboard },
  ): Promise<number> {
    const target = where.replyTo ?? null;
    const base = {
      ...(where.keyboard ? { reply_markup: where.keyboard } : {}),
      ...(target ? { reply_parameters: { message_id: target.messageId, allow_sending_without_reply: true } } : {}),
    };
    let sent;
    try {
      sent = await paced(() => api.sendMessage(chatId, text, { ...base, ...(target?.threadId ? { message_thread_id: target.threadId } : {}) }));
    } catch (error) {
      if (!isThreadNotFound(error) || !target?.threadId) throw error;
      await store.dropTopic(db, chatId, target.threadId);
      sent = await paced(() => api.sendMessage(chatId, text, where.keyboard ? { reply_markup: where.keyboard } : {}));
    }
    if (where.letterId !== undefined) {
      await store.recordRelay(db, {
        chatId,
        messageId: sent.message_id,
        threadId: sent.message_thread_id ?? null,
        letterId: where.letterId,
        direction: 'status',
      });
    }
    return sent.message_id;
  }

  async function reportAnswer(report: AnswerReport): Promise<HandlerResult> {
    try {
      const source =
        (await store.answerMessage(db, chatId, report.letterMessageId)) ?? (await store.sentPart(db, chatId, report.letterId, 'card'));
      const lines = [report.outcome === 'delivered' ? staff.delivered : staff.notDelivered[report.outcome]];
      if (report.outcome === 'delivered' && report.droppedPhotos > 0) lines.push(staff.photosNotDelivered(report.droppedPhotos, report.channel));
      await post(lines.join('\n'), { replyTo: source, letterId: report.letterId });
      const lastId = report.subscriberMessageIds.at(-1);
      if (lastId !== undefined) await store.setSubscriberMessageId(db, chatId, report.letterMessageId, lastId);
      await refreshCard(report.letterId);
      return DONE;
    } catch (error) {
      if (error instanceof NoToken) return later(error.waitMs);
      throw error;
    }
  }

  async function postSecurityAlert(payload: OutboxPayload<'security-alert'>): Promise<HandlerResult> {
    try {
      await post(staff.securityAlert(payload, core.settings.timeZone), {});
      return DONE;
    } catch (error) {
      if (error instanceof NoToken) return later(error.waitMs);
      throw error;
    }
  }

  async function postPaymentAlert(payload: OutboxPayload<'payment-alert'>): Promise<HandlerResult> {
    try {
      await post(paymentAlerts.text(payload, core.settings.timeZone), {});
      return DONE;
    } catch (error) {
      if (error instanceof NoToken) return later(error.waitMs);
      throw error;
    }
  }

  return {
    chatId,
    pacer,
    forwardLetter: (letterId) => forward(letterId, false),
    postSecurityAlert,
    postPaymentAlert,
    reportAnswer,
    refreshCard,
    isForum,
  };
}

/** What a log line may say about a failed call: no payloads (they carry subscribers' words and phones). */
export function describe(error: unknown): unknown {
  if (error instanceof GrammyError) return { code: error.error_code, description: error.description, method: error.method };
  return error instanceof Error ? error.message : String(error);
}
