import type { Transaction } from 'sequelize';
import type { CoreDeps } from '../deps.ts';
import { enqueue } from '../outbox.ts';
import type { Database } from '../../models/database.ts';
import { handleSms } from './handle.ts';
import { fitSmsReply } from './parts.ts';
import type { SmsOutcome } from './types.ts';

// The channel's own rules around core's answer to an SMS: how many SMS a phone gets handled a day, that an unknown
// number is answered once a day, that a reply fits the part limit, and whether replies are sent at all. The adapter passes its settings and words
// the answer; what is decided here is the same whatever carries the SMS.

/** SMS_PER_PHONE_PER_DAY and SMS_REPLIES, as the adapter's config has them. */
export interface SmsLimits {
  /** SMS handled per phone and local day; the rest are kept but not read. */
  perPhonePerDay: number;
  /** false: readings are taken, nothing is sent back. */
  replies: boolean;
}

/** What an SMS is answered with: core's outcome, or the notice that the phone's day is over. */
export type SmsAnswer = SmsOutcome | { kind: 'limit-reached' };

export interface AnsweredSms {
  phone: string;
  /** What became of it, recorded on the inbox row: core's outcome, or 'over-limit' (not read). */
  outcome: SmsOutcome['kind'] | 'over-limit';
  /** The reply queued, or null when none is sent. */
  reply: string | null;
}

/** Every query of the SMS in the one transaction (and none outside it, which the embedded database would wait on). */
function boundTo(db: Database, transaction: Transaction): Database {
  return { ...db, hot: (text, values, options) => db.hot(text, values, { transaction, ...options }) };
}

/**
 * Handles one kept SMS (a row of sms_inbox not yet done): the phone's daily limit, core's answer by the readings
 * rules, the reply worded by `word` and queued in the outbox. The readings it stores, the outcome on the inbox row
 * and the reply commit together, so an SMS whose handling was cut short (the process killed) is handled again from
 * scratch and gets the answer it would have got — never «already taken today» for its own reading. Returns null
 * when the SMS is already done (or is not a message).
 */
export async function answerInboxSms(
  deps: CoreDeps,
  id: number,
  options: { limits: SmsLimits; word: (answer: SmsAnswer) => string },
): Promise<AnsweredSms | null> {
  const { limits, word } = options;
  return deps.db.sequelize.transaction(async (transaction) => {
    const db = boundTo(deps.db, transaction);
    // Locked: a second handler of the same SMS waits here and then finds it done.
    const [row] = await db.hot<{ phone: string; text: string; handled: string; unknown_replies: string }>(
      `SELECT i.phone, i.text,
              (SELECT count(*) FROM sms_inbox e
                WHERE e.phone = i.phone AND e.local_date = i.local_date AND e.kind = 'message' AND e.id < i.id) AS handled,
              (SELECT count(*) FROM sms_inbox e
                WHERE e.phone = i.phone AND e.local_date = i.local_date AND e.kind = 'message' AND e.id < i.id
                  AND e.replied = 'unknown-phone') AS unknown_replies
         FROM sms_inbox i WHERE i.id = $1 AND i.done_at IS NULL AND i.kind = 'message' FOR UPDATE OF i`,
      [id],
    );
    if (!row) return null;
    // Counted from the inbox itself (the SMS before this one that day), so handling it again counts the same.
    const handledBefore = Number(row.handled);
    let outcome: AnsweredSms['outcome'];
    let answer: SmsAnswer | null = null;
    if (handledBefore >= limits.perPhonePerDay) {
      outcome = 'over-limit';
      // Told once, at the first SMS over the limit; the rest of the day is silent.
      if (handledBefore === limits.perPhonePerDay) answer = { kind: 'limit-reached' };
    } else {
      const result = await handleSms({ ...deps, db }, { phone: row.phone, text: row.text });
      outcome = result.kind;
      // An unknown number costs one reply a day, however often it writes.
      const silent = result.kind === 'unknown-phone' && Number(row.unknown_replies) > 0;
      if (!silent) answer = result;
    }
    // The part limit holds whatever the wording: a reply never costs more than SMS_MAX_PARTS.
    const reply = answer !== null && limits.replies ? fitSmsReply(word(answer)) : null;
    await db.hot(`UPDATE sms_inbox SET done_at = $1, outcome = $2, replied = $3 WHERE id = $4`, [
      deps.clock.now(),
      outcome,
      reply === null ? null : outcome,
      id,
    ]);
    if (reply !== null) {
      await enqueue(deps.db.models, { kind: 'sms-reply', payload: { inboxId: id, phone: row.phone, text: reply } }, {
        transaction,
        dedupeKey: `sms-reply:${id}`,
      });
    }
    return { phone: row.phone, outcome, reply };
  });
}
