import { Op, QueryTypes } from 'sequelize';
import { localDate } from '../calendar.ts';
import { enqueue } from '../outbox.ts';
import type { ReadingCorrection } from '../../models/models.ts';
import type { ReadingsDeps, StaffCorrectionOutcome } from './types.ts';

interface LetterRow {
  id: number;
  subscriber_id: number | null;
  category: string;
  correction: ReadingCorrection | null;
}

/**
 * Staff accept a reading-correction letter: the corrected value becomes the meter's latest reading (it may
 * go down, and it ignores the once-a-day rule), the letter is closed and the subscriber is told — together.
 */
export async function applyStaffCorrection(
  deps: ReadingsDeps,
  input: { letterId: number; value?: number; staffName: string },
): Promise<StaffCorrectionOutcome> {
  const { db, clock, settings } = deps;
  const now = clock.now();
  const day = localDate(now, settings.timeZone);
  return db.sequelize.transaction(async (transaction): Promise<StaffCorrectionOutcome> => {
    // The row lock makes a second press wait for the first and then see its reading.
    const [letter] = await db.sequelize.query<LetterRow>(
      `SELECT id, subscriber_id, category, correction FROM letters WHERE id = :letterId FOR UPDATE`,
      { replacements: { letterId: input.letterId }, type: QueryTypes.SELECT, transaction },
    );
    if (!letter) return { kind: 'not-found' };
    const correction = letter.correction;
    if (letter.category !== 'reading-correction' || correction === null) return { kind: 'not-a-correction' };

    const [applied] = await db.sequelize.query<{ id: number }>(
      `SELECT id FROM readings WHERE letter_id = :letterId AND kind = 'staff-correction' LIMIT 1`,
      { replacements: { letterId: letter.id }, type: QueryTypes.SELECT, transaction },
    );
    if (applied) return { kind: 'already-applied' };

    const meter = await db.models.Meter.findByPk(correction.meterId, { transaction, lock: transaction.LOCK.NO_KEY_UPDATE });
    if (!meter) return { kind: 'meter-gone' };
    const value = input.value ?? correction.requestedValue;
    if (!Number.isSafeInteger(value) || value < 0) return { kind: 'invalid-value' };
    const maxValue = 10 ** meter.digits - 1;
    if (value > maxValue) return { kind: 'over-capacity', maxValue };

    const reading = await db.models.Reading.create(
      {
        meterId: meter.id,
        value,
        localDate: day,
        submittedAt: now,
        subscriberId: letter.subscriber_id,
        channel: 'staff',
        kind: 'staff-correction',
        staffName: input.staffName,
        letterId: letter.id,
      },
      { transaction },
    );
    await db.models.Letter.update(
      { status: 'closed', closedAt: now, closedBy: input.staffName },
      // A letter staff already closed keeps who closed it and when.
      { where: { id: letter.id, status: { [Op.ne]: 'closed' } }, transaction },
    );
    if (letter.subscriber_id !== null) {
      await enqueue(
        db.models,
        {
          kind: 'reading-corrected',
          payload: { letterId: letter.id, subscriberId: letter.subscriber_id, meterSerial: meter.serial, value },
        },
        { transaction, dedupeKey: `reading-corrected:${letter.id}`, at: now },
      );
    }
    return { kind: 'applied', readingId: reading.id, meterSerial: meter.serial, value, localDate: day };
  });
}
