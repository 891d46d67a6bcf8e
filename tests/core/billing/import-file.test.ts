import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importBillingFile } from '../../../core/billing/import-file.ts';
import { importBillingFiles } from '../../../core/billing/import-files.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/billing');
const fixture = (name: string) => ({ path: path.join(fixtures, name) });

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
});
afterAll(async () => {
  await db.destroy();
});
beforeEach(async () => {
  await db.sequelize.query('TRUNCATE accounts, meters, payments, charges RESTART IDENTITY CASCADE');
});

const select = <T extends object>(sql: string) => db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });

const accounts = () =>
  select<{ number: string; surname: string; given_names: string; address: string; balance_kop: number; phone: string | null }>(
    'SELECT number, surname, given_names, address, balance_kop, phone FROM accounts ORDER BY number',
  );

/** Every row of the billing tables, ids and timestamps included: "changes nothing" means exactly this. */
async function snapshot() {
  return {
    accounts: await select('SELECT * FROM accounts ORDER BY id'),
    meters: await select('SELECT * FROM meters ORDER BY id'),
    payments: await select('SELECT * FROM payments ORDER BY account_id, paid_on, amount_kop'),
    charges: await select('SELECT * FROM charges ORDER BY id'),
  };
}

async function counts() {
  const [row] = await select<{ accounts: number; meters: number; payments: number; charges: number }>(
    `SELECT (SELECT count(*)::int FROM accounts) AS accounts, (SELECT count(*)::int FROM meters) AS meters,
            (SELECT count(*)::int FROM payments) AS payments, (SELECT count(*)::int FROM charges) AS charges`,
  );
  return row!;
}

async function importFixture(name: string) {
  const outcome = await importBillingFile(db, fixture(name));
  if (outcome.kind !== 'imported') throw new Error(`${name} rejected: ${JSON.stringify(outcome.errors)}`);
  return outcome;
}

