import { QueryTypes, type Transaction } from 'sequelize';
import { localDate } from '../../core/calendar.ts';
import { normalizePhone } from '../../core/parse.ts';
import { answerInboxSms } from '../../core/sms/index.ts';
import type { CoreDeps } from '../../core/deps.ts';
import type { Logger } from '../logger.ts';
import { smsAnswerText } from '../texts/sms.ts';
import { textHash, type Incoming } from './incoming.ts';
import type { SmsSettings } from './settings.ts';

// Every incoming SMS is written here before deliver_sm_resp goes out, so one the app crashed on is still handled
// (by this instance after it binds again, or by the one that takes the bind over), and one the SMSC delivers
// twice (its resp was lost with the connection) is kept once. The reply is queued in the outbox in the same
// transaction that marks the SMS handled, so it is sent once, whatever restarts in between.

/** The same text from the same phone within this time is the SMSC delivering it again, not a new SMS. */
export const REDELIVERY_WINDOW_MS = 10 * 60 * 1000;
/** Parts of a long SMS whose other parts never came are forgotten after a day. */
const PARTS_KEPT_MS = 24 * 60 * 60 * 1000;

export type Stored = { kind: 'stored'; id: number } | { kind: 'duplicate' } | { kind: 'part-kept' } | { kind: 'receipt' } | { kind: 'ignored' };

/** A phone as the inbox keys it: '380…' when it is a Ukrainian number, else as the SMSC gave it. */
const phoneOf = (sender: string) => normalizePhone(sender) ?? sender.slice(0, 32);

