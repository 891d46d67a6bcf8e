import { Composer, InputFile } from 'grammy';
import type { Message } from 'grammy/types';
import { findAccountForStaff } from '../../../core/accounts/index.ts';
import type { CoreDeps } from '../../../core/accounts/types.ts';
import {
  addNote,
  answerLetter,
  closeLetter,
  currentLetterOf,
  getLetterForStaff,
  openLetters,
  type AnswerLetterOutcome,
} from '../../../core/letters/index.ts';
import { splitText } from '../../../core/text.ts';
import { applyStaffCorrection, latestMeterPhotos, photoExtension, type MeterPhotoView } from '../../../core/readings/index.ts';
import { lastReminderRun } from '../../../core/reminders/runs.ts';
import type { Attachment } from '../../../models/models.ts';
import { staff } from '../../texts/staff.ts';
import type { BotContext, TelegramDeps } from '../context.ts';
import type { TelegramFeature } from '../feature.ts';
import { TELEGRAM_TEXT_MAX, letterCard, staffCb } from './card.ts';
import { createGroupPacer, groupLimit, type GroupPacer } from './pacer.ts';
import { outageDeskComposer } from './outages.ts';
import * as store from './store.ts';

export interface StaffDeskFeatureOptions {
  staffChatId: number;
  groupPerMinute: number;
  groupBurst?: number;
}

/**
 * The staff group's side of the bot: answers (a message in a subscriber's topic, or a reply to a letter's
 * message), /note, the letter card buttons, and /help, /account, /letters, /letter N, /reminders. Updates from any other chat pass
 * by untouched, so nothing here answers a private chat or another group.
 */
export function staffDeskFeature(options: StaffDeskFeatureOptions): TelegramFeature {
  return { name: 'staff-desk', composer: (deps) => staffDeskComposer(deps, options) };
}

const staffName = (ctx: BotContext) => {
  const from = ctx.from;
  if (!from) return 'працівник';
  return [from.first_name, from.last_name].filter(Boolean).join(' ') || (from.username ? `@${from.username}` : `id ${from.id}`);
};

function argument(ctx: { match: unknown }): string {
  return typeof ctx.match === 'string' ? ctx.match.trim() : '';
}