describe('importing each kind of billing file', () => {
  it('imports accounts, normalising phones and reading balances in kopecks', async () => {
    const outcome = await importFixture('accounts.csv');
    expect(outcome).toMatchObject({ kind: 'imported', fileKind: 'accounts', encoding: 'utf-8', delimiter: ';', rows: 3, inserted: 3, updated: 0, unchanged: 0 });
    expect(await accounts()).toEqual([
      { number: '1000101', surname: 'Шевченко', given_names: 'Оксана Петрівна', address: "м. Кам'янське, вул. Соборна, 12, кв. 5", balance_kop: 25050, phone: '380671112233' },
      { number: '1000102', surname: 'Коваленко', given_names: 'Іван Іванович', address: "м. Кам'янське, просп. Свободи, 41, кв. 17", balance_kop: -12000, phone: null },
      { number: '1000103', surname: 'Ґудзь', given_names: 'Євгенія Їжаківна', address: "м. Кам'янське, вул. Тараса Шевченка, 7", balance_kop: 0, phone: '380501234567' },
    ]);
  });

  it('imports meters with their accounts, an empty place and an empty verification date', async () => {
    await importFixture('accounts.csv');
    expect(await importFixture('meters.csv')).toMatchObject({ fileKind: 'meters', rows: 3, inserted: 3 });
    const meters = await select(
      `SELECT a.number, m.serial, m.service, m.place, m.last_reading, m.last_reading_date, m.verification_due, m.digits
         FROM meters m JOIN accounts a ON a.id = m.account_id ORDER BY m.serial`,
    );
    expect(meters).toEqual([
      { number: '1000101', serial: 'А-77123', service: 'водопостачання', place: 'кухня', last_reading: 123, last_reading_date: '2026-10-25', verification_due: '2029-06-30', digits: 5 },
      { number: '1000101', serial: 'А-77124', service: 'водопостачання', place: 'ванна', last_reading: 456, last_reading_date: '2026-10-25', verification_due: null, digits: 5 },
      { number: '1000102', serial: 'B-1001', service: 'водопостачання', place: '', last_reading: 9999, last_reading_date: '2026-10-20', verification_due: '2026-01-31', digits: 4 },
    ].sort((a, b) => (a.serial < b.serial ? -1 : 1)));
  });

  it('reads dates written as DD.MM.YYYY', async () => {
    await importFixture('accounts.csv');
    await importFixture('meters-dotted-dates.csv');
    expect(await select('SELECT serial, last_reading_date, verification_due, digits FROM meters')).toEqual([
      { serial: 'Д-501', last_reading_date: '2026-10-25', verification_due: '2030-03-01', digits: 6 },
    ]);
  });

  it('imports payments with either decimal mark and either date form', async () => {
    await importFixture('accounts.csv');
    expect(await importFixture('payments.csv')).toMatchObject({ fileKind: 'payments', rows: 3, inserted: 3 });
    expect(
      await select('SELECT a.number, p.paid_on, p.amount_kop FROM payments p JOIN accounts a ON a.id = p.account_id ORDER BY p.paid_on'),
    ).toEqual([
      { number: '1000101', paid_on: '2026-09-10', amount_kop: 25050 },
      { number: '1000102', paid_on: '2026-10-05', amount_kop: 12000 },
      { number: '1000101', paid_on: '2026-10-10', amount_kop: 30000 },
    ]);
  });

  it('imports charges, storing a period given as a month or as a day as the first day of its month', async () => {
    await importFixture('accounts.csv');
    expect(await importFixture('charges.csv')).toMatchObject({ fileKind: 'charges', rows: 3, inserted: 3 });
    expect(
      await select(
        'SELECT a.number, c.period, c.service, c.volume_m3, c.amount_kop FROM charges c JOIN accounts a ON a.id = c.account_id ORDER BY c.id',
      ),
    ).toEqual([
      { number: '1000101', period: '2026-09-01', service: 'водопостачання', volume_m3: '5.125', amount_kop: 18740 },
      { number: '1000101', period: '2026-10-01', service: 'водопостачання', volume_m3: '4.200', amount_kop: 15360 },
      { number: '1000102', period: '2026-10-01', service: 'водовідведення', volume_m3: '3.000', amount_kop: 6000 },
    ]);
  });
});

describe('encodings and delimiters', () => {
  it('reads a UTF-8 file that starts with a byte order mark', async () => {
    expect(await importFixture('accounts-utf8-bom.csv')).toMatchObject({ fileKind: 'accounts', encoding: 'utf-8', rows: 1 });
    expect(await accounts()).toEqual([
      { number: '2000201', surname: 'Мельник', given_names: 'Олена', address: "м. Кам'янське, вул. Соборна, 3", balance_kop: 9990, phone: null },
    ]);
  });

  it('reads Cyrillic written in Windows-1251', async () => {
    const bytes = await readFile(path.join(fixtures, 'accounts-cp1251.csv'));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(await importFixture('accounts-cp1251.csv')).toMatchObject({ fileKind: 'accounts', encoding: 'windows-1251', rows: 2 });
    expect(await accounts()).toEqual([
      { number: '5000501', surname: 'Ґудзь', given_names: 'Євгенія Їжаківна', address: "м. Кам'янське, вул. Тараса Шевченка, 7, кв. 1", balance_kop: 1575, phone: null },
      { number: '5000502', surname: 'Щербина', given_names: 'Юрій Іванович', address: "м. Кам'янське, просп. Свободи, 100", balance_kop: 0, phone: '380501234567' },
    ]);
  });

  it('reads a comma-delimited file with quoted addresses', async () => {
    expect(await importFixture('accounts-comma-delimited.csv')).toMatchObject({ delimiter: ',', rows: 2 });
    expect(await accounts()).toEqual([
      { number: '3000301', surname: 'Бондаренко', given_names: 'Петро Миколайович', address: "м. Кам'янське, просп. Свободи, 8, кв. 2", balance_kop: 123450, phone: '380671112233' },
      { number: '3000302', surname: 'Олійник', given_names: 'Марія', address: 'м. Кам\'янське, вул. "Центральна", 1', balance_kop: 100000, phone: null },
    ]);
  });
});

