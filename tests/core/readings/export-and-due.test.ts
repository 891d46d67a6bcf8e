import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingsForExport, subscribersDueForReadings } from '../../../core/readings/index.ts';
import { aLink, aMeter, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aReading } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

describe('readingsForExport', () => {
  it('gives the latest reading per meter and day in the range, ordered by account, meter and day', async () => {
    const later = await anAccount(db, { number: '900002' });
    const earlier = await anAccount(db, { number: '900001' });
    const b = await aMeter(db, earlier, { serial: 'B' });
    const a = await aMeter(db, earlier, { serial: 'A' });
    const z = await aMeter(db, later, { serial: 'Z' });
    await aReading(db, z, { value: 300, localDate: '2026-11-03' });
    await aReading(db, b, { value: 210, localDate: '2026-11-04', submittedAt: new Date('2026-11-04T08:00:00Z') });
    // Staff corrected it later that day: only the correction goes to billing.
    await aReading(db, b, { value: 205, localDate: '2026-11-04', submittedAt: new Date('2026-11-04T13:15:00Z'), kind: 'staff-correction' });
    await aReading(db, a, { value: 150, localDate: '2026-11-10', submittedAt: new Date('2026-11-10T06:30:00Z') });
    await aReading(db, a, { value: 140, localDate: '2026-11-02', submittedAt: new Date('2026-11-01T22:30:00Z') });
    await aReading(db, a, { value: 130, localDate: '2026-10-31' }); // before the range
    await aReading(db, a, { value: 160, localDate: '2026-12-01' }); // after it

    const rows = await readingsForExport(db, { from: '2026-11-01', to: '2026-11-30' });
    expect(rows).toEqual([
      { accountNumber: '900001', meterSerial: 'A', value: 140, localDate: '2026-11-02', submittedAt: '2026-11-01T22:30:00.000Z', channel: 'telegram', kind: 'subscriber' },
      { accountNumber: '900001', meterSerial: 'A', value: 150, localDate: '2026-11-10', submittedAt: '2026-11-10T06:30:00.000Z', channel: 'telegram', kind: 'subscriber' },
      { accountNumber: '900001', meterSerial: 'B', value: 205, localDate: '2026-11-04', submittedAt: '2026-11-04T13:15:00.000Z', channel: 'staff', kind: 'staff-correction' },
      { accountNumber: '900002', meterSerial: 'Z', value: 300, localDate: '2026-11-03', submittedAt: '2026-11-03T10:00:00.000Z', channel: 'telegram', kind: 'subscriber' },
    ]);
    expect(await readingsForExport({ db }, { from: '2026-12-01', to: '2026-12-01' })).toMatchObject([{ value: 160 }]);
  });
});

describe('subscribersDueForReadings', () => {
  it('finds meters without a reading this period, for reachable subscribers only, page by page', async () => {
    const period = { periodStart: '2027-03-01', periodEnd: '2027-03-31' };
    const home = await anAccount(db, { number: '910001' });
    const kitchen = await aMeter(db, home, { serial: 'K' });
    const bath = await aMeter(db, home, { serial: 'V' });
    const cottage = await anAccount(db, { number: '910002' });
    const garden = await aMeter(db, cottage, { serial: 'G', verificationDue: '2027-02-01' });
    await aReading(db, kitchen, { value: 130, localDate: '2027-03-02' });
    await aReading(db, bath, { value: 130, localDate: '2027-02-27' }); // last period: still due

    const oksana = await aSubscriber(db, { channel: 'viber', channelUserId: 'viber-oksana' });
    await aLink(db, oksana, home);
    await aLink(db, oksana, cottage);
    const petro = await aSubscriber(db, { channelUserId: 'tg-petro' });
    await aLink(db, petro, home);
    const quiet = await aSubscriber(db, { remindersEnabled: false });
    await aLink(db, quiet, home);
    const blocked = await aSubscriber(db);
    await aLink(db, blocked, home);
    await blocked.update({ blockedAt: new Date('2027-03-01T00:00:00Z') });
    const doneAll = await aSubscriber(db);
    const flat = await anAccount(db, { number: '910003' });
    const done = await aMeter(db, flat);
    await aReading(db, done, { value: 121, localDate: '2027-03-31', kind: 'staff-correction' });
    await aLink(db, doneAll, flat);

    const everyone = await subscribersDueForReadings(db, { ...period, limit: 100, afterSubscriberId: 0 });
    expect(everyone).toEqual([
      {
        subscriberId: oksana.id,
        channel: 'viber',
        channelUserId: 'viber-oksana',
        meters: [
          { accountNumber: '910001', meterSerial: 'V', meterId: bath.id },
          { accountNumber: '910002', meterSerial: 'G', meterId: garden.id },
        ],
      },
      { subscriberId: petro.id, channel: 'telegram', channelUserId: 'tg-petro', meters: [{ accountNumber: '910001', meterSerial: 'V', meterId: bath.id }] },
    ]);

    const first = await subscribersDueForReadings(db, { ...period, limit: 1, afterSubscriberId: 0 });
    expect(first.map((s) => s.subscriberId)).toEqual([oksana.id]);
    expect(first[0]!.meters).toHaveLength(2);
    const second = await subscribersDueForReadings(db, { ...period, limit: 1, afterSubscriberId: oksana.id });
    expect(second.map((s) => s.subscriberId)).toEqual([petro.id]);
    expect(await subscribersDueForReadings(db, { ...period, limit: 1, afterSubscriberId: petro.id })).toEqual([]);

    const skippingOverdue = await subscribersDueForReadings(db, {
      ...period,
      limit: 100,
      afterSubscriberId: 0,
      skipVerificationOverdueOn: '2027-03-10',
    });
    expect(skippingOverdue[0]!.meters.map((m) => m.meterSerial)).toEqual(['V']);
  });
});
