import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (name: string) => path.join(root, 'tests/fixtures', name);

let db: TestDatabase;
let folder: string;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
  folder = await mkdtemp(path.join(tmpdir(), 'outages-cli-'));
});
afterAll(async () => {
  await db.destroy();
  await rm(folder, { recursive: true, force: true });
});

/** The CLI runs on the real clock: the fixture's outages are moved far into the future, so they are never over. */
async function inTheFuture(name: string): Promise<string> {
  const file = path.join(folder, name);
  await writeFile(file, (await readFile(fixture(`outages/${name}`), 'utf8')).replaceAll('2026-12-', '2099-12-'));
  return file;
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'bots/cli.ts', ...args], { cwd: root, env: { ...process.env, DATABASE_URL: db.url, DB_POOL_MAX: '2' }, timeout: 90_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

// One CLI process for the whole path: on a busy machine each start takes many seconds.
describe('npm run cli -- import, with outages and street aliases', { timeout: 120_000 }, () => {
  it('imports billing first, then aliases, then outages matched through them; lists unread addresses and bad outage lines', async () => {
    const run = await cli([
      'import',
      fixture('outages/outages-bad-lines.csv'),
      await inTheFuture('outages.csv'),
      fixture('outages/street-aliases.csv'),
      fixture('billing/accounts-address-parts.csv'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      "accounts-address-parts.csv: imported 4 accounts rows: 4 new, 0 updated, 0 unchanged (utf-8, ';'-delimited)",
      'accounts-address-parts.csv: 2 addresses could not be read into street and house; their accounts are imported, but outages will not find them:',
      '  line 4: the address cannot be read into a street and a house (add street;house;flat columns, or write it like "вул. Соборна, 12, кв. 5")',
      '  line 5: house "три" is not a house number (e.g. 12, 12а, 12/1, 12 корп. 2)',
      'street-aliases.csv: imported 3 street aliases: 3 new, 0 updated, 0 unchanged',
      'outages.csv: imported 3 outages: 3 announced, 0 updated, 0 unchanged',
      '',
    ]);
    expect(run.stderr).toContain('outages-bad-lines.csv: REJECTED, nothing of it was written:\n  line 3: street is empty\n');
    const affected = await db.sequelize.query<{ street: string; number: string }>(
      `SELECT o.targets->0->>'street' AS street, a.number FROM outage_accounts oa JOIN outages o ON o.id = oa.outage_id JOIN accounts a ON a.id = oa.account_id ORDER BY a.number`,
      { type: QueryTypes.SELECT },
    );
    // Billing's "вул. Соборна, 12" (its address text still says Леніна), and просп. Свободи 41 корп. 2 is not 12а.
    expect(affected).toEqual([{ street: 'вул. Соборна', number: '2000101' }]);
  });
});
