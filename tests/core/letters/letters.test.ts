import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import {
  addNote,
  answerLetter,
  closeLetter,
  getLetterForStaff,
  getLetterForSubscriber,
  listLetters,
  openLetters,
  writeLetter,
  type WriteLetterInput,
} from '../../../core/letters/index.ts';
import type { Attachment } from '../../../models/models.ts';
import { aLink, aMeter, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLinkedMeter, coreDeps } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const clock = new FixedClock(new Date('2026-11-25T10:00:00Z'));
const deps = () => coreDeps(db, clock);
const photo = (ref: string): Attachment => ({ kind: 'photo', ref, channel: 'telegram' });

async function stored(input: WriteLetterInput): Promise<number> {
  const outcome = await writeLetter(deps(), input);
  if (outcome.kind !== 'stored') throw new Error(`expected stored, got ${outcome.kind}`);
  return outcome.letterId;
}

const counts = async () => ({ letters: await db.models.Letter.count(), outbox: await db.models.OutboxMessage.count() });

describe('writing a letter', () => {
  it('refuses empty and too long texts and too many photos, storing nothing', async () => {
    const subscriber = await aSubscriber(db);
    const before = await counts();
    const base = { subscriberId: subscriber.id, category: 'question' as const, attachments: [] };
    expect(await writeLetter(deps(), { ...base, text: '  \n ' })).toEqual({ kind: 'empty' });
    expect(await writeLetter(deps(), { ...base, text: '', attachments: [photo('p1')] })).toEqual({ kind: 'empty' });
    expect(await writeLetter(deps(), { ...base, text: 'я'.repeat(4001) })).toEqual({ kind: 'too-long', max: 4000, length: 4001 });
    const eleven = Array.from({ length: 11 }, (_, i) => photo(`p${i}`));
    expect(await writeLetter(deps(), { ...base, text: 'Фото витоку', attachments: eleven })).toEqual({
      kind: 'too-many-attachments',
      max: 10,
    });
    expect(await counts()).toEqual(before);

    // 4000 characters as people count them (and PostgreSQL does), even when each takes two UTF-16 units.
    const emoji = await writeLetter(deps(), { ...base, text: `  ${'💧'.repeat(4000)}  ` });
    expect(emoji.kind).toBe('stored');
    const ten = await writeLetter(deps(), { ...base, text: 'Фото', attachments: eleven.slice(0, 10) });
    expect(ten.kind).toBe('stored');
  });

  it('stores the letter and its outbox entry together', async () => {
    const subscriber = await aSubscriber(db, { channel: 'viber', channelUserId: 'viber-writer' });
    const account = await anAccount(db);
    await aLink(db, subscriber, account);
    clock.set('2026-11-25T11:22:33Z');
    const outcome = await writeLetter(deps(), {
      subscriberId: subscriber.id,
      accountId: account.id,
      category: 'emergency',
      text: '  Тече труба у підвалі  ',
      attachments: [{ kind: 'photo', ref: 'https://media.viber/abc', channel: 'viber' }],
    });
    expect(outcome).toMatchObject({ kind: 'stored' });
    if (outcome.kind !== 'stored') return;
    expect(outcome.number).toBe(outcome.letterId);
    const letter = await db.models.Letter.findByPk(outcome.letterId, { raw: true });
    expect(letter).toMatchObject({
      subscriberId: subscriber.id,
      accountId: account.id,
      channel: 'viber',
      category: 'emergency',
      text: 'Тече труба у підвалі',
      attachments: [{ kind: 'photo', ref: 'https://media.viber/abc', channel: 'viber' }],
      correction: null,
      status: 'new',
    });
    expect(new Date(letter!.createdAt).toISOString()).toBe('2026-11-25T11:22:33.000Z');
    const outbox = await db.models.OutboxMessage.findAll({ where: { dedupeKey: `letter-to-staff:${outcome.letterId}` }, raw: true });
    expect(outbox.map((m) => [m.kind, m.payload, m.status])).toEqual([['letter-to-staff', { letterId: outcome.letterId }, 'pending']]);
  });

  it('keeps no letter when its outbox entry cannot be written', async () => {
    const subscriber = await aSubscriber(db);
    await db.sequelize.query(`
      CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox down'; END $$;
      CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse_outbox();
    `);
    try {
      const before = await counts();
      await expect(
        writeLetter(deps(), { subscriberId: subscriber.id, category: 'question', text: 'Питання', attachments: [] }),
      ).rejects.toThrow(/outbox down/);
      expect(await counts()).toEqual(before);
    } finally {
      await db.sequelize.query('DROP TRIGGER refuse_outbox ON outbox; DROP FUNCTION refuse_outbox();');
    }
  });

  it('takes only an account the subscriber linked', async () => {
    const subscriber = await aSubscriber(db);
    const stranger = await anAccount(db);
    expect(
      await writeLetter(deps(), { subscriberId: subscriber.id, accountId: stranger.id, category: 'data-correction', text: 'Змініть прізвище', attachments: [] }),
    ).toEqual({ kind: 'not-linked' });
  });

  it('files a reading correction under the meter’s account, only for a linked meter', async () => {
    const mine = await aLinkedMeter(db);
    const theirs = await aLinkedMeter(db);
    const correction = { meterId: theirs.meter.id, meterSerial: theirs.meter.serial, lastValue: 120, requestedValue: 90 };
    const base = { subscriberId: mine.subscriber.id, category: 'reading-correction' as const, text: 'Виправте', attachments: [] };
    expect(await writeLetter(deps(), { ...base, correction })).toEqual({ kind: 'not-linked' });

    const own = { meterId: mine.meter.id, meterSerial: 'whatever the bot said', lastValue: 120, requestedValue: 90 };
    const otherAccount = await anAccount(db);
    await aLink(db, mine.subscriber, otherAccount);
    expect(await writeLetter(deps(), { ...base, accountId: otherAccount.id, correction: own })).toEqual({ kind: 'not-linked' });
    const letterId = await stored({ ...base, correction: own });
    expect(await db.models.Letter.findByPk(letterId, { raw: true })).toMatchObject({
      accountId: mine.account.id,
      correction: { meterId: mine.meter.id, meterSerial: mine.meter.serial, lastValue: 120, requestedValue: 90 },
    });
  });
});

