import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { handleSms } from '../../../core/sms/index.ts';
import { readingsForExport } from '../../../core/readings/index.ts';
import type { ReadingRules } from '../../../core/settings.ts';
import { aLink, aMeter, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aReading, coreDeps } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

let phoneSeq = 500000000;
const newPhone = () => `380${++phoneSeq}`;
const clockAt = (iso = '2026-11-20T10:00:00Z') => new FixedClock(new Date(iso));
const sms = (clock: FixedClock, phone: string, text: string, rules: Partial<ReadingRules> = {}) =>
  handleSms(coreDeps(db, clock, rules), { phone, text });

describe('which phone may submit', () => {
  it('takes the billing phone of the account, recorded with channel sms', async () => {
    const phone = newPhone();
    const account = await anAccount(db, { phone });
    const meter = await aMeter(db, account, { serial: 'ХВ-001', lastReading: 1500 });
    const outcome = await sms(clockAt(), phone, '1540');
    expect(outcome).toMatchObject({ kind: 'readings', results: [{ kind: 'accepted', receipt: { meterSerial: 'ХВ-001', value: 1540, consumption: 40 } }] });
    const rows = await db.models.Reading.findAll({ where: { meterId: meter.id }, raw: true });
    expect(rows).toMatchObject([{ value: 1540, channel: 'sms', subscriberId: null }]);
    const exported = await readingsForExport(db, { from: '2026-11-20', to: '2026-11-20' });
    expect(exported.find((r) => r.meterSerial === 'ХВ-001' && r.accountNumber === account.number)?.channel).toBe('sms');
  });

  it('takes a phone a subscriber shared in the messenger, for the accounts they linked', async () => {
    const phone = newPhone();
    const account = await anAccount(db);
    await aMeter(db, account, { serial: 'ГВ-7', lastReading: 10 });
    const subscriber = await aSubscriber(db);
    await db.models.Subscriber.update({ phone }, { where: { id: subscriber.id } });
    await aLink(db, subscriber, account);
    expect(await sms(clockAt(), phone, '12')).toMatchObject({ kind: 'readings', results: [{ kind: 'accepted' }] });
  });

  it('answers an unknown phone as unknown', async () => {
    expect(await sms(clockAt(), newPhone(), '1540')).toEqual({ kind: 'unknown-phone' });
  });
});

describe('naming the meter', () => {
  async function household() {
    const phone = newPhone();
    const account = await anAccount(db, { phone, number: String(phoneSeq) });
    await aMeter(db, account, { serial: 'ХВ-001', lastReading: 100 });
    await aMeter(db, account, { serial: 'ХВ-002', lastReading: 100 });
    const single = await anAccount(db, { phone, number: `9${phoneSeq}` });
    await aMeter(db, single, { serial: 'ГВ-555', lastReading: 100 });
    return { phone, account, single };
  }

  it('by serial, by its end, by Latin look-alikes, several in one SMS, and by an account with one meter', async () => {
    const { phone, single } = await household();
    const outcome = await sms(clockAt(), phone, 'xb-001 101, 002 102');
    expect(outcome).toMatchObject({
      kind: 'readings',
      results: [{ kind: 'accepted', receipt: { meterSerial: 'ХВ-001' } }, { kind: 'accepted', receipt: { meterSerial: 'ХВ-002' } }],
    });
    expect(await sms(clockAt(), phone, `${single.number} 103`)).toMatchObject({
      kind: 'readings', results: [{ kind: 'accepted', receipt: { meterSerial: 'ГВ-555', value: 103 } }],
    });
  });

  it('lists the serials when the meter is not clear', async () => {
    const { phone, account } = await household();
    expect(await sms(clockAt(), phone, '150')).toEqual({
      kind: 'readings', results: [{ kind: 'ambiguous', target: null, serials: ['ХВ-001', 'ХВ-002', 'ГВ-555'] }],
    });
    expect(await sms(clockAt(), phone, `${account.number} 150`)).toMatchObject({
      kind: 'readings', results: [{ kind: 'ambiguous', serials: ['ХВ-001', 'ХВ-002'] }],
    });
    expect(await sms(clockAt(), phone, '777 150')).toMatchObject({ kind: 'readings', results: [{ kind: 'unknown-meter', target: '777' }] });
  });
});