describe('re-importing', () => {
  it('changes nothing when the same files come again', async () => {
    for (const name of ['accounts.csv', 'meters.csv', 'payments.csv', 'charges.csv']) await importFixture(name);
    const before = await snapshot();
    for (const name of ['accounts.csv', 'meters.csv', 'payments.csv', 'charges.csv']) {
      const again = await importFixture(name);
      expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: again.rows });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('updates only the rows whose values differ, and keeps phones a file without the column says nothing about', async () => {
    await importFixture('accounts.csv');
    expect(await importFixture('accounts-without-phone.csv')).toMatchObject({ rows: 1, inserted: 0, updated: 1, unchanged: 0 });
    const [changed] = (await accounts()).filter((a) => a.number === '1000101');
    expect(changed).toMatchObject({ balance_kop: 30000, phone: '380671112233' });

    const edited = Buffer.from('account;date;amount\n1000101;2026-09-10;250.50\n1000101;2026-11-10;99.00\n');
    await importFixture('payments.csv');
    expect(await importBillingFile(db, { buffer: edited, name: 'payments-edited.csv' })).toMatchObject({ rows: 2, inserted: 1, updated: 0, unchanged: 1 });
  });
});

describe('rejecting a file', () => {
  it('lists every bad line with its reason and writes nothing of the file, not even its good rows', async () => {
    await importFixture('accounts.csv');
    const before = await snapshot();
    // Batches of one row, so good rows reach the database before the bad ones are found.
    const outcome = await importBillingFile(db, fixture('payments-bad-amount.csv'), { batchSize: 1 });
    expect(outcome).toEqual({
      kind: 'rejected',
      fileKind: 'payments',
      errors: [
        { line: 3, reason: 'amount "12,345" is not an amount of money (e.g. 1234.50 or 1234,50)' },
        { line: 5, reason: 'amount "сто гривень" is not an amount of money (e.g. 1234.50 or 1234,50)' },
        { line: 6, reason: 'amount is zero' },
      ],
      moreErrors: 0,
    });
    expect(await snapshot()).toEqual(before);
    expect((await counts()).payments).toBe(0);
  });

  it('rolls back rows already written when a later batch has a bad line', async () => {
    const outcome = await importBillingFile(db, fixture('accounts-duplicate-number.csv'), { batchSize: 1 });
    expect(outcome).toEqual({
      kind: 'rejected',
      fileKind: 'accounts',
      errors: [{ line: 4, reason: 'repeats the account number of line 2' }],
      moreErrors: 0,
    });
    expect((await counts()).accounts).toBe(0);
  });

  it('names each problem of a line, and lines with the wrong number of columns', async () => {
    await importFixture('accounts.csv');
    const outcome = await importBillingFile(db, fixture('meters-bad-values.csv'));
    expect(outcome).toEqual({
      kind: 'rejected',
      fileKind: 'meters',
      errors: [
        { line: 3, reason: 'last reading 100000 does not fit on a 5-digit meter' },
        {
          line: 4,
          reason:
            'meter number is empty; last reading "12,5" is not a whole number; last reading date "2026-13-01" is not a date (YYYY-MM-DD or DD.MM.YYYY); digits "0" is not a whole number from 1 to 9',
        },
        { line: 5, reason: 'has 5 columns where the header has 8 (check the delimiter and quotes)' },
      ],
      moreErrors: 0,
    });
    expect((await counts()).meters).toBe(0);
  });

  it('rejects rows of accounts that are neither in the database nor imported earlier', async () => {
    await importFixture('accounts.csv');
    const outcome = await importBillingFile(db, fixture('payments-unknown-account.csv'));
    expect(outcome).toEqual({
      kind: 'rejected',
      fileKind: 'payments',
      errors: [{ line: 3, reason: 'account 9999999 is not in the database (import its accounts file first)' }],
      moreErrors: 0,
    });
    expect((await counts()).payments).toBe(0);
  });

  it('rejects an unknown header, saying which columns were expected', async () => {
    const outcome = await importBillingFile(db, fixture('accounts-unknown-header.csv'));
    expect(outcome.kind).toBe('rejected');
    if (outcome.kind !== 'rejected') return;
    expect(outcome.fileKind).toBeUndefined();
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]!.line).toBe(1);
    expect(outcome.errors[0]!.reason).toContain('looks like accounts but missing given_names; unexpected name');
    expect(outcome.errors[0]!.reason).toContain('accounts: account;surname;given_names;address;balance [;phone]');
    expect(outcome.errors[0]!.reason).toContain('payments: account;date;amount');
    expect((await counts()).accounts).toBe(0);
  });

  it('rejects an empty file', async () => {
    expect(await importBillingFile(db, fixture('empty.csv'))).toEqual({
      kind: 'rejected',
      errors: [{ line: 1, reason: 'the file is empty (expected a header line and rows)' }],
      moreErrors: 0,
    });
  });

  it('rejects a file whose quotes are not closed, at the line where reading stopped', async () => {
    await importFixture('accounts.csv');
    const outcome = await importBillingFile(db, fixture('payments-broken-quote.csv'));
    expect(outcome).toEqual({
      kind: 'rejected',
      fileKind: 'payments',
      errors: [{ line: 3, reason: expect.stringMatching(/^the CSV cannot be read from here on: .*quote/i) }],
      moreErrors: 0,
    });
    expect((await counts()).payments).toBe(0);
  });

  it('lists at most 100 bad lines and counts the rest', async () => {
    await importFixture('accounts.csv');
    const lines = ['account;date;amount', ...Array.from({ length: 150 }, (_, i) => `1000101;2026-10-${String((i % 28) + 1).padStart(2, '0')};x${i}`)];
    const outcome = await importBillingFile(db, { buffer: Buffer.from(lines.join('\n')), name: 'many-bad.csv' });
    expect(outcome).toMatchObject({ kind: 'rejected', moreErrors: 50 });
    if (outcome.kind !== 'rejected') return;
    expect(outcome.errors).toHaveLength(100);
    expect(outcome.errors[99]).toEqual({ line: 101, reason: 'amount "x99" is not an amount of money (e.g. 1234.50 or 1234,50)' });
  });

  it('reports a file that cannot be read', async () => {
    expect(await importBillingFile(db, fixture('no-such-file.csv'))).toEqual({
      kind: 'rejected',
      errors: [{ line: 0, reason: 'cannot read the file (ENOENT)' }],
      moreErrors: 0,
    });
  });
});

