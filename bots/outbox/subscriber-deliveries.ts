import { QueryTypes } from 'sequelize';
import type { CoreDeps } from '../../core/deps.ts';
import { getLetterForStaff, getLetterForSubscriber } from '../../core/letters/index.ts';
import { getSubscriber, type SubscriberView } from '../../core/subscribers.ts';
import type { Channel } from '../../models/models.ts';
import type { Logger } from '../logger.ts';
import type { DeliveryResult, OutgoingMessage, SubscriberNotifier } from '../notifier.ts';
import { notices } from '../texts/staff.ts';
import { paymentOfOrder } from '../../core/payments/listings.ts';
import { payments } from '../texts/payments.ts';
import type { HandlerResult, OutboxHandlers } from './dispatcher.ts';
import { isPermanent } from './permanent.ts';

/** How a staff answer's delivery went, for the staff group to see. */
export interface AnswerReport {
  letterId: number;
  letterMessageId: number;
  channel: Channel;
  /** 'refused': the messenger refused the message itself (too long, malformed); retrying would not change that. */
  outcome: 'delivered' | 'blocked' | 'not-subscribed' | 'refused';
  /** Staff photos the subscriber's channel could not show (Telegram files cannot reach Viber). */
  droppedPhotos: number;
  subscriberMessageIds: string[];
}

export interface AnswerReporter {
  /** 'later' when the group has no send free right now; a throw retries the report (never the delivery). */
  reportAnswer(report: AnswerReport): Promise<HandlerResult>;
}

export interface SubscriberDeliveryDeps {
  core: CoreDeps;
  notifiers: Partial<Record<Channel, SubscriberNotifier>>;
  /** The staff desk, told how each answer's delivery went; none: nobody is told. */
  reporter?: AnswerReporter;
  logger: Logger;
}

const DONE: HandlerResult = { kind: 'done' };

interface DeliveryRow {
  outcome: AnswerReport['outcome'];
  dropped_photos: number;
  subscriber_message_ids: string[];
  reported_at: Date | null;
}

/**
 * Outbox handlers for what subscribers are told on their own channel: staff answers, closed letters, corrected
 * readings, and "someone else linked your account". A subscriber who blocked the bot (or left Viber) is
 * 'done' — retrying would not reach them; a thrown error (network, 429, 5xx) retries with backoff.
 */
