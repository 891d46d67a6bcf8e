import { QueryTypes } from 'sequelize';
import { enqueue } from '../outbox.ts';
import type { ReadingCorrection } from '../../models/models.ts';
import { emergencyForAccount } from '../outages/index.ts';
import { checkText } from './validate.ts';
import type { KnownEmergency, LettersDeps, WriteLetterInput, WriteLetterOutcome } from './types.ts';

/**
 * Stores the letter and, in the same transaction, the outbox entry that forwards it to staff: a letter is
 * never forwarded without being stored, nor stored and forgotten.
 */
export async function writeLetter(deps: LettersDeps, input: WriteLetterInput): Promise<WriteLetterOutcome> {
  const outcome = await storeLetter(deps, input);
  if (outcome.kind !== 'stored' || input.category !== 'emergency') return outcome;
  // After the commit: the embedded database has one connection, and the letter is safe whatever this finds.
  return { ...outcome, knownEmergency: await knownEmergencyFor(deps, input.subscriberId, outcome.letterId) };
}

/**
 * An emergency already announced at the address a leak letter is about (its account, or else any account the
 * writer linked): the writer is answered at once with it, since the crew is already on it.
 */
async function knownEmergencyFor(deps: LettersDeps, subscriberId: number, letterId: number): Promise<KnownEmergency | null> {
  const [letter] = await deps.db.sequelize.query<{ account_id: number | null }>(`SELECT account_id FROM letters WHERE id = :letterId`, {
    replacements: { letterId },
    type: QueryTypes.SELECT,
  });
  const accountIds =
    letter?.account_id != null
      ? [letter.account_id]
      : (
          await deps.db.sequelize.query<{ account_id: number }>(`SELECT account_id FROM links WHERE subscriber_id = :subscriberId ORDER BY account_id`, {
            replacements: { subscriberId },
            type: QueryTypes.SELECT,
          })
        ).map((l) => l.account_id);
  const now = deps.clock.now();
  for (const accountId of accountIds) {
    const outage = await emergencyForAccount(deps, accountId, now);
    if (outage) return outage;
  }
  return null;
}

async function storeLetter(deps: LettersDeps, input: WriteLetterInput): Promise<WriteLetterOutcome> {
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