export function staffDeskComposer(deps: TelegramDeps, options: StaffDeskFeatureOptions): Composer<BotContext> {
  const { core, logger } = deps;
  const chatId = options.staffChatId;
  const pacer: GroupPacer = createGroupPacer(core.db.sequelize, chatId, groupLimit(options.groupPerMinute, options.groupBurst));

  /** Answers a staff member where they wrote: in their topic (grammY keeps the thread), or replying in a plain group. */
  async function say(ctx: BotContext, text: string): Promise<void> {
    const msg = ctx.msg;
    for (const part of splitText(text, TELEGRAM_TEXT_MAX)) {
      await pacer.take();
      await ctx.reply(part, {
        ...(!msg || msg.is_topic_message ? {} : { reply_parameters: { message_id: msg.message_id, allow_sending_without_reply: true } }),
      });
    }
  }

  /** The meters' photos, kept by the app, as photos where the staff member asked. */
  async function sendMeterPhotos(ctx: BotContext, photos: readonly MeterPhotoView[]): Promise<void> {
    const msg = ctx.msg;
    for (const photo of photos) {
      await pacer.take();
      await ctx.replyWithPhoto(new InputFile(photo.bytes, `reading-${photo.readingId}.${photoExtension(photo.mime)}`), {
        caption: staff.meterPhotoCaption(photo),
        ...(!msg || msg.is_topic_message ? {} : { reply_parameters: { message_id: msg.message_id, allow_sending_without_reply: true } }),
      });
    }
  }

  /** The letter a staff message is about: the letter message it replies to, else its topic's current letter. */
  async function letterOf(message: Message): Promise<number | null> {
    const replied = message.reply_to_message;
    const isTopicRoot = replied !== undefined && replied.forum_topic_created !== undefined;
    if (replied && !isTopicRoot) {
      const letterId = await store.letterOfMessage(core.db, chatId, replied.message_id);
      if (letterId !== null) return letterId;
    }
    if (message.is_topic_message && message.message_thread_id !== undefined) {
      const owner = await store.topicOwner(core.db, chatId, message.message_thread_id);
      if (owner) return currentLetterOf(core, owner);
    }
    return null;
  }

  async function refreshCard(ctx: BotContext, letterId: number): Promise<void> {
    const letter = await getLetterForStaff(core, letterId);
    const message = ctx.callbackQuery?.message;
    if (!letter || !message || !('text' in message) || message.text === undefined) return;
    const { card: text, keyboard } = await letterCard(core, letter, await store.lastAnswerDelivery(core.db, letterId));
    await ctx.api
      .editMessageText(chatId, message.message_id, text, keyboard ? { reply_markup: keyboard } : { reply_markup: { inline_keyboard: [] } })
      .catch((err: unknown) => logger.debug({ err: String(err) }, 'letter card not refreshed'));
  }

  const composer = new Composer<BotContext>();
  const desk = composer.filter((ctx) => ctx.chat?.id === chatId);
  // Outages first: a staff member's own form takes their next message before it is read as a letter's answer.
  desk.use(
    outageDeskComposer(deps, {
      chatId,
      pacer,
      staffName,
      repliesToLetter: async (ctx) => {
        const replied = ctx.msg?.reply_to_message;
        return replied !== undefined && (await store.letterOfMessage(core.db, chatId, replied.message_id)) !== null;
      },
    }),
  );

  desk.command('note', async (ctx) => {
    const text = argument(ctx);
    if (text === '') return say(ctx, staff.noteUsage);
    const letterId = ctx.msg ? await letterOf(ctx.msg) : null;
    if (letterId === null) return say(ctx, staff.noteNoLetter);
    const outcome = await addNote(core, { letterId, staffName: staffName(ctx), text });
    if (outcome.kind === 'noted') return say(ctx, staff.noteSaved(letterId));
    await say(ctx, refusal(outcome));
  });

  desk.command('help', (ctx) => say(ctx, staff.help));

  desk.command('account', async (ctx) => {
    const number = argument(ctx);
    if (number === '') return say(ctx, staff.accountUsage);
    const account = await findAccountForStaff(core, number);
    await say(ctx, account ? staff.accountCard(account, core.settings.timeZone) : staff.accountNotFound(number));
    if (account) await sendMeterPhotos(ctx, await latestMeterPhotos(core, { accountId: account.accountId }));
  });

  desk.command('letters', async (ctx) => {
    const open = await openLetters(core, { limit: 50 });
    if (open.length === 0) return say(ctx, staff.noOpenLetters);
    const tz = core.settings.timeZone;
    await say(ctx, [staff.openLettersHeader(open.length), ...open.map((l) => staff.openLetterLine(l, tz))].join('\n'));
  });

  desk.command('reminders', async (ctx) => {
    const run = await lastReminderRun(core.db);
    await say(ctx, run ? staff.reminderRun(run, core.settings.timeZone) : staff.noReminderRuns);
  });

  desk.command('letter', async (ctx) => {
    const match = /^№?\s*(\d{1,9})$/.exec(argument(ctx));
    if (!match) return say(ctx, staff.lettersUsage);
    const letter = await getLetterForStaff(core, Number(match[1]));
    if (!letter) return say(ctx, staff.letterNotFound);
    const tz = core.settings.timeZone;
    const { card, continuations } = await letterCard(core, letter, await store.lastAnswerDelivery(core.db, letter.letterId));
    const history = letter.messages.map((m) =>
      staff.historyLine({ author: m.author, staffName: m.staffName, text: m.text, createdAt: m.createdAt, photos: m.attachments.length }, tz),
    );
    await say(ctx, [card, ...continuations, ...(history.length ? ['', staff.historyHeader, ...history] : [])].join('\n'));
  });

  desk.callbackQuery(staffCb.closePattern, async (ctx) => {
    const letterId = Number(ctx.match[1]);
    const outcome = await closeLetter(core, { letterId, staffName: staffName(ctx) });
    const text = outcome.kind === 'closed' ? staff.closed(letterId) : outcome.kind === 'already-closed' ? staff.alreadyClosed : staff.letterNotFound;
    await ctx.answerCallbackQuery({ text });
    if (outcome.kind !== 'not-found') await refreshCard(ctx, letterId);
  });

  desk.callbackQuery(staffCb.correctPattern, async (ctx) => {
    const letterId = Number(ctx.match[1]);
    const outcome = await applyStaffCorrection(core, { letterId, staffName: staffName(ctx) });
    const text =
      outcome.kind === 'applied'
        ? staff.correctionApplied(outcome.meterSerial, outcome.value)
        : outcome.kind === 'already-applied'
          ? staff.correctionAlreadyApplied
          : outcome.kind === 'over-capacity'
            ? staff.correctionOverCapacity(outcome.maxValue)
            : staff.correctionRefused[outcome.kind];
    await ctx.answerCallbackQuery({ text, show_alert: outcome.kind !== 'applied' && outcome.kind !== 'already-applied' });
    if (outcome.kind === 'applied' || outcome.kind === 'already-applied') await refreshCard(ctx, letterId);
  });

  desk.on('callback_query', (ctx) => ctx.answerCallbackQuery());

  desk.on(['message:text', 'message:photo'], async (ctx) => {
    const message = ctx.message;
    if (message.from.is_bot || message.text?.startsWith('/')) return;
    const letterId = await letterOf(message);
    if (letterId === null) return; // staff talking among themselves
    const photo = message.photo?.at(-1);
    const attachments: Attachment[] = photo ? [{ kind: 'photo', ref: photo.file_id, channel: 'telegram' }] : [];
    const outcome = await answerLetter(core, { letterId, staffName: staffName(ctx), text: message.text ?? message.caption ?? '', attachments });
    if (outcome.kind !== 'answered') return say(ctx, refusal(outcome));
    await store.recordRelay(core.db, {
      chatId,
      messageId: message.message_id,
      threadId: message.is_topic_message ? (message.message_thread_id ?? null) : null,
      letterId,
      direction: 'from-staff',
      letterMessageId: outcome.letterMessageId,
    });
  });

  return composer;
}

function refusal(outcome: Exclude<AnswerLetterOutcome, { kind: 'answered' }>): string {
  switch (outcome.kind) {
    case 'too-long':
      return staff.answerRefused['too-long'](outcome.max);
    case 'too-many-attachments':
      return staff.answerRefused['too-many-attachments'](outcome.max);
    default:
      return staff.answerRefused[outcome.kind];
  }
}
