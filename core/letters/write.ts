import { QueryTypes } from 'sequelize';
import { enqueue } from '../outbox.ts';
import type { ReadingCorrection } from '../../models/models.ts';
import { checkText } from './validate.ts';
import type { LettersDeps, WriteLetterInput, WriteLetterOutcome } from './types.ts';

/**
 * Stores the letter and, in the same transaction, the outbox entry that forwards it to staff: a letter is
 * never forwarded without being stored, nor stored and forgotten.
 */
export async function writeLetter(deps: LettersDeps, input: WriteLetterInput): Promise<WriteLetterOutcome> {
  const { db, clock } = deps;
  const checked = checkText(input.text, input.attachments, { emptyAllowedWithAttachments: false });
  if (!checked.ok) return checked.refusal;
  const now = clock.now();

  return db.sequelize.transaction(async (transaction): Promise<WriteLetterOutcome> => {
    const subscriber = await db.models.Subscriber.findByPk(input.subscriberId, { transaction });
    if (!subscriber) throw new Error(`subscriber ${input.subscriberId} does not exist`);

    let accountId = input.accountId ?? null;
    let correction: ReadingCorrection | null = null;
    if (input.correction) {
      // The meter decides the account, and must be on one the subscriber linked: a correction is a claim about it.
      const [meter] = await db.sequelize.query<{ account_id: number; serial: string }>(
        `SELECT m.account_id, m.serial FROM meters m
           JOIN links l ON l.account_id = m.account_id AND l.subscriber_id = :subscriberId
          WHERE m.id = :meterId`,
        { replacements: { subscriberId: input.subscriberId, meterId: input.correction.meterId }, type: QueryTypes.SELECT, transaction },
      );
      if (!meter || (accountId !== null && accountId !== meter.account_id)) return { kind: 'not-linked' };
      accountId = meter.account_id;
      correction = { ...input.correction, meterSerial: meter.serial };
    } else if (accountId !== null) {
      const link = await db.models.Link.findOne({ where: { subscriberId: input.subscriberId, accountId }, transaction });
      if (!link) return { kind: 'not-linked' };
    }

    // The key's unique constraint decides between two requests that carry it: the second inserts nothing (it
    // waits for the first to commit) and finds the letter the first stored.
    const attachments = input.attachments.map(({ kind, ref, channel }) => ({ kind, ref, channel }));
    const [inserted] = await db.sequelize.query<{ id: number }>(
      `INSERT INTO letters (subscriber_id, account_id, channel, category, text, attachments, correction, created_at, idempotency_key)
       VALUES (:subscriberId, :accountId, :channel, :category, :text, :attachments::jsonb, :correction::jsonb, :createdAt, :key)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id`,
      {
        replacements: {
          subscriberId: subscriber.id,
          accountId,
          channel: subscriber.channel,
          category: input.category,
          text: checked.text,
          attachments: JSON.stringify(attachments),
          correction: correction === null ? null : JSON.stringify(correction),
          createdAt: now,
          key: input.idempotencyKey ?? null,
        },
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    if (!inserted) {
      const [earlier] = await db.sequelize.query<{ id: number; subscriber_id: number | null }>(
        `SELECT id, subscriber_id FROM letters WHERE idempotency_key = :key`,
        { replacements: { key: input.idempotencyKey }, type: QueryTypes.SELECT, transaction },
      );
      if (!earlier || earlier.subscriber_id !== subscriber.id) throw new Error('letter idempotency key belongs to another letter');
      return { kind: 'stored', letterId: earlier.id, number: earlier.id, alreadyStored: true };
    }
    const letter = { id: inserted.id };
    await enqueue(
      db.models,
      { kind: 'letter-to-staff', payload: { letterId: letter.id } },
      { transaction, dedupeKey: `letter-to-staff:${letter.id}`, at: now },
    );
    return { kind: 'stored', letterId: letter.id, number: letter.id, alreadyStored: false };
  });
}
