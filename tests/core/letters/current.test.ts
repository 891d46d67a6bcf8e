import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { closeLetter, currentLetterOf, writeLetter } from '../../../core/letters/index.ts';
import { aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { coreDeps } from '../../support/readings-builders.ts';

// Which letter a staff message in a subscriber's topic answers when it replies to none.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const clock = new FixedClock(new Date('2026-11-25T10:00:00Z'));
const deps = () => coreDeps(db, clock);

async function letter(subscriberId: number, text: string): Promise<number> {
  const outcome = await writeLetter(deps(), { subscriberId, category: 'question', text, attachments: [] });
  if (outcome.kind !== 'stored') throw new Error(outcome.kind);
  clock.advance(60_000);
  return outcome.letterId;
}

describe('currentLetterOf', () => {
  it("is the subscriber's newest open letter; with all closed, the newest; with none, null", async () => {
    const writer = await aSubscriber(db, { channel: 'viber', channelUserId: 'vb-current-1' });
    const other = await aSubscriber(db, { channel: 'telegram', channelUserId: 'vb-current-1' });
    const who = { channel: 'viber' as const, channelUserId: 'vb-current-1' };
    expect(await currentLetterOf(deps(), who)).toBeNull();

    const first = await letter(writer.id, 'Перший');
    const second = await letter(writer.id, 'Другий');
    await letter(other.id, 'Чужий лист: той самий id, інший канал');
    expect(await currentLetterOf(deps(), who)).toBe(second);

    await closeLetter(deps(), { letterId: second, staffName: 'Ірина' });
    expect(await currentLetterOf(deps(), who)).toBe(first);

    await closeLetter(deps(), { letterId: first, staffName: 'Ірина' });
    expect(await currentLetterOf(deps(), who)).toBe(second);
  });
});
