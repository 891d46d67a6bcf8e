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

    const letter = await db.models.Letter.create(
      {
        subscriberId: subscriber.id,
        accountId,
        channel: subscriber.channel,
        category: input.category,
        text: checked.text,
        attachments: input.attachments.map(({ kind, ref, channel }) => ({ kind, ref, channel })),
        correction,
        createdAt: now,
      },
      { transaction },
    );
    await enqueue(
      db.models,
      { kind: 'letter-to-staff', payload: { letterId: letter.id } },
      { transaction, dedupeKey: `letter-to-staff:${letter.id}`, at: now },
    );
    return { kind: 'stored', letterId: letter.id, number: letter.id };
  });
}