export async function storeIncoming(core: CoreDeps, incoming: Incoming | null): Promise<Stored> {
  if (incoming === null) return { kind: 'ignored' };
  const { db, clock, settings } = core;
  const now = clock.now();
  const day = localDate(now, settings.timeZone);
  if (incoming.kind === 'receipt') {
    await db.sequelize.transaction(async (transaction) => {
      await lockMessageId(core, transaction, incoming.messageId);
      await db.sequelize.query(
        `UPDATE sms_sent SET receipt_state = :state, receipt_at = :now WHERE message_id = :id`,
        { replacements: { state: incoming.state.slice(0, 16), now, id: incoming.messageId }, transaction },
      );
      await db.sequelize.query(
        `INSERT INTO sms_inbox (dedupe_key, phone, text_hash, text, kind, received_at, local_date, done_at, outcome)
         VALUES (:key, '', '', :id, 'receipt', :now, :day, :now, :state) ON CONFLICT (dedupe_key) DO NOTHING`,
        {
          replacements: { key: `receipt:${incoming.messageId}:${incoming.state}`, id: incoming.messageId, now, day, state: incoming.state.slice(0, 16) },
          transaction,
        },
      );
    });
    return { kind: 'receipt' };
  }
  const phone = phoneOf(incoming.sender);
  return db.sequelize.transaction(async (transaction): Promise<Stored> => {
    let text: string;
    let key: string;
    if (incoming.kind === 'part') {
      await db.sequelize.query(`DELETE FROM sms_parts WHERE received_at < :before`, {
        replacements: { before: new Date(now.getTime() - PARTS_KEPT_MS) },
        transaction,
      });
      await db.sequelize.query(
        `INSERT INTO sms_parts (phone, ref, total, seqnum, text, received_at) VALUES (:phone, :ref, :total, :seqnum, :text, :now)
         ON CONFLICT DO NOTHING`,
        { replacements: { phone, ref: incoming.ref, total: incoming.total, seqnum: incoming.seqnum, text: incoming.text, now }, transaction },
      );
      const parts = await db.sequelize.query<{ text: string }>(
        `SELECT text FROM sms_parts WHERE phone = :phone AND ref = :ref AND total = :total ORDER BY seqnum FOR UPDATE`,
        { replacements: { phone, ref: incoming.ref, total: incoming.total }, type: QueryTypes.SELECT, transaction },
      );
      if (parts.length < incoming.total) return { kind: 'part-kept' };
      await db.sequelize.query(`DELETE FROM sms_parts WHERE phone = :phone AND ref = :ref AND total = :total`, {
        replacements: { phone, ref: incoming.ref, total: incoming.total },
        transaction,
      });
      text = parts.map((p) => p.text).join('');
      key = `concat:${phone}:${incoming.ref}:${incoming.total}:${textHash(text)}`;
    } else {
      text = incoming.text;
      key = incoming.key;
    }
    const hash = textHash(text);
    const [recent] = await db.sequelize.query<{ id: number }>(
      `SELECT id FROM sms_inbox WHERE phone = :phone AND text_hash = :hash AND received_at > :since AND kind = 'message' LIMIT 1`,
      { replacements: { phone, hash, since: new Date(now.getTime() - REDELIVERY_WINDOW_MS) }, type: QueryTypes.SELECT, transaction },
    );
    if (recent) return { kind: 'duplicate' };
    const inserted = await db.sequelize.query<{ id: string }>(
      `INSERT INTO sms_inbox (dedupe_key, phone, text_hash, text, kind, received_at, local_date)
       VALUES (:key, :phone, :hash, :text, 'message', :now, :day)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      { replacements: { key, phone, hash, text: text.slice(0, 2000), now, day }, type: QueryTypes.SELECT, transaction },
    );
    return inserted[0] ? { kind: 'stored', id: Number(inserted[0].id) } : { kind: 'duplicate' };
  });
}

// A receipt may come back before the part it is about is recorded (the SMSC is quick): the two take turns on
// the message id, so whichever is second sees the other.
async function lockMessageId(core: CoreDeps, transaction: Transaction, messageId: string): Promise<void> {
  await core.db.sequelize.query(`SELECT pg_advisory_xact_lock(727018, hashtext(:messageId))`, {
    replacements: { messageId },
    type: QueryTypes.SELECT,
    transaction,
  });
}

/** One part of a reply the SMSC accepted: counted for the day, matched with its delivery receipt. */
export async function recordSentPart(core: CoreDeps, sent: { outboxId: number; part: number; messageId: string | null }): Promise<void> {
  const now = core.clock.now();
  await core.db.sequelize.transaction(async (transaction) => {
    if (sent.messageId !== null) await lockMessageId(core, transaction, sent.messageId);
    await core.db.sequelize.query(
      `INSERT INTO sms_sent (outbox_id, part, message_id, sent_at, local_date, receipt_state, receipt_at)
       SELECT :outboxId, :part, CAST(:messageId AS text), :now, :day, r.outcome, r.received_at
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (SELECT outcome, received_at FROM sms_inbox
                             WHERE kind = 'receipt' AND text = CAST(:messageId AS text) ORDER BY id DESC LIMIT 1) r ON true
       ON CONFLICT (outbox_id, part) DO NOTHING`,
      { replacements: { ...sent, now, day: localDate(now, core.settings.timeZone) }, transaction },
    );
  });
}

/** Reply parts the SMSC accepted on a local day (what the provider bills). */
export async function partsSentOn(core: CoreDeps, day: string): Promise<number> {
  const [row] = await core.db.sequelize.query<{ parts: string }>(`SELECT count(*) AS parts FROM sms_sent WHERE local_date = :day`, {
    replacements: { day },
    type: QueryTypes.SELECT,
  });
  return Number(row?.parts ?? 0);
}

export async function pendingInbox(core: CoreDeps): Promise<number[]> {
  const rows = await core.db.sequelize.query<{ id: string }>(
    `SELECT id FROM sms_inbox WHERE done_at IS NULL ORDER BY id LIMIT 500`,
    { type: QueryTypes.SELECT },
  );
  return rows.map((row) => Number(row.id));
}

/**
 * Handles one kept SMS by core's rules (core/sms/answer.ts: the daily limits, the readings, the reply queued with
 * the outcome in one transaction), worded in Ukrainian; a second call for the same SMS does nothing.
 */
export async function handleInboxRow(
  deps: { core: CoreDeps; settings: Pick<SmsSettings, 'perPhonePerDay' | 'replies'>; logger: Logger },
  id: number,
): Promise<void> {
  const { core, settings, logger } = deps;
  const answered = await answerInboxSms(core, id, {
    limits: { perPhonePerDay: settings.perPhonePerDay, replies: settings.replies },
    word: smsAnswerText,
  });
  if (answered) logger.info({ smsId: id, phone: answered.phone, outcome: answered.outcome, replied: answered.reply !== null }, 'sms handled');
}
