import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { getLetterForStaff } from '../../../core/letters/index.ts';
import { myLettersFlow } from '../../../bots/flows/my-letters.ts';
import { resumeFlow, type ChatOutput, type FlowState } from '../../../bots/flows/runner.ts';
import { writeLetterFlow } from '../../../bots/flows/write-letter.ts';
import { createLogger } from '../../../bots/logger.ts';
import { letters } from '../../../bots/texts/letters.ts';
import type { Attachment } from '../../../models/models.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { flowDriver, type Said } from '../../support/flow-driver.ts';
import { coreDeps } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const clock = new FixedClock(new Date('2026-11-25T10:00:00Z'));
const logger = createLogger('silent');
const deps = (emergencyPhone?: string) => {
  const core = coreDeps(db, clock);
  return { core: { ...core, settings: { ...core.settings, emergencyPhone } }, logger };
};
const play = (subscriberId: number, emergencyPhone?: string) =>
  flowDriver(writeLetterFlow, deps(emergencyPhone), { subscriberId, now: () => clock.now().getTime() });
const ids = (said: Said) => (said.options.choices ?? []).flat().map((c) => c.id);
const photo = (ref: string): Attachment => ({ kind: 'photo', ref, channel: 'telegram' });
const lettersOf = (subscriberId: number) => db.models.Letter.findAll({ where: { subscriberId }, order: [['id', 'ASC']], raw: true });

/** The state saves where adapters keep it: PostgreSQL refuses JSON with a lone surrogate. */
async function savesInPostgres(state: FlowState | null): Promise<void> {
  await db.sequelize.query('SELECT $1::jsonb AS state', { bind: [JSON.stringify(state)] });
}

describe('writing a letter', () => {
  it('category → text → no photos → confirm → stored, with the account of the only link', async () => {
    const subscriber = await aSubscriber(db);
    const account = await anAccount(db);
    await aLink(db, subscriber, account);
    const flow = play(subscriber.id);
    await flow.start();
    expect(ids(flow.take()[0]!)).toEqual(['question', 'data-correction', 'reading-correction', 'emergency', 'service-request']);
    await flow.press('question');
    expect(flow.take().map((s) => s.text)).toEqual([letters.askText(4000)]);
    await flow.type('  Коли дадуть гарячу воду?  ');
    expect(flow.take().map((s) => [s.text, ids(s)])).toEqual([[letters.askPhotos(10), ['done']]]);
    await flow.type('Без фото');
    const [confirm] = flow.take();
    expect(confirm!.text).toBe(letters.confirm({ category: 'question', accountNumber: account.number, text: 'Коли дадуть гарячу воду?', photos: 0 }));
    await flow.press('send');
    const [stored] = await lettersOf(subscriber.id);
    expect(stored).toMatchObject({ accountId: account.id, category: 'question', text: 'Коли дадуть гарячу воду?', attachments: [] });
    expect(flow.take()).toMatchObject([{ text: letters.stored(stored!.id), options: { keyboard: 'menu' } }]);
    expect(flow.state).toBeNull();
  });

  it('tells the emergency phone at once for «Аварія», and takes a photo with a caption as the text and a photo', async () => {
    const subscriber = await aSubscriber(db);
    const flow = play(subscriber.id, '0 800 500 104');
    await flow.start();
    flow.take();
    await flow.press('emergency');
    expect(flow.take().map((s) => s.text)).toEqual([letters.emergencyPhone('0 800 500 104'), letters.askText(4000)]);
    await flow.send({ kind: 'photo', photo: photo('p0'), caption: null });
    expect(flow.take().map((s) => s.text)).toEqual([letters.textFirst]);
    await flow.send({ kind: 'photo', photo: photo('p1'), caption: 'Тече труба в підвалі' });
    expect(flow.take().map((s) => s.text)).toEqual([letters.photoAdded(1, 10)]);
    await flow.send({ kind: 'photo', photo: photo('p2'), caption: 'Вода вже по коліна' });
    await flow.press('done');
    await flow.press('send');
    const [stored] = await lettersOf(subscriber.id);
    expect(stored).toMatchObject({
      accountId: null,
      category: 'emergency',
      text: 'Тече труба в підвалі\n\nВода вже по коліна',
      attachments: [photo('p1'), photo('p2')],
    });
  });

  it('without the phone configured, goes on without it', async () => {
    const subscriber = await aSubscriber(db);
    const flow = play(subscriber.id);
    await flow.start();
    flow.take();
    await flow.press('emergency');
    expect(flow.take().map((s) => s.text)).toEqual([letters.askText(4000)]);
  });

  it('asks the account when several are linked, "about no account" allowed', async () => {
    const subscriber = await aSubscriber(db);
    const first = await anAccount(db);
    const second = await anAccount(db);
    await aLink(db, subscriber, first);
    await aLink(db, subscriber, second);
    const flow = play(subscriber.id);
    await flow.start();
    flow.take();
    await flow.press('service-request');
    expect(ids(flow.take()[0]!)).toEqual([`a${first.id}`, `a${second.id}`, 'none']);
    await flow.press('none');
    await flow.type('Опломбуйте лічильник');
    await flow.press('done');
    expect(flow.take().slice(-1)[0]!.text).not.toContain('Рахунок');
  });

  it('counts length as core does and refuses a letter one character too long, quoting that count', async () => {
    const subscriber = await aSubscriber(db);
    const flow = play(subscriber.id);
    await flow.start();
    await flow.press('question');
    await flow.type(`${'я'.repeat(3999)}🇺🇦`);
    expect(flow.take().slice(-1).map((s) => s.text)).toEqual([letters.tooLong(4000, 4001)]);
    await flow.type(`${'я'.repeat(3998)}🇺🇦`);
    expect(flow.take().slice(-1).map((s) => s.text)).toEqual([letters.askPhotos(10)]);
  });

  it('stores one letter when the same «Так, надіслати» is handled twice from one stored state', async () => {
    const subscriber = await aSubscriber(db);
    const flow = play(subscriber.id);
    await flow.start();
    await flow.press('question');
    await flow.type('Лист, який натиснули двічі');
    await flow.press('done');
    const atConfirm = flow.state!;
    const said: string[] = [];
    const out: ChatOutput = { channel: 'telegram', subscriberId: subscriber.id, send: async (text) => void said.push(text) };
    const press = { kind: 'press' as const, prompt: atConfirm.prompt, id: 'send' };
    // Two updates replaying the same state (a redelivery, or another instance), one after the other and at once.
    expect(await resumeFlow(writeLetterFlow, deps(), out, atConfirm, press, { now: clock.now().getTime() })).toBeNull();
    expect(await resumeFlow(writeLetterFlow, deps(), out, atConfirm, press, { now: clock.now().getTime() })).toBeNull();
    const stored = await lettersOf(subscriber.id);
    expect(stored).toHaveLength(1);
    expect(said).toEqual([letters.stored(stored[0]!.id), letters.alreadyStored(stored[0]!.id)]);
    await Promise.all([1, 2, 3].map(() => resumeFlow(writeLetterFlow, deps(), out, atConfirm, press, { now: clock.now().getTime() })));
    expect(await lettersOf(subscriber.id)).toHaveLength(1);
    expect(await db.models.OutboxMessage.count({ where: { kind: 'letter-to-staff', dedupeKey: `letter-to-staff:${stored[0]!.id}` } })).toBe(1);
  });
});

