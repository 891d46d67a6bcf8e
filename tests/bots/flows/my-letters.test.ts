import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { addNote, answerLetter, writeLetter } from '../../../core/letters/index.ts';
import { myLettersFlow } from '../../../bots/flows/my-letters.ts';
import { createLogger } from '../../../bots/logger.ts';
import { LETTER_HISTORY_MAX, letters } from '../../../bots/texts/letters.ts';
import { menuTexts } from '../../../bots/texts/menu.ts';
import { aSubscriber } from '../../support/builders.ts';
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
const core = () => coreDeps(db, clock);
const play = (subscriberId: number) =>
  flowDriver(myLettersFlow, { core: core(), logger: createLogger('silent') }, { subscriberId, now: () => clock.now().getTime() });
const ids = (said: Said) => (said.options.choices ?? []).flat().map((c) => c.id);

async function aLetter(subscriberId: number, text: string): Promise<number> {
  const outcome = await writeLetter(core(), { subscriberId, category: 'question', text, attachments: [] });
  if (outcome.kind !== 'stored') throw new Error(outcome.kind);
  return outcome.letterId;
}

describe('my letters', () => {
  it('with none, says how to write one', async () => {
    const subscriber = await aSubscriber(db);
    const flow = play(subscriber.id);
    await flow.start();
    expect(flow.take().map((s) => [s.text, s.options.keyboard])).toEqual([[letters.none, 'menu']]);
    expect(flow.state).toBeNull();
  });

  it('lists letters with their last answer, says the same "no answer yet" in the list and the letter, and never shows internal notes', async () => {
    const subscriber = await aSubscriber(db);
    clock.set('2026-11-20T10:00:00Z');
    const answered = await aLetter(subscriber.id, 'Чому такий рахунок?');
    await addNote(core(), { letterId: answered, staffName: 'Марія', text: 'Внутрішня примітка' });
    await answerLetter(core(), { letterId: answered, staffName: 'Марія', text: 'Перерахунок зроблено' });
    clock.set('2026-11-21T10:00:00Z');
    const waiting = await aLetter(subscriber.id, 'Коли буде вода?');

    const flow = play(subscriber.id);
    await flow.start();
    const [list] = flow.take();
    expect(ids(list!)).toEqual([`l${waiting}`, `l${answered}`, 'menu']);
    expect(list!.text).toContain('Відповідь: Перерахунок зроблено');
    expect(list!.text.split(letters.noAnswerYet)).toHaveLength(2); // once: for the waiting letter only
    expect(list!.text).not.toContain('Внутрішня примітка');

    await flow.press(`l${answered}`);
    const [history] = flow.take();
    expect(history!.text).toContain('Перерахунок зроблено');
    expect(history!.text).not.toContain('Внутрішня примітка');
    expect(history!.text).not.toContain(letters.noAnswerYet);
    expect(ids(history!)).toEqual(['list', 'menu']);

    await flow.press('list');
    await flow.press(`l${waiting}`);
    expect(flow.take().slice(-1)[0]!.text).toContain(letters.noAnswerYet);
    await flow.press('menu');
    expect(flow.take()).toMatchObject([{ text: menuTexts.shown, options: { keyboard: 'menu' } }]);
    expect(flow.state).toBeNull();
  });

  it('cuts a long history at a character boundary, keeping the answer', async () => {
    const subscriber = await aSubscriber(db);
    const letterId = await aLetter(subscriber.id, `${'я'.repeat(3999)}\u{1F4A7}`);
    await answerLetter(core(), { letterId, staffName: 'Марія', text: `Відповідь ${'ж'.repeat(2000)} кінець` });
    const flow = play(subscriber.id);
    await flow.start();
    await flow.press(`l${letterId}`);
    const history = flow.take().slice(-1)[0]!.text;
    expect(history.length).toBeLessThanOrEqual(LETTER_HISTORY_MAX);
    expect(history.isWellFormed()).toBe(true);
    expect(history).toContain('кінець');
  });
});