describe('refusals by the readings rules', () => {
  async function one(seed: Parameters<typeof aMeter>[2] = {}) {
    const phone = newPhone();
    const account = await anAccount(db, { phone });
    const meter = await aMeter(db, account, { serial: 'ХВ-9', lastReading: 1500, ...seed });
    return { phone, meter };
  }
  const refusal = (outcome: unknown) => (outcome as { results: { refusal: unknown }[] }).results[0]!.refusal;

  it('same day, lower, too many digits, verification overdue, outside the window', async () => {
    const a = await one();
    await sms(clockAt(), a.phone, '1501');
    expect(refusal(await sms(clockAt(), a.phone, '1502'))).toMatchObject({ kind: 'same-day' });
    const b = await one();
    expect(refusal(await sms(clockAt(), b.phone, '1400'))).toEqual({ kind: 'lower', lastValue: 1500 });
    expect(refusal(await sms(clockAt(), b.phone, '1234567'))).toEqual({ kind: 'over-capacity', maxValue: 99999 });
    const c = await one({ verificationDue: '2026-01-01' });
    expect(refusal(await sms(clockAt(), c.phone, '1501'))).toEqual({ kind: 'verification-overdue', due: '2026-01-01' });
    const d = await one();
    expect(refusal(await sms(clockAt(), d.phone, '1501', { window: { fromDay: 25, toDay: 28 } }))).toEqual({
      kind: 'outside-window', opensOn: '2026-11-25',
    });
  });
});

describe('a jump to confirm', () => {
  it('is stored only after ТАК within the hour, once', async () => {
    const phone = newPhone();
    const account = await anAccount(db, { phone });
    const meter = await aMeter(db, account, { serial: 'ХВ-1', lastReading: 100, lastReadingDate: '2026-11-10' });
    const clock = clockAt();
    expect(await sms(clock, phone, '900')).toMatchObject({ kind: 'readings', results: [{ kind: 'needs-confirmation', value: 900, consumption: 800 }] });
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(0);
    clock.advance(30 * 60 * 1000);
    expect(await sms(clock, phone, 'Так')).toMatchObject({ kind: 'readings', results: [{ kind: 'accepted', receipt: { value: 900 } }] });
    expect(await sms(clock, phone, 'ТАК')).toEqual({ kind: 'nothing-to-confirm' });
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(1);
  });

  it('is refused at once when such a reading needs a meter photo, which an SMS cannot carry', async () => {
    const phone = newPhone();
    const account = await anAccount(db, { phone });
    const meter = await aMeter(db, account, { serial: 'ХВ-Ф', lastReading: 100, lastReadingDate: '2026-11-10' });
    const clock = clockAt();
    expect(await sms(clock, phone, '900', { photoRequiredAboveJump: true })).toMatchObject({
      kind: 'readings',
      results: [{ kind: 'refused', meterSerial: 'ХВ-Ф', refusal: { kind: 'photo-required' } }],
    });
    expect(await sms(clock, phone, 'ТАК', { photoRequiredAboveJump: true })).toEqual({ kind: 'nothing-to-confirm' });
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(0);
  });

  it('carries the leak warning on the receipt when the month is far above the meter’s own', async () => {
    const phone = newPhone();
    const account = await anAccount(db, { phone });
    const meter = await aMeter(db, account, { serial: 'ХВ-L', lastReading: 100, lastReadingDate: '2026-05-01' });
    let value = 100;
    for (const localDate of ['2026-05-31', '2026-06-30', '2026-07-30', '2026-08-29', '2026-09-28', '2026-10-21']) {
      value += 9;
      await aReading(db, meter, { value, localDate });
    }
    // 30 m³ in 30 days: 1 m³ a day against the usual 0.3 (and 9 m³ in the last 23 days).
    expect(await sms(clockAt(), phone, String(value + 30))).toMatchObject({
      kind: 'readings',
      results: [{ kind: 'accepted', receipt: { consumption: 30, leak: { perDay: 1 } } }],
    });
  });

  it('expires after an hour', async () => {
    const phone = newPhone();
    const account = await anAccount(db, { phone });
    const meter = await aMeter(db, account, { lastReading: 100, lastReadingDate: '2026-11-10' });
    await aReading(db, meter, { value: 100, localDate: '2026-11-10' });
    const clock = clockAt();
    await sms(clock, phone, '900');
    clock.advance(61 * 60 * 1000);
    expect(await sms(clock, phone, 'так')).toEqual({ kind: 'nothing-to-confirm' });
  });
});

describe('words', () => {
  it('ДОПОМОГА, СТОП and unreadable text', async () => {
    const phone = newPhone();
    const account = await anAccount(db, { phone });
    await aMeter(db, account, { serial: 'ХВ-3' });
    expect(await sms(clockAt(), phone, 'допомога')).toEqual({ kind: 'help' });
    expect(await sms(clockAt(), phone, 'привіт')).toEqual({ kind: 'unreadable', serials: ['ХВ-3'] });
    expect(await sms(clockAt(), phone, 'СТОП')).toEqual({ kind: 'stopped' });
    const [row] = await db.sequelize.query<{ phone: string }>(`SELECT phone FROM sms_stops WHERE phone = '${phone}'`, { type: 'SELECT' as never });
    expect(row?.phone).toBe(phone);
  });
});