describe('letters with emoji, flags and combining marks at every cut point (issue 13)', () => {
  // Where a text is shortened: the confirm preview (3,000), the list's letter (150) and answer (400) lines.
  const drop = '\u{1F4A7}';
  const flag = '\u{1F1FA}\u{1F1E6}';
  const combining = 'e\u0301';
  const endingAt = (cut: number, tail: string) => `${'я'.repeat(cut - 1)}${tail}${'ж'.repeat(5)}`;
  const cases = [3000, 150, 400].flatMap((cut) => [drop, flag, combining].map((tail) => ({ cut, tail, text: endingAt(cut, tail) })));
  cases.push({ cut: 3000, tail: drop, text: `${'я'.repeat(2999)}${drop}` });

  it.each(cases)('a letter straddling $cut with %#: the state saves, the letter is stored whole and reaches staff', async ({ text, tail }) => {
    const subscriber = await aSubscriber(db);
    const flow = play(subscriber.id);
    await flow.start();
    await flow.press('question');
    await flow.type(text);
    await flow.press('done');
    await savesInPostgres(flow.state);
    await flow.press('send');
    const [stored] = await lettersOf(subscriber.id);
    expect(stored!.text).toBe(text);
    const forStaff = await getLetterForStaff(deps().core, stored!.id);
    expect(forStaff!.text).toBe(text);
    expect(await db.models.OutboxMessage.count({ where: { kind: 'letter-to-staff', dedupeKey: `letter-to-staff:${stored!.id}` } })).toBe(1);

    // An answer as long, then «Мої листи»: the list cuts both.
    await db.models.LetterMessage.create({ letterId: stored!.id, author: 'staff', staffName: 'Марія', text, createdAt: clock.now() });
    const list = flowDriver(myLettersFlow, deps(), { subscriberId: subscriber.id, now: () => clock.now().getTime() });
    await list.start();
    await savesInPostgres(list.state);
    await list.press(`l${stored!.id}`);
    await savesInPostgres(list.state);
    for (const said of [...flow.said, ...list.said]) {
      expect(said.text.isWellFormed()).toBe(true);
      expect(said.text).not.toContain('\uFFFD');
      // Cut before the grapheme or after it, never inside: no piece of it is left alone.
      const [firstUnit] = tail;
      for (const piece of said.text.split(tail)) expect(piece).not.toContain(firstUnit);
    }
  });
});