describe('importing several files', () => {
  it('imports accounts first whatever order the files are given in, each file on its own', async () => {
    const results = await importBillingFiles(db, [fixture('payments.csv'), fixture('payments-unknown-account.csv'), fixture('meters.csv'), fixture('accounts.csv')]);
    expect(results.map((r) => [path.basename(r.name), r.outcome.kind])).toEqual([
      ['accounts.csv', 'imported'],
      ['meters.csv', 'imported'],
      ['payments.csv', 'imported'],
      ['payments-unknown-account.csv', 'rejected'],
    ]);
    expect(await counts()).toEqual({ accounts: 3, meters: 3, payments: 3, charges: 0 });
  });
});

describe('billing files that attack', () => {
  it('takes a NUL byte for a bad line like any other, and still imports the other files of the command', async () => {
    await importFixture('accounts.csv');
    const results = await importBillingFiles(db, [fixture('payments.csv'), fixture('accounts-nul-byte.csv')]);
    expect(results.map((r) => [path.basename(r.name), r.outcome])).toEqual([
      [
        'accounts-nul-byte.csv',
        {
          kind: 'rejected',
          fileKind: 'accounts',
          errors: [{ line: 3, reason: 'address has a NUL byte (0x00), which no text can hold (is this a text file?)' }],
          moreErrors: 0,
        },
      ],
      ['payments.csv', expect.objectContaining({ kind: 'imported', inserted: 3 })],
    ]);
    expect(await counts()).toMatchObject({ accounts: 3, payments: 3 });
  });

  it('finds a NUL byte on the first load into an empty table too', async () => {
    expect(await importBillingFile(db, fixture('accounts-nul-byte.csv'))).toMatchObject({
      kind: 'rejected',
      errors: [{ line: 3, reason: expect.stringContaining('NUL byte') }],
    });
    expect((await counts()).accounts).toBe(0);
  });

  it('refuses control characters in text values, naming each', async () => {
    expect(await importBillingFile(db, fixture('accounts-control-characters.csv'))).toEqual({
      kind: 'rejected',
      fileKind: 'accounts',
      errors: [{ line: 3, reason: 'surname has the control character U+0007; given_names has a tab; address has the control character U+001B' }],
      moreErrors: 0,
    });
    expect((await counts()).accounts).toBe(0);
  });

  it('refuses a file that mixes UTF-8 and Windows-1251 lines, naming the lines that are not UTF-8', async () => {
    expect(await importBillingFile(db, fixture('accounts-mixed-encodings.csv'))).toEqual({
      kind: 'rejected',
      errors: [
        {
          line: 0,
          reason:
            'the file mixes encodings: 2 lines are UTF-8 (2, 4) and 2 not (Windows-1251?); nothing was decoded: save the whole file in one encoding, UTF-8 or Windows-1251, and import it again',
        },
        { line: 3, reason: 'is not valid UTF-8' },
        { line: 5, reason: 'is not valid UTF-8' },
      ],
      moreErrors: 0,
    });
    expect((await counts()).accounts).toBe(0);
  });

  it('refuses a UTF-8 file broken on the way rather than reading all of it as Windows-1251', async () => {
    const good = "1000402;Коваль;Іван;вул. Миру, 2;0\n";
    const text = Buffer.from(`account;surname;given_names;address;balance\n1000401;Шевченко;Оксана;вул. Соборна, 1;0\n${good}`);
    // The first byte of a letter's two cut off: the letter before it is left unfinished.
    const cut = text.indexOf('Соборна') + 2;
    const broken = Buffer.concat([text.subarray(0, cut), text.subarray(cut + 1)]);
    const outcome = await importBillingFile(db, { buffer: broken, name: 'accounts-broken-utf8.csv' });
    expect(outcome).toMatchObject({
      kind: 'rejected',
      errors: [{ line: 0, reason: expect.stringContaining('mixes encodings: 1 line is UTF-8 (3) and 1 not') }, { line: 2, reason: 'is not valid UTF-8' }],
    });
  });

  it('says a UTF-16 file is UTF-16, with a byte order mark or without', async () => {
    const expected = {
      kind: 'rejected',
      errors: [
        {
          line: 0,
          reason: 'the file is UTF-16 (little-endian), not a text in one byte per letter: save it as UTF-8 or Windows-1251 (in Excel: "CSV UTF-8") and import it again',
        },
      ],
      moreErrors: 0,
    };
    expect(await importBillingFile(db, fixture('accounts-utf16.csv'))).toEqual(expected);
    const withoutBom = Buffer.from('account;date;amount\r\n1000101;2026-10-10;12,00\r\n', 'utf16le');
    expect(await importBillingFile(db, { buffer: withoutBom, name: 'payments-utf16.csv' })).toEqual(expected);
    const bigEndian = Buffer.from(withoutBom).swap16();
    expect(await importBillingFile(db, { buffer: bigEndian, name: 'payments-utf16be.csv' })).toMatchObject({
      errors: [{ reason: expect.stringContaining('UTF-16 (big-endian)') }],
    });
  });

  it('says a line is too long rather than that a quote is not closed', async () => {
    await importFixture('accounts.csv');
    const longLine = Buffer.from(`account;date;amount\n1000101;2026-10-10;12,00\n1000101;2026-10-11;${'1'.repeat(2 * 1024 * 1024)}\n1000101;2026-10-12;1\n`);
    expect(await importBillingFile(db, { buffer: longLine, name: 'payments-long-line.csv' })).toEqual({
      kind: 'rejected',
      fileKind: 'payments',
      errors: [{ line: 3, reason: 'the CSV cannot be read from here on: line 3 is longer than 1 MiB (1,048,576 characters) — not a billing export?' }],
      moreErrors: 0,
    });
    const noLineBreak = Buffer.from(`account;date;amount${';'.repeat(2 * 1024 * 1024)}`);
    expect(await importBillingFile(db, { buffer: noLineBreak, name: 'one-line.csv' })).toEqual({
      kind: 'rejected',
      errors: [{ line: 1, reason: 'the CSV cannot be read: line 1 is longer than 1 MiB (1,048,576 characters) — not a billing export?' }],
      moreErrors: 0,
    });
    expect((await counts()).payments).toBe(0);
  });
});

