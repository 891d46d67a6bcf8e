import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportReadings } from '../../../core/billing/export-readings.ts';
import { importBillingFile } from '../../../core/billing/import-file.ts';
import { aMeter, anAccount } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
  const first = await anAccount(db, { number: '2000001' });
  const second = await anAccount(db, { number: '1000001' });
  const kitchen = await aMeter(db, first, { serial: 'K-1' });
  const bath = await aMeter(db, first, { serial: 'B-7;2' });
  const other = await aMeter(db, second, { serial: 'Z-9' });
  const reading = (meterId: number, value: number, localDate: string, submittedAt: string, extra: object = {}) =>
    db.models.Reading.create({ meterId, value, localDate, submittedAt: new Date(submittedAt), subscriberId: null, channel: 'telegram', ...extra });
  await reading(kitchen.id, 130, '2026-10-31', '2026-10-31T20:00:00Z'); // before the range
  await reading(kitchen.id, 131, '2026-11-01', '2026-10-31T22:30:00Z'); // Kyiv's 1 November, UTC's 31 October
  // The subscriber's reading, then staff correct it the same day: the correction is what billing gets.
  await reading(bath.id, 500, '2026-11-03', '2026-11-03T07:00:00Z', { channel: 'viber' });
  await reading(bath.id, 450, '2026-11-03', '2026-11-03T12:15:30.250Z', { channel: 'staff', kind: 'staff-correction', staffName: 'Оператор' });
  await reading(bath.id, 455, '2026-11-05', '2026-11-05T09:00:00Z');
  await reading(other.id, 77, '2026-11-02', '2026-11-02T10:00:00Z', { channel: 'viber' });
  await reading(other.id, 80, '2026-11-06', '2026-11-06T10:00:00Z'); // after the range
});
afterAll(async () => {
  await db.destroy();
});

describe('exportReadings', () => {
  it('writes the latest reading per meter and day of the range, ordered by account, meter and day', async () => {
    expect(await exportReadings(db, { from: '2026-11-01', to: '2026-11-05' })).toEqual({
      kind: 'exported',
      rows: 4,
      csv: [
        'account;meter;reading;date;submitted_at;channel',
        '1000001;Z-9;77;2026-11-02;2026-11-02T10:00:00.000Z;viber',
        '2000001;"B-7;2";450;2026-11-03;2026-11-03T12:15:30.250Z;staff',
        '2000001;"B-7;2";455;2026-11-05;2026-11-05T09:00:00.000Z;telegram',
        '2000001;K-1;131;2026-11-01;2026-10-31T22:30:00.000Z;telegram',
        '',
      ].join('\n'),
    });
  });

  it('writes only the header for a range without readings', async () => {
    expect(await exportReadings(db, { from: '2026-12-01', to: '2026-12-31' })).toEqual({
      kind: 'exported',
      rows: 0,
      csv: 'account;meter;reading;date;submitted_at;channel\n',
    });
  });

  it('refuses a range that is not one', async () => {
    expect(await exportReadings(db, { from: '2026-11-31', to: '2026-12-01' })).toEqual({ kind: 'invalid-range', problem: 'from-not-a-date' });
    expect(await exportReadings(db, { from: '2026-11-05', to: '2026-11-01' })).toEqual({ kind: 'invalid-range', problem: 'from-after-to' });
  });
});

describe('values a spreadsheet would run as formulas', () => {
  const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/billing');

  it('are written as text, quoted after a single quote, while readings stay numbers', async () => {
    for (const name of ['accounts.csv', 'meters-formula-serials.csv']) {
      expect(await importBillingFile(db, { path: path.join(fixtures, name) })).toMatchObject({ kind: 'imported' });
    }
    const meters = await db.sequelize.query<{ id: number; serial: string }>(
      `SELECT m.id, m.serial FROM meters m JOIN accounts a ON a.id = m.account_id WHERE a.number IN ('1000101', '1000102')`,
      { type: QueryTypes.SELECT },
    );
    // A value that starts with a tab cannot come from a file (values are trimmed), but may from elsewhere.
    const tabbed = await db.models.Meter.create({ accountId: (await db.models.Account.findOne({ where: { number: '1000102' } }))!.id, serial: '\t=2+2', service: 'водопостачання', place: '', lastReading: 1, lastReadingDate: '2026-10-01', digits: 5 });
    const values: Record<string, number> = { '=1+2': 11, '-2+3': 12, '@SUM(A1)': 13, '\t=2+2': 14 };
    for (const meter of [...meters, tabbed]) {
      await db.models.Reading.create({ meterId: meter.id, value: values[meter.serial]!, localDate: '2026-12-10', submittedAt: new Date('2026-12-10T10:00:00Z'), subscriberId: null, channel: 'viber' });
    }
    const result = await exportReadings(db, { from: '2026-12-10', to: '2026-12-10' });
    if (result.kind !== 'exported') throw new Error(result.problem);
    const [header, ...lines] = result.csv.split('\n');
    expect(header).toBe('account;meter;reading;date;submitted_at;channel');
    // (The order of the serials is the database collation's.)
    expect(lines.sort()).toEqual(
      [
        '',
        `1000101;"'-2+3";12;2026-12-10;2026-12-10T10:00:00.000Z;viber`,
        `1000101;"'=1+2";11;2026-12-10;2026-12-10T10:00:00.000Z;viber`,
        `1000102;"'\t=2+2";14;2026-12-10;2026-12-10T10:00:00.000Z;viber`,
        `1000102;"'@SUM(A1)";13;2026-12-10;2026-12-10T10:00:00.000Z;viber`,
      ].sort(),
    );
    // Every cell reads back as the text it was, with one quote in front; the readings are plain numbers.
    const parsed = Papa.parse<string[]>(result.csv.trim(), { delimiter: ';' }).data.slice(1);
    expect(parsed.map((row) => row[1]).sort()).toEqual(["'-2+3", "'=1+2", "'\t=2+2", "'@SUM(A1)"].sort());
    expect(parsed.map((row) => row[2]).sort()).toEqual(['11', '12', '13', '14']);
  });
});
