import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { importBillingFile, type ImportOutcome } from '../../../core/billing/import-file.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

// The first load into an empty table goes the bulk way (keys and indexes dropped, rebuilt after the rows);
// these files are big enough to take several reads and several pieces of the COPY.

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
const TABLES = `('accounts', 'meters', 'payments', 'charges')`;

/** Every index and constraint of the billing tables, by name, as the catalog prints them. */
const definitions = () =>
  select<{ table: string; name: string; definition: string }>(
    `SELECT c.relname AS table, i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
      WHERE c.relname IN ${TABLES}
     UNION ALL
     SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' (not validated)' END
       FROM pg_constraint WHERE conrelid::regclass::text IN ${TABLES}
      ORDER BY 1, 2, 3`,
  );

/** The indexes' own identities: a rebuilt index is a new one. */
const indexIds = (table: string) =>
  select<{ id: number }>(`SELECT indexrelid::int AS id FROM pg_index WHERE indrelid = '${table}'::regclass ORDER BY 1`);

const csv = (lines: string[]) => ({ buffer: Buffer.from(`${lines.join('\n')}\n`), name: 'generated.csv' });
const ACCOUNTS = 1_200;
const number = (i: number) => String(3_000_000 + i);
const accountsFile = csv([
  'account;surname;given_names;address;balance;phone',
  ...Array.from({ length: ACCOUNTS }, (_, i) => `${number(i)};Олійник;Марія;"вул. ""Соборна"", ${i}";${i},5${i % 10};${i % 2 === 0 ? `067 ${String(1_000_000 + i).slice(-7)}` : ''}`),
]);
const metersFile = csv([
  'account;meter;service;place;last_reading;last_reading_date;verification_due;digits',
  ...Array.from({ length: ACCOUNTS }, (_, i) => `${number(i)};М-${i};водопостачання;кухня;${i};25.10.2026;${i % 3 === 0 ? '' : '2029-06-30'};5`),
]);
const paymentLines = Array.from({ length: 3 * ACCOUNTS }, (_, i) => `${number(Math.floor(i / 3))};2026-0${1 + (i % 3)}-1${i % 10};${100 + (i % 50)},50`);
const paymentsFile = csv(['account;date;amount', ...paymentLines]);
const chargesFile = csv([
  'account;period;service;volume;amount',
  ...Array.from({ length: ACCOUNTS }, (_, i) => `${number(i)};2026-10;водопостачання;${i % 9}.125;${200 + i}`),
]);

async function imported(source: { buffer: Buffer; name: string }, options = {}): Promise<Extract<ImportOutcome, { kind: 'imported' }>> {
  const outcome = await importBillingFile(db, source, options);
  if (outcome.kind !== 'imported') throw new Error(`rejected: ${JSON.stringify(outcome.errors.slice(0, 3))}`);
  return outcome;
}

describe('the first load into an empty table', () => {
  it('writes every row and puts each index and constraint back as the migrations made it', async () => {
    const before = await definitions();
    const paymentIndexes = await indexIds('payments');
    expect(before.map((d) => d.name)).toEqual(
      expect.arrayContaining(['accounts_number_key', 'accounts_phone_idx', 'meters_account_id_fkey', 'payments_pkey', 'payments_account_id_fkey']),
    );

    // Small batches, so the rows go in many pieces.
    expect(await imported(accountsFile, { batchSize: 500 })).toMatchObject({ rows: ACCOUNTS, inserted: ACCOUNTS });
    expect(await imported(metersFile, { batchSize: 500 })).toMatchObject({ rows: ACCOUNTS, inserted: ACCOUNTS });
    expect(await imported(paymentsFile, { batchSize: 500 })).toMatchObject({ rows: 3 * ACCOUNTS, inserted: 3 * ACCOUNTS });
    expect(await imported(chargesFile)).toMatchObject({ rows: ACCOUNTS, inserted: ACCOUNTS });

    expect(await definitions()).toEqual(before);
    expect(await indexIds('payments')).not.toEqual(paymentIndexes);
    const [counts] = await select<{ accounts: number; phones: number; meters: number; payments: number; charges: number }>(
      `SELECT (SELECT count(*)::int FROM accounts) AS accounts, (SELECT count(phone)::int FROM accounts) AS phones,
              (SELECT count(*)::int FROM meters) AS meters, (SELECT count(*)::int FROM payments) AS payments,
              (SELECT count(*)::int FROM charges) AS charges`,
    );
    expect(counts).toEqual({ accounts: ACCOUNTS, phones: ACCOUNTS / 2, meters: ACCOUNTS, payments: 3 * ACCOUNTS, charges: ACCOUNTS });
    expect(
      await select(`SELECT a.number, a.address, a.balance_kop, a.phone, m.serial, m.verification_due, c.volume_m3
                      FROM accounts a JOIN meters m ON m.account_id = a.id JOIN charges c ON c.account_id = a.id
                     WHERE a.number IN ('${number(0)}', '${number(1)}') ORDER BY a.number`),
    ).toEqual([
      { number: number(0), address: 'вул. "Соборна", 0', balance_kop: 50, phone: '380671000000', serial: 'М-0', verification_due: null, volume_m3: '0.125' },
      { number: number(1), address: 'вул. "Соборна", 1', balance_kop: 151, phone: null, serial: 'М-1', verification_due: '2029-06-30', volume_m3: '1.125' },
    ]);
    // The rebuilt keys hold: the database refuses what they forbid.
    const refusedBy = (constraint: string) => ({ parent: expect.objectContaining({ constraint }) });
    await expect(db.sequelize.query('INSERT INTO payments SELECT * FROM payments LIMIT 1')).rejects.toMatchObject(refusedBy('payments_pkey'));
    await expect(db.sequelize.query(`INSERT INTO payments VALUES (999999, '2026-01-01', 100)`)).rejects.toMatchObject(refusedBy('payments_account_id_fkey'));
    await expect(db.sequelize.query(`INSERT INTO accounts (number, surname, address) VALUES ('${number(7)}', 'Двійник', '-')`)).rejects.toMatchObject(
      refusedBy('accounts_number_key'),
    );
  });

  it('then takes the incremental way: the same file again changes nothing and rebuilds nothing', async () => {
    await imported(accountsFile);
    await imported(paymentsFile);
    const rows = await select('SELECT * FROM payments ORDER BY account_id, paid_on, amount_kop');
    const indexes = await indexIds('payments');
    expect(await imported(paymentsFile, { batchSize: 700 })).toMatchObject({ rows: 3 * ACCOUNTS, inserted: 0, updated: 0, unchanged: 3 * ACCOUNTS });
    expect(await select('SELECT * FROM payments ORDER BY account_id, paid_on, amount_kop')).toEqual(rows);
    expect(await indexIds('payments')).toEqual(indexes);
    // New lines among the old go in through the same way.
    const more = csv(['account;date;amount', ...paymentLines, `${number(0)};2026-11-01;1,00`]);
    expect(await imported(more)).toMatchObject({ inserted: 1, unchanged: 3 * ACCOUNTS });
  });
});

