import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { QueryTypes } from 'sequelize';
import { systemClock } from '../../../core/clock.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import { createLogger } from '../../../bots/logger.ts';
import { createSmsChannel, type SmsChannel } from '../../../bots/sms/channel.ts';
import { parseSmppUrl, type SmsSettings } from '../../../bots/sms/settings.ts';
import { smsParts } from '../../../bots/texts/sms.ts';
import { aMeter, anAccount } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startFakeSmsc, type FakeSmsc } from '../../support/fake-smsc.ts';
import { createDatabase, type Database } from '../../../models/database.ts';
import { storeIncoming } from '../../../bots/sms/inbox.ts';

// The SMS channel against a real SMPP peer over TCP: the fake SMSC (the smpp package's server side).
let db: TestDatabase;
let smsc: FakeSmsc;
let channel: SmsChannel;
const logger = createLogger(process.env.SMS_TEST_LOG ?? 'silent');

function settingsFor(url: string, overrides: Partial<SmsSettings> = {}): SmsSettings {
  return {
    smpp: parseSmppUrl(url)!,
    sourceAddr: '7750',
    perSecond: 50,
    perPhonePerDay: 3,
    replies: true,
    enquireLinkMs: 500,
    reconnectMinMs: 50,
    reconnectMaxMs: 400,
    lockRetryMs: 100,
    ...overrides,
  };
}
const channelOn = (database: Database, overrides: Partial<SmsSettings> = {}) =>
  createSmsChannel({
    settings: settingsFor(smsc.url, overrides),
    core: { db: database, clock: systemClock, settings: defaultCoreSettings },
    logger,
    outboxPollMs: 50,
  });

beforeAll(async () => {
  db = await createTestDatabase();
  smsc = await startFakeSmsc();
  channel = channelOn(db);
  channel.start();
  await smsc.waitForBind();
});
afterAll(async () => {
  await channel.stop();
  await smsc.close();
  await db.destroy();
});

let phoneSeq = 501110000;
const newPhone = () => `380${++phoneSeq}`;
async function household(meters: { serial: string; lastReading?: number; lastReadingDate?: string }[]) {
  const phone = newPhone();
  const account = await anAccount(db, { phone, number: String(phoneSeq) });
  for (const meter of meters) await aMeter(db, account, meter);
  return { phone, account };
}

