// Billing import against PostgreSQL's own `\copy` of the same files, measured in the same run:
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:import
// Target: our import of 100k accounts, 150k meters and 1.2M payments within 3× the time of `\copy`.
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { createScratchDatabase } from './support/scratch-db.ts';
import { importBillingFiles } from '../core/billing/import-files.ts';
import { importBillingFile } from '../core/billing/import-file.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const METERS = Math.round(ACCOUNTS * 1.5);
const PAYMENTS_PER_ACCOUNT = 12;
const TARGET_RATIO = 3;

const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const run = promisify(execFile);

async function writeLines(file: string, header: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(file);
  let chunk = `${header}\n`;
  for (let i = 0; i < count; i += 1) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

const surnames = ['Шевченко', 'Коваленко', 'Бондаренко', 'Ткаченко', 'Кравченко', 'Олійник', 'Мельник', 'Поліщук'];
const streets = ['вул. Соборна', 'просп. Свободи', 'вул. Тараса Шевченка', 'просп. Аношкіна', 'вул. Сиротенка'];
const accountNumber = (i: number) => String(1_000_000 + i);
const day = (month: number, dayOfMonth: number) => `2025-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;

async function generate(folder: string): Promise<{ accounts: string; meters: string; payments: string }> {
  const files = { accounts: path.join(folder, 'accounts.csv'), meters: path.join(folder, 'meters.csv'), payments: path.join(folder, 'payments.csv') };
  await writeLines(files.accounts, 'account;surname;given_names;address;balance;phone', ACCOUNTS, (i) =>
    [
      accountNumber(i),
      surnames[i % surnames.length],
      'Олена Петрівна',
      `м. Кам'янське, ${streets[i % streets.length]}, ${1 + (i % 120)}, кв. ${1 + (i % 90)}`,
      `${(i * 37) % 5000},${String(i % 100).padStart(2, '0')}`,
      i % 3 === 0 ? `+38067${String(1_000_000 + i).slice(-7)}` : '',
    ].join(';'),
  );
  await writeLines(files.meters, 'account;meter;service;place;last_reading;last_reading_date;verification_due;digits', METERS, (i) =>
    [accountNumber(i % ACCOUNTS), `M${String(i).padStart(8, '0')}`, 'водопостачання', i < ACCOUNTS ? 'кухня' : 'ванна', i % 9000, '25.10.2025', i % 10 === 0 ? '' : '2029-06-30', 5].join(';'),
  );
  await writeLines(files.payments, 'account;date;amount', ACCOUNTS * PAYMENTS_PER_ACCOUNT, (i) =>
    [accountNumber(Math.floor(i / PAYMENTS_PER_ACCOUNT)), day(1 + (i % PAYMENTS_PER_ACCOUNT), 1 + (i % 28)), `${200 + (i % 700)}.${String(i % 100).padStart(2, '0')}`].join(';'),
  );
  return files;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

async function main(): Promise<void> {
  const folder = await mkdtemp(path.join(tmpdir(), 'cabinet-bench-'));
  const scratch = await createScratchDatabase(serverUrl, 'cabinet_bench');
  const url = scratch.url;
  const db = scratch.open({ poolMax: 2 });
  try {
    console.log(`generating ${ACCOUNTS} accounts, ${METERS} meters, ${ACCOUNTS * PAYMENTS_PER_ACCOUNT} payments in ${folder}`);
    const files = await generate(folder);
    await db.sequelize.query(`
      CREATE TABLE copy_accounts (account text, surname text, given_names text, address text, balance text, phone text);
      CREATE TABLE copy_meters (account text, meter text, service text, place text, last_reading text, last_reading_date text, verification_due text, digits text);
      CREATE TABLE copy_payments (account text, date text, amount text);`);

    const copy = await timed(async () => {
      for (const kind of ['accounts', 'meters', 'payments'] as const) {
        await run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy copy_${kind} FROM '${files[kind]}' WITH (FORMAT csv, HEADER true, DELIMITER ';')`]);
      }
    });
    // What PostgreSQL itself needs to merge the copied rows into tables shaped like ours (same keys, unique
    // indexes and foreign keys), with no parsing or checking at all: the floor under any importer.
    await db.sequelize.query(`
      CREATE TABLE floor_accounts (LIKE accounts INCLUDING ALL);
      CREATE TABLE floor_meters (LIKE meters INCLUDING ALL, FOREIGN KEY (account_id) REFERENCES floor_accounts(id));
      CREATE TABLE floor_payments (LIKE payments INCLUDING ALL, FOREIGN KEY (account_id) REFERENCES floor_accounts(id));`);
    const floor = await timed(() =>
      db.sequelize.transaction(async (transaction) => {
        await db.sequelize.query(
          `INSERT INTO floor_accounts (number, surname, given_names, address, balance_kop, phone)
           SELECT account, surname, given_names, address, round(replace(balance, ',', '.')::numeric * 100)::int, nullif(phone, '') FROM copy_accounts;
           INSERT INTO floor_meters (account_id, serial, service, place, last_reading, last_reading_date, verification_due, digits)
           SELECT a.id, meter, service, place, last_reading::int, to_date(last_reading_date, 'DD.MM.YYYY'), nullif(verification_due, '')::date, digits::int
             FROM copy_meters m JOIN floor_accounts a ON a.number = m.account;
           INSERT INTO floor_payments (account_id, paid_on, amount_kop)
           SELECT a.id, p.date::date, round(p.amount::numeric * 100)::int FROM copy_payments p JOIN floor_accounts a ON a.number = p.account
           ON CONFLICT DO NOTHING;`,
          { transaction },
        );
      }),
    );
    await db.sequelize.query('DROP TABLE floor_payments, floor_meters, floor_accounts');

    const perFile: string[] = [];
    const ours = await timed(async () => {
      for (const kind of ['accounts', 'meters', 'payments'] as const) {
        const one = await timed(() => importBillingFile(db, { path: files[kind] }));
        if (one.value.kind !== 'imported') throw new Error(`${kind} was rejected: ${JSON.stringify(one.value.errors.slice(0, 5))}`);
        perFile.push(`  ${kind}: ${one.value.rows} rows, ${one.value.inserted} inserted in ${(one.ms / 1000).toFixed(2)} s`);
      }
    });
    console.log(perFile.join('\n'));
    const again = await timed(() => importBillingFiles(db, [{ path: files.accounts }, { path: files.meters }, { path: files.payments }]));
    const changed = again.value.reduce((sum, { outcome }) => sum + (outcome.kind === 'imported' ? outcome.inserted + outcome.updated : NaN), 0);

    const ratio = ours.ms / copy.ms;
    console.log(`\\copy baseline:     ${(copy.ms / 1000).toFixed(2)} s`);
    console.log(`our import:         ${(ours.ms / 1000).toFixed(2)} s`);
    console.log(`SQL-only merge of the copied rows into tables like ours: ${(floor.ms / 1000).toFixed(2)} s (${(floor.ms / copy.ms).toFixed(2)}x copy) — the floor set by keys, indexes and foreign keys`);
    console.log(`ratio (ours/copy):  ${ratio.toFixed(2)}  -> ${ratio <= TARGET_RATIO ? 'within' : 'NOT within'} ${TARGET_RATIO}x`);
    console.log(`re-import (no-op):  ${(again.ms / 1000).toFixed(2)} s, rows changed: ${changed}`);
    process.exitCode = ratio <= TARGET_RATIO ? 0 : 1;
  } finally {
    await scratch.drop();
    await rm(folder, { recursive: true, force: true });
  }
}

await main();