// Only a real server runs two transactions at once. The other transaction stands for a second import of the
// same file: it holds `accounts` and then wants the table, as the second import's LOCK would.
describe.runIf(inject('testDatabase').kind === 'server')('a first load while another transaction wants the table too', () => {
  it('keeps no lock from its check that the table is empty, so the two cannot deadlock', async () => {
    await imported(accountsFile);
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE');
      const load = importBillingFile(db, paymentsFile);
      // Wait until the import has checked that payments is empty and waits for accounts.
      let waiting = false;
      for (let i = 0; i < 200 && !waiting; i++) {
        await other.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await other.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE%'`,
        );
        waiting = rows[0]!.n > 0;
        if (!waiting) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(waiting).toBe(true);
      // Had the import kept its check's lock on payments, this would wait for it while it waits for us.
      await other.query('LOCK TABLE payments IN ACCESS EXCLUSIVE MODE');
      await other.query('COMMIT');
      expect(await load).toMatchObject({ kind: 'imported', inserted: 3 * ACCOUNTS });
    } finally {
      await other.end();
    }
  });
});

describe('a file rejected on the bulk path', () => {
  beforeEach(async () => {
    await imported(accountsFile);
  });

  it('leaves the table empty and its indexes and constraints intact, even after rows were sent', async () => {
    const before = await definitions();
    const bad = csv(['account;date;amount', ...paymentLines.slice(0, 2_000), `${number(5)};2026-01-01;сто`, ...paymentLines.slice(2_000)]);
    const outcome = await importBillingFile(db, bad, { batchSize: 300 });
    expect(outcome).toEqual({
      kind: 'rejected',
      fileKind: 'payments',
      errors: [{ line: 2_002, reason: 'amount "сто" is not an amount of money (e.g. 1234.50 or 1234,50)' }],
      moreErrors: 0,
    });
    expect(await select('SELECT * FROM payments')).toEqual([]);
    expect(await definitions()).toEqual(before);
  });

  it('names repeated keys, which it leaves to the rebuilt unique index, with the line they repeat', async () => {
    const before = await definitions();
    const repeated = csv(['account;date;amount', ...paymentLines, paymentLines[10]!, `${number(0)};2026-13-01;5`]);
    const outcome = await importBillingFile(db, repeated, { batchSize: 400 });
    expect(outcome).toEqual({
      kind: 'rejected',
      fileKind: 'payments',
      errors: [
        { line: 3 * ACCOUNTS + 2, reason: 'repeats the account, date and amount of line 12' },
        { line: 3 * ACCOUNTS + 3, reason: 'date "2026-13-01" is not a date (YYYY-MM-DD or DD.MM.YYYY)' },
      ],
      moreErrors: 0,
    });
    // Only the repeat: every row reaches the database, and the rebuilt key refuses them.
    const onlyRepeated = csv(['account;date;amount', ...paymentLines, paymentLines[10]!]);
    expect(await importBillingFile(db, onlyRepeated)).toMatchObject({ kind: 'rejected', errors: [{ line: 3 * ACCOUNTS + 2 }] });
    expect(await select('SELECT * FROM payments')).toEqual([]);
    expect(await definitions()).toEqual(before);
  });
});