describe('memory stays bounded', () => {
  const accountLines = (count: number, from = 1000500) =>
    Array.from({ length: count }, (_, i) => `${from + i};Мельник;Олена;вул. Соборна, ${i};0`);

  it("sends the incremental path's rows a batch at a time as they are read, never holding the file", async () => {
    await importFixture('accounts.csv');
    const stats = { batches: 0, mostHeld: 0 };
    const file = ['account;surname;given_names;address;balance', ...accountLines(500)].join('\n');
    const outcome = await importBillingFile(db, { buffer: Buffer.from(file), name: 'accounts-many.csv' }, { batchSize: 20, stats });
    expect(outcome).toMatchObject({ kind: 'imported', rows: 500, inserted: 500 });
    expect(stats.batches).toBe(25);
    // The batch being written, what was left over from the last read, and the read being checked; never more.
    expect(stats.mostHeld).toBeLessThanOrEqual(3 * 20);
    expect((await counts()).accounts).toBe(503);
  });

  it('finds a key repeated batches apart on the incremental path, with the line it repeats, and writes nothing', async () => {
    await importFixture('accounts.csv');
    const lines = accountLines(300);
    lines.push(lines[5]!, lines[250]!.replace('вул.', 'просп.'));
    const file = ['account;surname;given_names;address;balance', ...lines].join('\n');
    const outcome = await importBillingFile(db, { buffer: Buffer.from(file), name: 'accounts-repeats.csv' }, { batchSize: 7 });
    expect(outcome).toEqual({
      kind: 'rejected',
      fileKind: 'accounts',
      errors: [
        { line: 302, reason: 'repeats the account number of line 7' },
        { line: 303, reason: 'repeats the account number of line 252' },
      ],
      moreErrors: 0,
    });
    expect((await counts()).accounts).toBe(3);
  });

  it('lists the first 100 bad lines in file order, repeats and others alike, and only counts the rest', async () => {
    await importFixture('accounts.csv');
    // Repeats are found by the database a batch after the lines after them are checked.
    const lines = accountLines(400).map((line, i) => (i % 2 === 1 ? line.replace(/;0$/, ';x') : i > 0 && i % 4 === 0 ? accountLines(1)[0]! : line));
    const file = ['account;surname;given_names;address;balance', ...lines].join('\n');
    const outcome = await importBillingFile(db, { buffer: Buffer.from(file), name: 'accounts-many-bad.csv' }, { batchSize: 10 });
    if (outcome.kind !== 'rejected') throw new Error('expected a rejection');
    expect(outcome.errors).toHaveLength(100);
    expect(outcome.moreErrors).toBe(200 + 99 - 100);
    const badLines = Array.from({ length: 400 }, (_, i) => i).filter((i) => i % 2 === 1 || (i > 0 && i % 4 === 0)).map((i) => i + 2);
    expect(outcome.errors.map((e) => e.line)).toEqual(badLines.slice(0, 100));
    expect(outcome.errors[2]).toEqual({ line: 6, reason: 'repeats the account number of line 2' });
  });
});
