import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { createStaffDesk } from '../../../bots/telegram/staff/index.ts';
import { createStaffDeliveryHandlers } from '../../../bots/outbox/staff-deliveries.ts';
import { createOutboxDispatcher } from '../../../bots/outbox/dispatcher.ts';
import { createLogger } from '../../../bots/logger.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLetter, aWriter, startStaffHarness, type StaffHarness } from './harness.ts';

const STAFF = -1001000000003;
const PER_MINUTE = 120; // 2 a second: fast enough for a test, slow enough to be seen

let db: TestDatabase;
let h: StaffHarness;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startStaffHarness({ db, staffChatId: STAFF, isForum: false, deskGroupPerMinute: PER_MINUTE, groupBurst: 1 });
});
afterAll(async () => {
  await h?.stop();
  await db?.destroy();
});

describe('pacing of the staff group', () => {
  it('delivers more letters than the limit allows at once, all of them, once each, at the shared rate across two instances', async () => {
    const letters: number[] = [];
    for (let i = 0; i < 7; i++) {
      const writer = await aWriter(h, { userId: 5300 + i, name: `Абонент ${i}` });
      letters.push(await aLetter(h.core, writer, { text: `Лист ${i}` }));
    }
    // A second instance of the app: its own desk and dispatcher, the same database and group.
    const otherDesk = createStaffDesk({
      api: h.app.bot.api,
      core: h.core,
      logger: createLogger('silent'),
      staffChatId: STAFF,
      groupPerMinute: PER_MINUTE,
      groupBurst: 1,
    });
    const other = createOutboxDispatcher({
      sequelize: db.sequelize,
      clock: h.clock,
      logger: createLogger('silent'),
      handlers: createStaffDeliveryHandlers({ desk: otherDesk }),
      batchSize: 2,
    });

    let putBack = 0;
    for (let round = 0; round < 2000; round++) {
      await Promise.all([h.outbox.runOnce(), other.runOnce()]);
      const [row] = await db.sequelize.query<{ pending: string }>(`SELECT count(*) AS pending FROM outbox WHERE status = 'pending'`, {
        type: QueryTypes.SELECT,
      });
      if (Number(row!.pending) === 0) break;
      putBack++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      h.clock.advance(1000);
    }

    const cards = h.tg.calls('sendMessage').filter((c) => Number(c.params.chat_id) === STAFF && c.outcome.ok);
    const numbers = cards.map((c) => Number(/^📨 Лист №(\d+) /.exec(String(c.params.text))?.[1]));
    expect([...numbers].sort((a, b) => a - b)).toEqual(letters);
    expect(putBack).toBeGreaterThan(0);
    // Burst 1 at 2 a second: seven sends need at least three seconds between the first and the last.
    const span = cards.at(-1)!.at - cards[0]!.at;
    expect(span).toBeGreaterThanOrEqual(2900);
    const failed = await db.sequelize.query(`SELECT id FROM outbox WHERE status <> 'sent'`, { type: QueryTypes.SELECT });
    expect(failed).toEqual([]);
  });
});