async function until<T>(read: () => Promise<T> | T, ok: (value: T) => boolean, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
const repliesTo = (phone: string) => smsc.replies.filter((r) => r.to === phone);
const nthReply = async (phone: string, n = 1) => (await until(() => repliesTo(phone), (r) => r.length >= n, `reply ${n} to ${phone}`))[n - 1]!.text;
const readingsOf = (phone: string) =>
  db.sequelize.query<{ value: number; channel: string; serial: string }>(
    `SELECT r.value, r.channel, m.serial FROM readings r JOIN meters m ON m.id = r.meter_id JOIN accounts a ON a.id = m.account_id
      WHERE a.phone = :phone ORDER BY r.id`,
    { replacements: { phone }, type: QueryTypes.SELECT },
  );
/** Lets whatever is in flight settle, then checks nothing more arrived. */
const quietly = () => new Promise((resolve) => setTimeout(resolve, 400));

// The bind's advisory lock and several pool connections at once need a server: the embedded database serves every
// connection from one session, where advisory locks do not exclude and unnamed statements of two connections collide.
describe.runIf(inject('testDatabase').kind === 'server')('readings by SMS over SMPP', () => {
  it('binds as a transceiver with the configured account', async () => {
    await until(() => channel.bound(), (b) => b, 'the bind');
    expect(smsc.binds).toBe(1);
  });

  it('keeps the bind alive with enquire_link', async () => {
    const before = smsc.enquireLinks;
    await until(() => smsc.enquireLinks, (n) => n >= before + 2, 'two enquire_link');
    expect(channel.bound()).toBe(true);
  });

  it('takes the only meter, answers with the receipt within two parts, and records the delivery receipt', async () => {
    const { phone } = await household([{ serial: 'ХВ-001', lastReading: 1500 }]);
    expect(await smsc.deliver(phone, '1540')).toBe(0);
    const reply = await nthReply(phone);
    expect(reply).toContain('Прийнято ХВ-001: 1540');
    expect(smsParts(reply)).toBeLessThanOrEqual(2);
    expect(await readingsOf(phone)).toEqual([{ value: 1540, channel: 'sms', serial: 'ХВ-001' }]);
    await until(
      () => db.sequelize.query<{ receipt_state: string | null }>(`SELECT receipt_state FROM sms_sent`, { type: QueryTypes.SELECT }),
      (rows) => rows.some((r) => r.receipt_state === 'DELIVRD'),
      'a delivery receipt',
    );
  });

  it('takes several pairs, serial ends and Latin look-alikes in one SMS', async () => {
    const { phone } = await household([{ serial: 'ХВ-001', lastReading: 100 }, { serial: 'ГВ-002', lastReading: 50 }]);
    await smsc.deliver(phone, 'xb-001 110, 002 55');
    const reply = await nthReply(phone);
    expect(reply).toContain('Прийнято ХВ-001: 110');
    expect(reply).toContain('Прийнято ГВ-002: 55');
    expect(await readingsOf(phone)).toHaveLength(2);
  });

  it('lists the serials when the meter is not named, and gives the formats', async () => {
    const { phone } = await household([{ serial: 'ХВ-001' }, { serial: 'ХВ-002' }]);
    await smsc.deliver(phone, '150');
    expect(await nthReply(phone)).toContain('ХВ-001, ХВ-002');
    await smsc.deliver(phone, 'допомога');
    expect(await nthReply(phone, 2)).toContain('ХВ-001 1540 ХВ-002 830');
  });

  it('refuses a lower value with what to do, and a jump waits for ТАК', async () => {
    const lower = await household([{ serial: 'ХВ-5', lastReading: 1500 }]);
    await smsc.deliver(lower.phone, '1400');
    expect(await nthReply(lower.phone)).toContain('Напишіть лист у кабінеті або зателефонуйте');

    const jump = await household([{ serial: 'ХВ-6', lastReading: 100, lastReadingDate: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10) }]);
    await smsc.deliver(jump.phone, '900');
    expect(await nthReply(jump.phone)).toContain('ТАК');
    expect(await readingsOf(jump.phone)).toEqual([]);
    await smsc.deliver(jump.phone, 'Так');
    expect(await nthReply(jump.phone, 2)).toContain('Прийнято ХВ-6: 900');
    expect(await readingsOf(jump.phone)).toHaveLength(1);
  });

  it('answers an unknown number once a day', async () => {
    const stranger = newPhone();
    await smsc.deliver(stranger, '1540');
    expect(await nthReply(stranger)).toContain('не зареєстровано');
    await smsc.deliver(stranger, '1541');
    await quietly();
    expect(repliesTo(stranger)).toHaveLength(1);
  });

  it('handles a redelivered SMS once', async () => {
    const { phone } = await household([{ serial: 'ХВ-7', lastReading: 10 }]);
    await smsc.deliver(phone, '12', { sequence: 777001 });
    await smsc.deliver(phone, '12', { sequence: 777001 });
    await smsc.deliver(phone, '12');
    await nthReply(phone);
    await quietly();
    expect(repliesTo(phone)).toHaveLength(1);
    expect(await readingsOf(phone)).toHaveLength(1);
  });

  it('joins long SMS sent in UDH parts and in sar_ parts', async () => {
    const udh = await household([{ serial: 'ХВ-8', lastReading: 10 }, { serial: 'ГВ-9', lastReading: 10 }]);
    await smsc.deliverLong(udh.phone, ['ХВ-8 11 ', 'ГВ-9 12'], { ref: 7 });
    const reply = await nthReply(udh.phone);
    expect(reply).toContain('Прийнято ХВ-8: 11');
    expect(reply).toContain('Прийнято ГВ-9: 12');
    const sar = await household([{ serial: 'ХВ-10', lastReading: 10 }]);
    await smsc.deliverLong(sar.phone, ['допо', 'мога'], { sar: true, ref: 300 });
    expect(await nthReply(sar.phone)).toContain('СТОП');
  });

  it('stops answering a phone past SMS_PER_PHONE_PER_DAY, telling it once', async () => {
    const { phone } = await household([{ serial: 'ХВ-11', lastReading: 10 }]);
    for (const text of ['допомога', 'привіт', 'ще', 'і ще', 'і знову']) await smsc.deliver(phone, text);
    await nthReply(phone, 4);
    await quietly();
    const texts = repliesTo(phone).map((r) => r.text);
    // Three answered, the fourth told once of the limit, the fifth not answered; the outbox does not keep the
    // replies of different messages in order, so the notice is found among them.
    expect(texts).toHaveLength(4);
    expect(texts.filter((t) => t?.includes('Забагато SMS'))).toHaveLength(1);
  });

  it('sends a reply longer than one part as two joined parts', async () => {
    const { phone } = await household([{ serial: 'ХВ-12' }, { serial: 'ХВ-13' }, { serial: 'ХВ-14' }]);
    await smsc.deliver(phone, 'допомога');
    const reply = repliesTo(phone)[0] ?? (await until(() => repliesTo(phone), (r) => r.length > 0, 'reply'))[0]!;
    expect(reply.parts).toBe(2);
    expect(reply.text).toContain('СТОП');
  });

  it('keeps an SMS whose answer was lost with the connection, binds again and handles it once', async () => {
    const { phone } = await household([{ serial: 'ХВ-15', lastReading: 10 }]);
    const bindsBefore = smsc.binds;
    expect(await smsc.deliver(phone, '20', { sequence: 888001, dropBeforeResp: true })).toBeNull();
    await until(() => smsc.binds, (n) => n > bindsBefore && smsc.boundSessions() === 1, 'a new bind');
    // The SMSC never saw the answer, so it delivers the SMS again.
    expect(await smsc.deliver(phone, '20', { sequence: 888001 })).toBe(0);
    await nthReply(phone);
    await quietly();
    expect(repliesTo(phone)).toHaveLength(1);
    expect(await readingsOf(phone)).toEqual([{ value: 20, channel: 'sms', serial: 'ХВ-15' }]);
  });

  it('an SMS kept by an instance that stopped before handling it is handled after the next bind', async () => {
    const { phone } = await household([{ serial: 'ХВ-17', lastReading: 10 }]);
    await channel.stop();
    const core = { db, clock: systemClock, settings: defaultCoreSettings };
    expect(await storeIncoming(core, { kind: 'message', sender: phone, text: '40', key: `mo:${phone}:1:40` })).toMatchObject({ kind: 'stored' });
    channel = channelOn(db);
    channel.start();
    expect(await nthReply(phone)).toContain('Прийнято ХВ-17: 40');
    await quietly();
    expect(repliesTo(phone)).toHaveLength(1);
  });

  it('two instances: when the holder loses its database connection, it drops the bind and only one binds again', async () => {
    const second = createDatabase({ url: db.url, poolMax: 4 });
    const other = channelOn(second);
    other.start();
    try {
      await until(() => channel.bound(), (b) => b, 'the first instance bound');
      await quietly();
      expect(other.bound()).toBe(false);
      const bindsBefore = smsc.binds;
      // As if the first instance's database connection died: its lock goes with it.
      await db.sequelize.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = 727017 AND granted`,
      );
      // The old bind goes with the lock; one instance (whichever asks first) binds again, never both.
      await until(() => smsc.binds, (n) => n > bindsBefore, 'a new bind');
      await until(() => Number(other.bound()) + Number(channel.bound()), (n) => n === 1, 'one instance bound');
      await quietly();
      expect(smsc.boundSessions()).toBe(1);
      expect(Number(other.bound()) + Number(channel.bound())).toBe(1);
      const { phone } = await household([{ serial: 'ХВ-18', lastReading: 10 }]);
      await smsc.deliver(phone, '31');
      expect(await nthReply(phone)).toContain('Прийнято ХВ-18: 31');
    } finally {
      await other.stop();
      await second.close();
      await until(() => channel.bound(), (b) => b, 'the first instance to bind again');
    }
  });

  it('two instances: only one holds the bind, the other takes over when it stops', async () => {
    const second = createDatabase({ url: db.url, poolMax: 4 });
    const other = channelOn(second);
    other.start();
    try {
      await quietly();
      expect(other.bound()).toBe(false);
      expect(smsc.boundSessions()).toBe(1);
      await channel.stop();
      await until(() => other.bound(), (b) => b, 'the second instance to bind');
      expect(smsc.boundSessions()).toBe(1);
      const { phone } = await household([{ serial: 'ХВ-16', lastReading: 10 }]);
      await smsc.deliver(phone, '30');
      expect(await nthReply(phone)).toContain('Прийнято ХВ-16: 30');
    } finally {
      await other.stop();
      await second.close();
      channel = channelOn(db);
      channel.start();
      await smsc.waitForBind();
    }
  });
});