export function createSubscriberDeliveryHandlers(deps: SubscriberDeliveryDeps): OutboxHandlers {
  const { core, notifiers, reporter, logger } = deps;
  const db = core.db;

  function notifierFor(channel: Channel): SubscriberNotifier {
    const notifier = notifiers[channel];
    // Thrown, so the entry waits (and is parked after the retries) instead of being dropped unseen.
    if (!notifier) throw new Error(`no ${channel} notifier configured`);
    return notifier;
  }

  async function tell(subscriberId: number, message: (s: SubscriberView) => Promise<OutgoingMessage | null>): Promise<HandlerResult> {
    const subscriber = await getSubscriber(core, subscriberId);
    if (!subscriber) return DONE;
    const outgoing = await message(subscriber);
    if (!outgoing) return DONE;
    const result = await notifierFor(subscriber.channel).send({ channel: subscriber.channel, channelUserId: subscriber.channelUserId }, outgoing);
    if (result.kind === 'unreachable') logger.info({ subscriberId, reason: result.reason }, 'notice not delivered: subscriber unreachable');
    return DONE;
  }

  async function letterNumber(subscriberId: number, letterId: number): Promise<number | null> {
    const found = await getLetterForSubscriber(core, { subscriberId, letterId });
    return found.kind === 'found' ? found.letter.number : null;
  }

  async function deliverAnswer(payload: { letterId: number; letterMessageId: number; subscriberId: number }): Promise<AnswerReport | null> {
    const subscriber = await getSubscriber(core, payload.subscriberId);
    const letter = await getLetterForStaff(core, payload.letterId);
    const answer = letter?.messages.find((m) => m.id === payload.letterMessageId && m.author === 'staff');
    if (!subscriber || !letter || !answer) return null;
    // A Telegram file id means nothing to Viber, which needs a public URL we do not have: staff are told instead.
    const photos = answer.attachments.filter((a) => a.channel === subscriber.channel);
    const droppedPhotos = answer.attachments.length - photos.length;
    let result: DeliveryResult | 'refused';
    try {
      result = await notifierFor(subscriber.channel).send(
        { channel: subscriber.channel, channelUserId: subscriber.channelUserId },
        {
          text: notices.answer(letter.number, answer.text),
          ...(photos.length > 0 ? { photos } : {}),
          actions: [{ label: notices.myLettersButton, action: 'letters:list' }],
        },
      );
    } catch (error) {
      if (!isPermanent(error)) throw error;
      // Retrying the same refusal for hours would leave staff believing the answer went: they are told now.
      logger.error({ letterId: letter.letterId, err: error instanceof Error ? error.message : String(error) }, 'staff answer refused by the messenger');
      result = 'refused';
    }
    if (result === 'refused') {
      return { letterId: letter.letterId, letterMessageId: answer.id, channel: subscriber.channel, outcome: 'refused', droppedPhotos, subscriberMessageIds: [] };
    }
    return {
      letterId: letter.letterId,
      letterMessageId: answer.id,
      channel: subscriber.channel,
      outcome: result.kind === 'delivered' ? 'delivered' : result.reason,
      droppedPhotos,
      subscriberMessageIds: result.kind === 'delivered' ? result.messageIds : [],
    };
  }

  return {
    /**
     * Delivered once: the delivery is recorded before staff are told, so a retry of the telling (group busy,
     * Telegram down) finds the record and does not send the answer again.
     */
    'staff-answer': async (entry) => {
      const { letterId, letterMessageId } = entry.payload;
      const [recorded] = await db.sequelize.query<DeliveryRow>(
        `SELECT outcome, dropped_photos, subscriber_message_ids, reported_at FROM answer_deliveries WHERE letter_message_id = :letterMessageId`,
        { replacements: { letterMessageId }, type: QueryTypes.SELECT },
      );
      let report: AnswerReport;
      if (recorded) {
        if (recorded.reported_at !== null || !reporter) return DONE;
        const subscriber = await getSubscriber(core, entry.payload.subscriberId);
        report = {
          letterId,
          letterMessageId,
          channel: subscriber?.channel ?? 'telegram',
          outcome: recorded.outcome,
          droppedPhotos: recorded.dropped_photos,
          subscriberMessageIds: recorded.subscriber_message_ids,
        };
      } else {
        const delivered = await deliverAnswer(entry.payload);
        if (!delivered) return DONE;
        report = delivered;
        await db.sequelize.query(
          `INSERT INTO answer_deliveries (letter_message_id, outcome, dropped_photos, subscriber_message_ids, delivered_at)
           VALUES (:letterMessageId, :outcome, :droppedPhotos, :ids::jsonb, :now) ON CONFLICT DO NOTHING`,
          {
            replacements: {
              letterMessageId,
              outcome: report.outcome,
              droppedPhotos: report.droppedPhotos,
              ids: JSON.stringify(report.subscriberMessageIds),
              now: core.clock.now(),
            },
          },
        );
        if (!reporter) return DONE;
      }
      const told = await reporter.reportAnswer(report);
      if (told.kind === 'later') return told;
      await db.sequelize.query(`UPDATE answer_deliveries SET reported_at = :now WHERE letter_message_id = :letterMessageId`, {
        replacements: { letterMessageId, now: core.clock.now() },
      });
      return DONE;
    },

    'letter-closed': (entry) =>
      tell(entry.payload.subscriberId, async () => {
        const number = await letterNumber(entry.payload.subscriberId, entry.payload.letterId);
        return number === null ? null : { text: notices.letterClosed(number), actions: [{ label: notices.myLettersButton, action: 'letters:list' }] };
      }),

    'reading-corrected': (entry) =>
      tell(entry.payload.subscriberId, async () => {
        const { subscriberId, letterId, meterSerial, value } = entry.payload;
        const number = await letterNumber(subscriberId, letterId);
        return number === null ? null : { text: notices.readingCorrected(number, meterSerial, value) };
      }),

    'payment-receipt': (entry) =>
      tell(entry.payload.subscriberId, async () => {
        const payment = await paymentOfOrder(db, entry.payload.orderId);
        return payment ? { text: payments.receipt(payment, core.settings.timeZone) } : null;
      }),

    'account-linked': (entry) =>
      tell(entry.payload.subscriberId, async () => ({
        text: notices.accountLinked(entry.payload.accountNumber, entry.payload.address),
      })),
  };
}
