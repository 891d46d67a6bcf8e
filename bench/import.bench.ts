// Billing import against PostgreSQL's own `\copy` of the same files, measured in the same run:
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:import
// Target: our import of 100k accounts, 150k meters and 1.2M payments within 3× the time of `\copy`. The tables
// start empty, so each file takes the importer's bulk path; the re-import after it takes the incremental one.
// Beside each time, the peak RSS while it ran: memory must stay flat whatever the file, so the bench also
// imports a year of new payments into the table that has rows (the incremental path, writing), and a bad file
// as big as the payments (1.2M lines of accounts that do not exist). Every file is generated here, on the fly.
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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

/**
 * `work`'s time, and the highest RSS and V8 heap seen while it ran (sampled every 20 ms), in MB. RSS seldom
 * shrinks once grown, so a case's peak RSS also carries what the cases before it took; the heap says what
 * this one holds.
 */
async function measured<T>(work: () => Promise<T>): Promise<{ ms: number; value: T; peakMb: number; heapMb: number }> {
  let peak = 0;
  let heap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  sample();
  const sampler = setInterval(sample, 20);
  try {
    const result = await timed(work);
    sample();
    return { ...result, peakMb: peak / 1024 / 1024, heapMb: heap / 1024 / 1024 };
  } finally {
    clearInterval(sampler);
  }
}

const mb = (value: number) => `${value.toFixed(0)} MB`;
const memory = (m: { peakMb: number; heapMb: number }) => `peak RSS ${mb(m.peakMb)} (heap ${mb(m.heapMb)})`;

/**
 * What PostgreSQL alone spends on the bulk path: the rows our import wrote, already checked and converted, are
 * copied out and loaded again with `\copy` into tables shaped like ours (ids kept up while loading, the other
 * keys, unique indexes and foreign keys made afterwards), in one transaction. No parsing or checking in Node.
 */
