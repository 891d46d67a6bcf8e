import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { addNote, answerLetter, getLetterForSubscriber, LETTERS_LIST_LENGTH, letterLength, listLetters, writeLetter } from '../../../core/letters/index.ts';
import { aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { coreDeps } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const clock = new FixedClock(new Date('2026-11-25T10:00:00Z'));
const deps = () => coreDeps(db, clock);

describe('a letter sent with an idempotency key', () => {
  it('is stored once however often the key comes, and the repeat is told it was stored before', async () => {
    const subscriber = await aSubscriber(db);
    const input = { subscriberId: subscriber.id, category: 'question' as const, text: 'Коли буде вода?', attachments: [], idempotencyKey: 'run-1:4' };
    const first = await writeLetter(deps(), input);
    const second = await writeLetter(deps(), input);
    expect(first).toMatchObject({ kind: 'stored', alreadyStored: false });
    if (first.kind !== 'stored') return;
    expect(second).toEqual({ kind: 'stored', letterId: first.letterId, number: first.number, alreadyStored: true });
    expect(await db.models.Letter.count({ where: { subscriberId: subscriber.id } })).toBe(1);
    expect(await db.models.OutboxMessage.count({ where: { kind: 'letter-to-staff', dedupeKey: `letter-to-staff:${first.letterId}` } })).toBe(1);
  });

  it('stores one letter when two requests with the key race', async () => {
    const subscriber = await aSubscriber(db);
    const input = { subscriberId: subscriber.id, category: 'emergency' as const, text: 'Тече труба', attachments: [], idempotencyKey: 'run-2:7' };
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => writeLetter(deps(), input)));
    expect(outcomes.every((o) => o.kind === 'stored')).toBe(true);
    expect(new Set(outcomes.map((o) => (o.kind === 'stored' ? o.letterId : 0))).size).toBe(1);
    expect(outcomes.filter((o) => o.kind === 'stored' && !o.alreadyStored)).toHaveLength(1);
    expect(await db.models.Letter.count({ where: { subscriberId: subscriber.id } })).toBe(1);
    expect(await db.models.OutboxMessage.count({ where: { kind: 'letter-to-staff' } })).toBe(await db.models.Letter.count());
  });

  it('without a key stores every letter, as before', async () => {
    const subscriber = await aSubscriber(db);
    const input = { subscriberId: subscriber.id, category: 'question' as const, text: 'Два однакові листи', attachments: [] };
    await writeLetter(deps(), input);
    await writeLetter(deps(), input);
    expect(await db.models.Letter.count({ where: { subscriberId: subscriber.id } })).toBe(2);
  });
});

describe('length and answers', () => {
  it('counts a letter in code points of the trimmed text, and quotes that count when refusing', async () => {
    expect(letterLength('  \u{1F4A7}\u{1F1FA}\u{1F1E6}e\u0301  ')).toBe(5); // drop; two regional indicators; e + combining acute
    const subscriber = await aSubscriber(db);
    const text = `${'я'.repeat(3999)}🇺🇦`;
    expect(await writeLetter(deps(), { subscriberId: subscriber.id, category: 'question', text, attachments: [] })).toEqual({
      kind: 'too-long',
      max: 4000,
      length: 4001,
    });
  });

  it('tells whether staff answered, the same in the list and the letter, never counting internal notes', async () => {
    const subscriber = await aSubscriber(db);
    const written = await writeLetter(deps(), { subscriberId: subscriber.id, category: 'question', text: 'Питання', attachments: [] });
    if (written.kind !== 'stored') throw new Error(written.kind);
    const letterId = written.letterId;
    await addNote(deps(), { letterId, staffName: 'Марія', text: 'Перевірити' });
    const view = async () => {
      const [listed] = await listLetters(deps(), subscriber.id);
      const opened = await getLetterForSubscriber(deps(), { subscriberId: subscriber.id, letterId });
      if (opened.kind !== 'found') throw new Error('not found');
      return [listed!, opened.letter].map((l) => ({ answered: l.answered, lastAnswer: l.lastAnswer?.text ?? null }));
    };
    expect(await view()).toEqual([
      { answered: false, lastAnswer: null },
      { answered: false, lastAnswer: null },
    ]);
    await answerLetter(deps(), { letterId, staffName: 'Марія', text: 'Перша відповідь' });
    clock.advance(60_000);
    await answerLetter(deps(), { letterId, staffName: 'Марія', text: 'Друга відповідь' });
    expect(await view()).toEqual([
      { answered: true, lastAnswer: 'Друга відповідь' },
      { answered: true, lastAnswer: 'Друга відповідь' },
    ]);
  });

  it('lists at most LETTERS_LIST_LENGTH letters', async () => {
    const subscriber = await aSubscriber(db);
    for (let i = 0; i < LETTERS_LIST_LENGTH + 2; i++) {
      await writeLetter(deps(), { subscriberId: subscriber.id, category: 'question', text: `Лист ${i}`, attachments: [] });
    }
    expect(await listLetters(deps(), subscriber.id)).toHaveLength(LETTERS_LIST_LENGTH);
  });
});
