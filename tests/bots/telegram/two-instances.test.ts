import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../../bots/telegram/bot.ts';
import { createLogger } from '../../../bots/logger.ts';
import type { Config } from '../../../bots/config.ts';
import { FixedClock } from '../../../core/clock.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import type { CoreDeps } from '../../../core/accounts/types.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aSubscriber } from '../../support/builders.ts';
import { FakeTelegram } from '../../support/fake-telegram/index.ts';
import { common } from '../../../bots/texts/common.ts';
import { createToyTable, sendChoice, toyCabinet, toyRows, toyText } from '../../support/toy-cabinet.ts';

// Two bot instances on one database, as two processes behind one webhook: each takes one of two presses of the
// same confirm button at the same moment. The flow's step key, under the use case's unique constraint, makes
// the work happen once.

let db: TestDatabase;
let tg: FakeTelegram;
let instances: TelegramBot[];

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 6 });
  tg = await FakeTelegram.start();
  await createToyTable(db);
  const core: CoreDeps = { db, clock: new FixedClock(new Date('2026-11-25T09:00:00Z')), settings: defaultCoreSettings };
  const logger = createLogger('warn', new Writable({ write: (_c, _e, done) => done() }));
  const telegram: NonNullable<Config['telegram']> = {
    token: tg.token,
    apiRoot: tg.apiRoot,
    webhook: undefined,
    staffChatId: undefined,
    globalPerSecond: 30,
    groupPerMinute: 20,
  };
  // Not started (nothing polls): the test hands each instance its update, as the webhook would.
  instances = [0, 1].map(() => createTelegramBot({ telegram, core, logger, cabinet: toyCabinet({ core, logger }) }));
  for (const instance of instances) await instance.bot.init();
});
afterAll(async () => {
  await tg?.stop();
  await db?.destroy();
});

describe('one confirm button pressed twice, once on each instance', () => {
  it('stores one row; both presses are answered', async () => {
    let foundDone = 0;
    for (let round = 0; round < 5; round++) {
      const userId = 9100 + round;
      const subscriber = await aSubscriber(db, { channelUserId: String(userId) });
      const user = tg.user({ id: userId, first_name: 'Марія' });
      await instances[round % 2]!.bot.handleUpdate(user.command('/letters'));
      const confirm = await tg.waitForSent(user.chatId, toyText.confirm);
      const data = `f:1:${sendChoice.id}`;
      const first = user.pressButton(confirm, data);
      const second = user.pressButton(confirm, data);
      await Promise.all([instances[0]!.bot.handleUpdate(first), instances[1]!.bot.handleUpdate(second)]);

      expect((await toyRows(db)).filter((r) => r.subscriber_id === subscriber.id)).toHaveLength(1);
      // What came after the question (the flow's first message may be preceded by the line that brings «Скасувати»).
      const sent = tg.sentTexts(user.chatId);
      const answers = sent.slice(sent.indexOf(toyText.confirm) + 1);
      expect(answers).toHaveLength(2);
      expect(answers.filter((t) => t === toyText.stored)).toHaveLength(1);
      // The other press found the work done (it read the state before the first committed) or the flow over.
      const other = answers.find((t) => t !== toyText.stored)!;
      expect([toyText.already, common.staleButton]).toContain(other);
      if (other === toyText.already) foundDone++;
    }
    // At least once both presses resumed the flow and ran its step: the key alone kept the work single.
    expect(foundDone).toBeGreaterThan(0);
  });
});