async function databaseShare(url: string, folder: string): Promise<number> {
  const rows = (table: string) => path.join(folder, `${table}.rows`);
  const exports = {
    accounts: 'SELECT id, number, surname, given_names, address, balance_kop, phone FROM accounts',
    meters: 'SELECT id, account_id, serial, service, place, last_reading, last_reading_date, verification_due, digits FROM meters',
    payments: 'SELECT account_id, paid_on, amount_kop FROM payments',
  };
  for (const [table, query] of Object.entries(exports)) await run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy (${query}) TO '${rows(table)}'`]);
  await run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-c', `
    CREATE TABLE floor_accounts (LIKE accounts INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (id));
    CREATE TABLE floor_meters (LIKE meters INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (id));
    CREATE TABLE floor_payments (LIKE payments INCLUDING DEFAULTS INCLUDING CONSTRAINTS);`]);
  const load = [
    'BEGIN;',
    `\\copy floor_accounts (id, number, surname, given_names, address, balance_kop, phone) FROM '${rows('accounts')}'`,
    'ALTER TABLE floor_accounts ADD UNIQUE (number); CREATE INDEX ON floor_accounts (phone) WHERE phone IS NOT NULL;',
    `\\copy floor_meters (id, account_id, serial, service, place, last_reading, last_reading_date, verification_due, digits) FROM '${rows('meters')}'`,
    'ALTER TABLE floor_meters ADD UNIQUE (account_id, serial), ADD FOREIGN KEY (account_id) REFERENCES floor_accounts (id);',
    `\\copy floor_payments (account_id, paid_on, amount_kop) FROM '${rows('payments')}'`,
    'ALTER TABLE floor_payments ADD PRIMARY KEY (account_id, paid_on, amount_kop), ADD FOREIGN KEY (account_id) REFERENCES floor_accounts (id);',
    'COMMIT;',
  ];
  const script = path.join(folder, 'floor.sql');
  await writeFile(script, `${load.join('\n')}\n`);
  const { ms } = await timed(() => run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-f', script]));
  await run('psql', [url, '-c', 'DROP TABLE floor_payments, floor_meters, floor_accounts']);
  return ms;
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
    const perFile: string[] = [];
    const ours = await measured(async () => {
      for (const kind of ['accounts', 'meters', 'payments'] as const) {
        const one = await timed(() => importBillingFile(db, { path: files[kind] }));
        if (one.value.kind !== 'imported') throw new Error(`${kind} was rejected: ${JSON.stringify(one.value.errors.slice(0, 5))}`);
        perFile.push(`  ${kind}: ${one.value.rows} rows, ${one.value.inserted} inserted in ${(one.ms / 1000).toFixed(2)} s`);
      }
    });
    console.log(perFile.join('\n'));
    const floor = await databaseShare(url, folder);
    const again = await measured(() => importBillingFiles(db, [{ path: files.accounts }, { path: files.meters }, { path: files.payments }]));
    const changed = again.value.reduce((sum, { outcome }) => sum + (outcome.kind === 'imported' ? outcome.inserted + outcome.updated : NaN), 0);

    // A year of new payments into the table that has rows: the incremental path, writing every row.
    const nextYear = path.join(folder, 'payments-next-year.csv');
    await writeLines(nextYear, 'account;date;amount', ACCOUNTS * PAYMENTS_PER_ACCOUNT, (i) =>
      [accountNumber(Math.floor(i / PAYMENTS_PER_ACCOUNT)), day(1 + (i % PAYMENTS_PER_ACCOUNT), 1 + (i % 28)).replace('2025', '2026'), `${200 + (i % 700)}.${String(i % 100).padStart(2, '0')}`].join(';'),
    );
    const incremental = await measured(() => importBillingFile(db, { path: nextYear }));
    if (incremental.value.kind !== 'imported') throw new Error('the next year of payments was rejected');
    await rm(nextYear);
    // As many lines of accounts that do not exist: every line bad, 100 listed, the rest counted.
    const unknown = path.join(folder, 'payments-unknown-accounts.csv');
    await writeLines(unknown, 'account;date;amount', ACCOUNTS * PAYMENTS_PER_ACCOUNT, (i) => [String(9_000_000 + i), day(1 + (i % 12), 1 + (i % 28)), '100.00'].join(';'));
    await db.sequelize.query('TRUNCATE payments');
    const bad = await measured(() => importBillingFile(db, { path: unknown }));
    if (bad.value.kind !== 'rejected') throw new Error('the file of unknown accounts went in');

    const ratio = ours.ms / copy.ms;
    console.log(`\\copy baseline:     ${(copy.ms / 1000).toFixed(2)} s`);
    console.log(`our import:         ${(ours.ms / 1000).toFixed(2)} s`);
    console.log(`the database's share: ${(floor / 1000).toFixed(2)} s (${(floor / copy.ms).toFixed(2)}x copy), reloading the rows we wrote the bulk way with \\copy`);
    console.log(`ratio (ours/copy):  ${ratio.toFixed(2)}  -> ${ratio <= TARGET_RATIO ? 'within' : 'NOT within'} ${TARGET_RATIO}x`);
    console.log(`re-import (no-op):  ${(again.ms / 1000).toFixed(2)} s, rows changed: ${changed}`);
    console.log(`bulk import: ${memory(ours)}; re-import: ${memory(again)}`);
    console.log(`incremental, ${incremental.value.inserted} new payments into a table with rows: ${(incremental.ms / 1000).toFixed(2)} s, ${memory(incremental)}`);
    console.log(
      `bad file, ${ACCOUNTS * PAYMENTS_PER_ACCOUNT} lines of unknown accounts: rejected in ${(bad.ms / 1000).toFixed(2)} s ` +
        `(${bad.value.errors.length} listed, ${bad.value.moreErrors} more counted), ${memory(bad)}`,
    );
    console.log(`process max RSS: ${mb(process.resourceUsage().maxRSS / 1024)}`);
    process.exitCode = ratio <= TARGET_RATIO ? 0 : 1;
  } finally {
    await scratch.drop();
    await rm(folder, { recursive: true, force: true });
  }
}

await main();
