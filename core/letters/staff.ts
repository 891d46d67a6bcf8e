import { QueryTypes, type Transaction } from 'sequelize';
import { enqueue } from '../outbox.ts';
import type { Database } from '../../models/database.ts';
import type { Attachment, LetterStatus } from '../../models/models.ts';
import { checkText } from './validate.ts';
import type { AddNoteOutcome, AnswerLetterOutcome, CloseLetterOutcome, LettersDeps } from './types.ts';

interface LockedLetter {
  id: number;
  subscriber_id: number | null;
  status: LetterStatus;
}

/** Two staff members acting on one letter take turns on its row. */
async function lockLetter(db: Database, letterId: number, transaction: Transaction): Promise<LockedLetter | undefined> {
  const [letter] = await db.sequelize.query<LockedLetter>(
    `SELECT id, subscriber_id, status FROM letters WHERE id = :letterId FOR UPDATE`,
    { replacements: { letterId }, type: QueryTypes.SELECT, transaction },
  );
  return letter;
}

const plainAttachments = (attachments: readonly Attachment[]): Attachment[] =>
  attachments.map(({ kind, ref, channel }) => ({ kind, ref, channel }));

/** Stores the answer and queues its delivery to the subscriber, together. */
export async function answerLetter(
  deps: LettersDeps,
  input: { letterId: number; staffName: string; text: string; attachments?: Attachment[] },
): Promise<AnswerLetterOutcome> {
  const { db, clock } = deps;
  const attachments = input.attachments ?? [];
  const checked = checkText(input.text, attachments, { emptyAllowedWithAttachments: true });
  if (!checked.ok) return checked.refusal;
  const now = clock.now();
  return db.sequelize.transaction(async (transaction): Promise<AnswerLetterOutcome> => {
    const letter = await lockLetter(db, input.letterId, transaction);
    if (!letter) return { kind: 'not-found' };
    if (letter.subscriber_id === null) return { kind: 'subscriber-gone' };
    const message = await db.models.LetterMessage.create(
      {
        letterId: letter.id,
        author: 'staff',
        staffName: input.staffName,
        text: checked.text,
        attachments: plainAttachments(attachments),
        createdAt: now,
      },
      { transaction },
    );
    await db.models.Letter.update(
      // A closed letter stays closed; the answer still reaches the subscriber.
      letter.status === 'closed' ? { answeredAt: now } : { status: 'answered', answeredAt: now },
      { where: { id: letter.id }, transaction },
    );
    await enqueue(
      db.models,
      { kind: 'staff-answer', payload: { letterId: letter.id, letterMessageId: message.id, subscriberId: letter.subscriber_id } },
      { transaction, dedupeKey: `staff-answer:${message.id}`, at: now },
    );
    return { kind: 'answered', letterMessageId: message.id };
  });
}

/** An internal note: staff only, never sent, never shown to the subscriber. */
export async function addNote(
  deps: LettersDeps,
  input: { letterId: number; staffName: string; text: string },
): Promise<AddNoteOutcome> {
  const { db, clock } = deps;
  const checked = checkText(input.text, [], { emptyAllowedWithAttachments: false });
  if (!checked.ok) return checked.refusal;
  const now = clock.now();
  return db.sequelize.transaction(async (transaction): Promise<AddNoteOutcome> => {
    const letter = await lockLetter(db, input.letterId, transaction);
    if (!letter) return { kind: 'not-found' };
    const message = await db.models.LetterMessage.create(
      { letterId: letter.id, author: 'note', staffName: input.staffName, text: checked.text, createdAt: now },
      { transaction },
    );
    return { kind: 'noted', letterMessageId: message.id };
  });
}

export async function closeLetter(
  deps: LettersDeps,
  input: { letterId: number; staffName: string },
): Promise<CloseLetterOutcome> {
  const { db, clock } = deps;
  const now = clock.now();
  return db.sequelize.transaction(async (transaction): Promise<CloseLetterOutcome> => {
    const letter = await lockLetter(db, input.letterId, transaction);
    if (!letter) return { kind: 'not-found' };
    if (letter.status === 'closed') return { kind: 'already-closed' };
    await db.models.Letter.update(
      { status: 'closed', closedAt: now, closedBy: input.staffName },
      { where: { id: letter.id }, transaction },
    );
    if (letter.subscriber_id !== null) {
      await enqueue(
        db.models,
        { kind: 'letter-closed', payload: { letterId: letter.id, subscriberId: letter.subscriber_id } },
        { transaction, dedupeKey: `letter-closed:${letter.id}`, at: now },
      );
    }
    return { kind: 'closed' };
  });
}
