import { QueryTypes, type Transaction } from 'sequelize';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { aMeter, anAccount } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { SERVICE_NUMBER, startFakeSmsc, type FakeSmsc } from '../../support/fake-smsc.ts';
import { killAll, startCabinet, until } from './support/harness.ts';

// The app in a process takes a reading by SMS and is killed with SIGKILL after it has written the reading and
// before the reply is recorded (held there: the outbox is locked by the test, so queuing the reply waits). Started
// again, it handles the SMS again — and the SMSC delivers it once more — and the phone gets the receipt for its
// reading, once; not «already taken today», which is what a reading committed apart from its reply would give.

let db: TestDatabase;
let smsc: FakeSmsc;
const env = () => ({ DATABASE_URL: db.url, SMS_SMPP_URL: smsc.url, SMS_SOURCE_ADDR: SERVICE_NUMBER, SMS_PER_SECOND: '50' });

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 4 });
  smsc = await startFakeSmsc();
}, 30_000);
afterAll(async () => {
  killAll();
  await smsc?.close();
  await db?.destroy();
});

const readingsOf = (meterId: number) => db.models.Reading.findAll({ where: { meterId }, raw: true });

/** The app's backends waiting for the test's lock on the outbox (the SMS's transaction, held before its reply). */
const waitingOnOutbox = () =>
  db.sequelize.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query ILIKE '%insert into%outbox%'`,
    { type: QueryTypes.SELECT },
  );

// Processes sharing a database need a server: the embedded test database is one process's (and one session's).
describe.runIf(inject('testDatabase').kind === 'server')('kill -9 between an SMS reading stored and its reply recorded', () => {
  it('handled again after the restart, the SMS gets its receipt once, and one reading is stored', async () => {
    const phone = '380671239901';
    const meter = await aMeter(db, await anAccount(db, { phone }), { serial: 'КЛ-9901', lastReading: 200 });

    const first = await startCabinet(env());
    await smsc.waitForBind();
    // The test holds the outbox: the SMS's transaction writes the reading and then waits to queue the reply.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held: (transaction: Transaction) => void = () => undefined;
    const holding = new Promise<Transaction>((resolve) => (held = resolve));
    const lock = db.sequelize.transaction(async (transaction) => {
      await db.sequelize.query('LOCK TABLE outbox IN SHARE MODE', { transaction });
      held(transaction);
      await released;
    });
    await holding;

    expect(await smsc.deliver(phone, '206', { sequence: 990001 })).toBe(0);
    await until(async () => (await waitingOnOutbox()).length > 0, 'the SMS transaction waiting to queue its reply', 15_000);
    await first.kill();
    release();
    await lock;
    // The killed process's transaction ends with its connection: nothing of it stays.
    await until(async () => (await waitingOnOutbox()).length === 0, 'the killed transaction gone', 15_000);
    expect(await readingsOf(meter.id)).toEqual([]);
    expect(smsc.replies.filter((r) => r.to === phone)).toEqual([]);

    const second = await startCabinet(env());
    await until(() => smsc.boundSessions() === 1 && smsc.binds >= 2, 'the second process bound', 30_000);
    // The SMSC delivers it again too (its resp may have been lost): kept once.
    expect(await smsc.deliver(phone, '206', { sequence: 990001 })).toBe(0);
    const [reply] = await until(() => {
      const replies = smsc.replies.filter((r) => r.to === phone);
      return replies.length > 0 && replies;
    }, 'the reply after the restart', 30_000);
    expect(reply!.text).toMatch(/^Прийнято КЛ-9901: 206, спожито 6 м³/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smsc.replies.filter((r) => r.to === phone)).toHaveLength(1);
    expect(await readingsOf(meter.id)).toMatchObject([{ value: 206, channel: 'sms' }]);
    await second.kill();
  }, 90_000);
});