describe('staff and subscriber on one letter', () => {
  it('answers, notes and closes; the subscriber sees the answer but never the note', async () => {
    const subscriber = await aSubscriber(db, { name: 'Оксана', phone: '380671234567' });
    const account = await anAccount(db, { number: '555001', address: 'вул. Лісна, 5', balanceKop: -12_345 });
    await aMeter(db, account);
    await aLink(db, subscriber, account);
    clock.set('2026-11-25T09:00:00Z');
    const letterId = await stored({ subscriberId: subscriber.id, accountId: account.id, category: 'question', text: 'Чому такий рахунок?', attachments: [] });

    clock.set('2026-11-25T12:00:00Z');
    const note = await addNote(deps(), { letterId, staffName: 'Марія', text: 'Перевірити показники за жовтень' });
    expect(note).toMatchObject({ kind: 'noted' });
    const answer = await answerLetter(deps(), { letterId, staffName: 'Марія', text: ' Перерахунок зроблено ', attachments: [photo('scan')] });
    expect(answer).toMatchObject({ kind: 'answered' });
    if (answer.kind !== 'answered') return;

    expect(await db.models.Letter.findByPk(letterId, { raw: true })).toMatchObject({ status: 'answered' });
    const answers = await db.models.OutboxMessage.findAll({ where: { kind: 'staff-answer' }, raw: true });
    expect(answers.map((m) => m.payload)).toEqual([{ letterId, letterMessageId: answer.letterMessageId, subscriberId: subscriber.id }]);
    expect(await db.models.OutboxMessage.count({ where: { kind: 'letter-to-staff', dedupeKey: `letter-to-staff:${letterId}` } })).toBe(1);

    const seen = await getLetterForSubscriber(deps(), { subscriberId: subscriber.id, letterId });
    expect(seen).toMatchObject({
      kind: 'found',
      letter: {
        letterId,
        number: letterId,
        status: 'answered',
        accountNumber: '555001',
        answeredAt: '2026-11-25T12:00:00.000Z',
        closedAt: null,
        messages: [{ id: answer.letterMessageId, author: 'staff', text: 'Перерахунок зроблено', attachments: [photo('scan')], createdAt: '2026-11-25T12:00:00.000Z' }],
      },
    });
    const listed = await listLetters(deps(), subscriber.id);
    expect(JSON.stringify(listed)).not.toContain('Перевірити показники');
    expect(JSON.stringify(listed)).not.toContain('Марія');

    const forStaff = await getLetterForStaff(deps(), letterId);
    expect(forStaff).toMatchObject({
      letterId,
      status: 'answered',
      text: 'Чому такий рахунок?',
      subscriber: { subscriberId: subscriber.id, channel: 'telegram', name: 'Оксана', phone: '380671234567' },
      account: { accountId: account.id, number: '555001', address: 'вул. Лісна, 5', balanceKop: -12_345 },
    });
    expect(forStaff!.messages.map((m) => [m.author, m.staffName, m.text])).toEqual([
      ['note', 'Марія', 'Перевірити показники за жовтень'],
      ['staff', 'Марія', 'Перерахунок зроблено'],
    ]);

    clock.set('2026-11-25T13:00:00Z');
    expect(await closeLetter(deps(), { letterId, staffName: 'Петро' })).toEqual({ kind: 'closed' });
    expect(await closeLetter(deps(), { letterId, staffName: 'Петро' })).toEqual({ kind: 'already-closed' });
    const closed = await db.models.Letter.findByPk(letterId, { raw: true });
    expect(closed).toMatchObject({ status: 'closed', closedBy: 'Петро' });
    expect(new Date(closed!.closedAt!).toISOString()).toBe('2026-11-25T13:00:00.000Z');
    const closings = await db.models.OutboxMessage.findAll({ where: { kind: 'letter-closed' }, raw: true });
    expect(closings.map((m) => m.payload)).toEqual([{ letterId, subscriberId: subscriber.id }]);

    // An answer after closing still goes out, and the letter stays closed.
    expect(await answerLetter(deps(), { letterId, staffName: 'Петро', text: 'Доповнення' })).toMatchObject({ kind: 'answered' });
    expect(await db.models.Letter.findByPk(letterId, { raw: true })).toMatchObject({ status: 'closed' });
  });

  it('refuses empty answers and notes, and unknown letters', async () => {
    const subscriber = await aSubscriber(db);
    const letterId = await stored({ subscriberId: subscriber.id, category: 'service-request', text: 'Опломбувати лічильник', attachments: [] });
    expect(await answerLetter(deps(), { letterId, staffName: 'Марія', text: '  ' })).toEqual({ kind: 'empty' });
    expect(await answerLetter(deps(), { letterId, staffName: 'Марія', text: 'x'.repeat(4001) })).toEqual({ kind: 'too-long', max: 4000, length: 4001 });
    expect(await addNote(deps(), { letterId, staffName: 'Марія', text: '' })).toEqual({ kind: 'empty' });
    expect(await answerLetter(deps(), { letterId: 999_999, staffName: 'Марія', text: 'Так' })).toEqual({ kind: 'not-found' });
    expect(await closeLetter(deps(), { letterId: 999_999, staffName: 'Марія' })).toEqual({ kind: 'not-found' });
    expect(await db.models.LetterMessage.count({ where: { letterId } })).toBe(0);
    // A photo alone is an answer.
    expect(await answerLetter(deps(), { letterId, staffName: 'Марія', text: '', attachments: [photo('act')] })).toMatchObject({ kind: 'answered' });
  });

  it('cannot answer a subscriber who erased their data, but can still close the letter', async () => {
    const subscriber = await aSubscriber(db);
    const letterId = await stored({ subscriberId: subscriber.id, category: 'question', text: 'Питання', attachments: [] });
    await subscriber.destroy();
    expect(await answerLetter(deps(), { letterId, staffName: 'Марія', text: 'Відповідь' })).toEqual({ kind: 'subscriber-gone' });
    expect(await getLetterForStaff(deps(), letterId)).toMatchObject({ subscriber: null, account: null });
    const closingsBefore = await db.models.OutboxMessage.count({ where: { kind: 'letter-closed' } });
    expect(await closeLetter(deps(), { letterId, staffName: 'Марія' })).toEqual({ kind: 'closed' });
    expect(await db.models.OutboxMessage.count({ where: { kind: 'letter-closed' } })).toBe(closingsBefore);
  });
});

