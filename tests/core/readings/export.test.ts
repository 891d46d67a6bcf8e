import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingsForExport } from '../../../core/readings/index.ts';
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
