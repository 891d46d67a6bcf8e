import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string) => path.join(root, 'tests/fixtures/billing', name);

let db: TestDatabase;
let folder: string;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
  folder = await mkdtemp(path.join(tmpdir(), 'cabinet-cli-'));
});
afterAll(async () => {
  await db.destroy();
  await rm(folder, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'bots/cli.ts', ...args],
      { cwd: root, env: { ...process.env, DATABASE_URL: db.url, DB_POOL_MAX: '2', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const count = async (table: string) =>
  ((await db.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`, { type: QueryTypes.SELECT }))[0]!).n;

// Each case starts the CLI as a process (one or two): on a busy 2-core machine that alone can take half a minute.
describe('npm run cli', { timeout: 120_000 }, () => {
  it('imports good files and exits 0', async () => {
    const run = await cli(['import', fixture('payments.csv'), fixture('accounts.csv')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        "accounts.csv: imported 3 accounts rows: 3 new, 0 updated, 0 unchanged (utf-8, ';'-delimited)",
        "payments.csv: imported 3 payments rows: 3 new, 0 updated, 0 unchanged (utf-8, ';'-delimited)",
        '',
      ].join('\n'),
    );
    expect(await count('payments')).toBe(3);
  });

  it('exits non-zero listing each bad line of a rejected file, and writes nothing of it', async () => {
    const before = await count('payments');
    const run = await cli(['import', fixture('payments-bad-amount.csv')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        'payments-bad-amount.csv: REJECTED payments file, nothing of it was written:',
        '  line 3: amount "12,345" is not an amount of money (e.g. 1234.50 or 1234,50)',
        '  line 5: amount "сто гривень" is not an amount of money (e.g. 1234.50 or 1234,50)',
        '  line 6: amount is zero',
        '',
      ].join('\n'),
    );
    expect(await count('payments')).toBe(before);
  });

  it('rejects a file with a NUL byte naming its line, without a stack trace, and imports the other files', async () => {
    await db.sequelize.query('TRUNCATE accounts, meters, payments, charges RESTART IDENTITY CASCADE');
    const run = await cli(['import', fixture('accounts-nul-byte.csv'), fixture('payments.csv'), fixture('accounts.csv')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        'accounts-nul-byte.csv: REJECTED accounts file, nothing of it was written:',
        '  line 3: address has a NUL byte (0x00), which no text can hold (is this a text file?)',
        '',
      ].join('\n'),
    );
    expect(run.stdout).toBe(
      [
        "accounts.csv: imported 3 accounts rows: 3 new, 0 updated, 0 unchanged (utf-8, ';'-delimited)",
        "payments.csv: imported 3 payments rows: 3 new, 0 updated, 0 unchanged (utf-8, ';'-delimited)",
        '',
      ].join('\n'),
    );
    expect(await count('payments')).toBe(3);
  });

  it('says what is wrong with a file in UTF-16', async () => {
    const run = await cli(['import', fixture('accounts-utf16.csv')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'accounts-utf16.csv: REJECTED, nothing of it was written:\n' +
        '  the file is UTF-16 (little-endian), not a text in one byte per letter: save it as UTF-8 or Windows-1251 (in Excel: "CSV UTF-8") and import it again\n',
    );
  });

  it('exports readings to a file', async () => {
    const out = path.join(folder, 'readings.csv');
    const run = await cli(['export-readings', '--from', '2026-11-01', '--to', '2026-11-30', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`exported 0 readings to ${out}\n`);
    expect(await readFile(out, 'utf8')).toBe('account;meter;reading;date;submitted_at;channel\n');
  });

  it('exports the readings’ meter photos into a folder, with a listing of which reading each file shows', async () => {
    const [account] = await db.sequelize.query<{ id: number }>(
      `INSERT INTO accounts (number, surname, address) VALUES ('=7001', 'Бойко', 'вул. Тиха, 1') RETURNING id`,
      { type: QueryTypes.SELECT },
    );
    const [meter] = await db.sequelize.query<{ id: number }>(
      `INSERT INTO meters (account_id, serial, service, last_reading, digits) VALUES (:accountId, 'PH-9', 'водопостачання', 100, 5) RETURNING id`,
      { replacements: { accountId: account!.id }, type: QueryTypes.SELECT },
    );
    const ids: number[] = [];
    for (const [value, localDate] of [[110, '2026-11-10'], [120, '2026-11-20'], [130, '2026-12-02']] as const) {
      const [reading] = await db.sequelize.query<{ id: number }>(
        `INSERT INTO readings (meter_id, value, local_date, channel) VALUES (:meterId, :value, :localDate, 'viber') RETURNING id`,
        { replacements: { meterId: meter!.id, value, localDate }, type: QueryTypes.SELECT },
      );
      ids.push(reading!.id);
    }
    const jpeg = Buffer.from('ffd8ffe000104a46494600', 'hex');
    // The first and the last have photos; the last is outside the range.
    for (const id of [ids[0]!, ids[2]!]) {
      await db.sequelize.query(
        `INSERT INTO reading_photos (reading_id, bytes, mime, sha256, channel, created_at) VALUES (:id, :bytes, 'image/jpeg', 'abc', 'viber', now())`,
        { replacements: { id, bytes: jpeg } },
      );
    }
    const out = path.join(folder, 'with-photos.csv');
    const photos = path.join(folder, 'photos-2026-11');
    const run = await cli(['export-readings', '--from', '2026-11-01', '--to', '2026-11-30', '--out', out, '--photos', photos]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`exported 1 meter photos to ${photos} (listed in photos.csv)`);
    expect(await readFile(path.join(photos, 'photos.csv'), 'utf8')).toBe(
      `account;meter;reading;date;reading_id;photo;sha256\n"'=7001";PH-9;110;2026-11-10;${ids[0]};reading-${ids[0]}.jpg;abc\n`,
    );
    expect((await readFile(path.join(photos, `reading-${ids[0]}.jpg`))).equals(jpeg)).toBe(true);
    expect(await readdir(photos)).toEqual(['photos.csv', `reading-${ids[0]}.jpg`].sort());
  });

  it('prints usage for help, and for an unknown command with a non-zero exit', async () => {
    const help = await cli(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('import FILE...');
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stderr).toContain('export-readings --from YYYY-MM-DD');
  });

  it('names a wrong setting', async () => {
    const run = await cli(['migrate'], { DB_POOL_MAX: 'many' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DB_POOL_MAX');
  });
});