describe('lists', () => {
  it("shows a subscriber their own letters newest first, and nobody else's", async () => {
    const oksana = await aSubscriber(db);
    const petro = await aSubscriber(db);
    clock.set('2026-11-20T10:00:00Z');
    const older = await stored({ subscriberId: oksana.id, category: 'question', text: 'Перший', attachments: [] });
    clock.set('2026-11-21T10:00:00Z');
    const theirs = await stored({ subscriberId: petro.id, category: 'question', text: 'Петрів', attachments: [] });
    clock.set('2026-11-22T10:00:00Z');
    const newer = await stored({ subscriberId: oksana.id, category: 'emergency', text: 'Другий', attachments: [] });

    const list = await listLetters(deps(), oksana.id);
    expect(list.map((l) => [l.letterId, l.text, l.status, l.createdAt])).toEqual([
      [newer, 'Другий', 'new', '2026-11-22T10:00:00.000Z'],
      [older, 'Перший', 'new', '2026-11-20T10:00:00.000Z'],
    ]);
    expect(await getLetterForSubscriber(deps(), { subscriberId: oksana.id, letterId: theirs })).toEqual({ kind: 'not-found' });
  });

  it('gives staff the open letters oldest first', async () => {
    const subscriber = await aSubscriber(db);
    clock.set('2020-01-01T10:00:00Z'); // older than every other letter in this file
    const first = await stored({ subscriberId: subscriber.id, category: 'question', text: 'Перший', attachments: [] });
    clock.set('2020-01-02T10:00:00Z');
    const closed = await stored({ subscriberId: subscriber.id, category: 'question', text: 'Закритий', attachments: [] });
    clock.set('2020-01-03T10:00:00Z');
    const answered = await stored({ subscriberId: subscriber.id, category: 'question', text: 'З відповіддю', attachments: [] });
    await closeLetter(deps(), { letterId: closed, staffName: 'Марія' });
    await answerLetter(deps(), { letterId: answered, staffName: 'Марія', text: 'Так' });

    const open = await openLetters(deps());
    expect(open.slice(0, 2).map((l) => [l.letterId, l.status])).toEqual([
      [first, 'new'],
      [answered, 'answered'],
    ]);
    expect(open.map((l) => l.letterId)).not.toContain(closed);
    expect(open.some((l) => l.status === 'closed')).toBe(false);
  });
});
