import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { writeLetter } from '../../../core/letters/index.ts';
import { applyStaffCorrection, meterChoices, submitReading } from '../../../core/readings/index.ts';
import type { ReadingCorrection } from '../../../models/models.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLinkedMeter, coreDeps, type LinkedMeter } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const clock = new FixedClock(new Date('2026-11-25T10:00:00Z'));
const deps = () => coreDeps(db, clock);
beforeEach(() => clock.set('2026-11-25T10:00:00Z'));

async function correctionLetter(linked: LinkedMeter, requestedValue: number): Promise<number> {
  const refused = await submitReading(deps(), {
    subscriberId: linked.subscriber.id,
    meterId: linked.meter.id,
    value: requestedValue,
    confirmed: false,
    channel: 'telegram',
  });
  if (refused.kind !== 'lower') throw new Error(`expected a lower refusal, got ${refused.kind}`);
  const stored = await writeLetter(deps(), {
    subscriberId: linked.subscriber.id,
    category: 'reading-correction',
    text: 'Лічильник замінили, прошу виправити показник',
    attachments: [],
    correction: refused.correction,
  });
  if (stored.kind !== 'stored') throw new Error(`expected a stored letter, got ${stored.kind}`);
  return stored.letterId;
}

const outboxOf = (kind: string) => db.models.OutboxMessage.findAll({ where: { kind }, raw: true });

describe('a staff correction', () => {
  it('applies the lower value, closes the letter and tells the subscriber, once', async () => {
    const linked = await aLinkedMeter(db); // billing: 120
    const letterId = await correctionLetter(linked, 95);
    clock.set('2026-11-27T09:00:00Z');

    const outcome = await applyStaffCorrection(deps(), { letterId, staffName: 'Марія Коваль' });
    const readings = await db.models.Reading.findAll({ where: { meterId: linked.meter.id }, raw: true });
    expect(readings).toHaveLength(1);
    expect(outcome).toEqual({
      kind: 'applied',
      readingId: readings[0]!.id,
      meterSerial: linked.meter.serial,
      value: 95,
      localDate: '2026-11-27',
    });
    expect(readings[0]).toMatchObject({
      value: 95,
      kind: 'staff-correction',
      channel: 'staff',
      staffName: 'Марія Коваль',
      letterId,
      localDate: '2026-11-27',
    });
    const letter = await db.models.Letter.findByPk(letterId, { raw: true });
    expect(letter).toMatchObject({ status: 'closed', closedBy: 'Марія Коваль' });
    expect(new Date(letter!.closedAt!).toISOString()).toBe('2026-11-27T09:00:00.000Z');
    const corrected = (await outboxOf('reading-corrected')).filter((m) => m.payload.letterId === letterId);
    expect(corrected.map((m) => m.payload)).toEqual([
      { letterId, subscriberId: linked.subscriber.id, meterSerial: linked.meter.serial, value: 95 },
    ]);

    expect(await applyStaffCorrection(deps(), { letterId, staffName: 'Марія Коваль' })).toEqual({ kind: 'already-applied' });
    expect(await db.models.Reading.count({ where: { meterId: linked.meter.id } })).toBe(1);
    expect((await outboxOf('reading-corrected')).filter((m) => m.payload.letterId === letterId)).toHaveLength(1);

    // The corrected value is now the last one: the subscriber goes on from it.
    const [account] = await meterChoices(deps(), linked.subscriber.id);
    expect(account!.meters[0]).toMatchObject({ lastValue: 95, submittedToday: false });
    const next = await submitReading(deps(), {
      subscriberId: linked.subscriber.id,
      meterId: linked.meter.id,
      value: 96,
      confirmed: false,
      channel: 'telegram',
    });
    expect(next).toMatchObject({ kind: 'accepted', receipt: { previousValue: 95, consumption: 1 } });
  });

  it('takes the value staff give, even the same day as the subscriber’s own reading', async () => {
    const linked = await aLinkedMeter(db);
    const letterId = await correctionLetter(linked, 110);
    const accepted = await submitReading(deps(), {
      subscriberId: linked.subscriber.id,
      meterId: linked.meter.id,
      value: 130,
      confirmed: false,
      channel: 'viber',
    });
    expect(accepted.kind).toBe('accepted');
    expect(await applyStaffCorrection(deps(), { letterId, value: 112, staffName: 'Петро' })).toMatchObject({
      kind: 'applied',
      value: 112,
      localDate: '2026-11-25',
    });
    const [account] = await meterChoices(deps(), linked.subscriber.id);
    expect(account!.meters[0]).toMatchObject({ lastValue: 112 });
  });

  it('applies once when pressed twice at the same moment', async () => {
    const linked = await aLinkedMeter(db);
    const letterId = await correctionLetter(linked, 100);
    const outcomes = await Promise.all([
      applyStaffCorrection(deps(), { letterId, staffName: 'Марія' }),
      applyStaffCorrection(deps(), { letterId, staffName: 'Петро' }),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['already-applied', 'applied']);
    expect(await db.models.Reading.count({ where: { letterId } })).toBe(1);
  });

  it('refuses letters that are not corrections, unknown letters and impossible values', async () => {
    const linked = await aLinkedMeter(db, { meter: { digits: 4 } });
    const question = await writeLetter(deps(), {
      subscriberId: linked.subscriber.id,
      category: 'question',
      text: 'Коли буде вода?',
      attachments: [],
    });
    if (question.kind !== 'stored') throw new Error(question.kind);
    expect(await applyStaffCorrection(deps(), { letterId: question.letterId, staffName: 'Марія' })).toEqual({
      kind: 'not-a-correction',
    });
    expect(await applyStaffCorrection(deps(), { letterId: 987_654, staffName: 'Марія' })).toEqual({ kind: 'not-found' });

    const letterId = await correctionLetter(linked, 100);
    expect(await applyStaffCorrection(deps(), { letterId, value: 10_000, staffName: 'Марія' })).toEqual({
      kind: 'over-capacity',
      maxValue: 9999,
    });
    expect(await applyStaffCorrection(deps(), { letterId, value: -5, staffName: 'Марія' })).toEqual({ kind: 'invalid-value' });
    expect(await db.models.Reading.count({ where: { letterId } })).toBe(0);
    expect(await db.models.Letter.findByPk(letterId, { raw: true })).toMatchObject({ status: 'new' });
  });

  it('still applies after the subscriber erased their data, telling no one', async () => {
    const linked = await aLinkedMeter(db);
    const letterId = await correctionLetter(linked, 101);
    const correction = (await db.models.Letter.findByPk(letterId, { raw: true }))!.correction as ReadingCorrection;
    expect(correction).toEqual({ meterId: linked.meter.id, meterSerial: linked.meter.serial, lastValue: 120, requestedValue: 101 });
    await linked.subscriber.destroy();
    expect(await applyStaffCorrection(deps(), { letterId, staffName: 'Марія' })).toMatchObject({ kind: 'applied', value: 101 });
    expect((await outboxOf('reading-corrected')).filter((m) => m.payload.letterId === letterId)).toHaveLength(0);
  });
});
