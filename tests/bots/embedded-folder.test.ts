import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startEmbeddedPostgres } from '../../models/embedded-postgres.ts';
import { createDatabase } from '../../models/database.ts';
import { DataFolderBusyError, LOCK_FILE } from '../../models/data-folder-lock.ts';
import { migrateToLatest } from '../../migrations/migrator.ts';
import { projectRoot, runEntry, waitUntil } from '../support/processes.ts';

// `npm start` and `npm run cli` on one EMBEDDED_DB_DIR, as real processes. Two PGlite instances over one folder
// lost the CLI's import at the app's next shutdown; now one process holds a folder (an OS lock, gone with its
// process however it ends) and the CLI works through the running app.

const SLOW = 240_000;
const accountsFile = path.join(projectRoot, 'tests/fixtures/billing/accounts.csv');
const FIXTURE_ACCOUNTS = ['1000101', '1000102', '1000103'];

let folder: string;
let template: Blob;

/** A data folder holding the migrated schema, copied from the run's template instead of running initdb again. */
async function migratedFolder(name: string): Promise<string> {
  const dataDir = path.join(folder, name);
  const seeding = await startEmbeddedPostgres({ dataDir, loadDataDir: template, maxConnections: 2 });
  await seeding.stop();
  return dataDir;
}

/** Opens the folder in this process (so nobody else holds it) and counts the fixture's accounts in it. */
async function fixtureAccountsIn(dataDir: string): Promise<number> {
  const embedded = await startEmbeddedPostgres({ dataDir, maxConnections: 2 });
  const db = createDatabase({ url: embedded.url, poolMax: 1, namedStatements: false });
  try {
    const [row] = await db.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts WHERE number IN (:numbers)', {
      replacements: { numbers: FIXTURE_ACCOUNTS },
      type: QueryTypes.SELECT,
    });
    return row!.n;
  } finally {
    await db.close();
    await embedded.stop();
  }
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'cabinet-folder-'));
  const source = inject('testDatabase');
  if (source.kind === 'embedded') {
    template = new Blob([await readFile(source.dump)]);
    return;
  }
  // The run is on a real server: this file makes its own migrated embedded template.
  const embedded = await startEmbeddedPostgres({ maxConnections: 2 });
  const db = createDatabase({ url: embedded.url, poolMax: 2, namedStatements: false });
  await migrateToLatest(db.sequelize, { lock: false });
  await db.close();
  template = await embedded.dump();
  await embedded.stop();
}, SLOW);

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const startApp = (dataDir: string) => runEntry('bots/main.ts', [], { EMBEDDED_DB_DIR: dataDir, DATABASE_URL: '', PORT: '0' });
const importAccounts = (dataDir: string) => runEntry('bots/cli.ts', ['import', accountsFile], { EMBEDDED_DB_DIR: dataDir, DATABASE_URL: '' });

describe('an embedded data folder', () => {
  it('is held by one process at a time, which records where the CLI can reach it', async () => {
    const dataDir = await migratedFolder('one-at-a-time');
    const first = await startEmbeddedPostgres({ dataDir, maxConnections: 2, serveOthers: true });
    try {
      const second = startEmbeddedPostgres({ dataDir, maxConnections: 2 });
      await expect(second).rejects.toBeInstanceOf(DataFolderBusyError);
      await expect(second).rejects.toThrow(`EMBEDDED_DB_DIR ${dataDir} is in use by process ${process.pid} (the app, serving it on loopback)`);
      expect(JSON.parse(await readFile(path.join(dataDir, LOCK_FILE), 'utf8'))).toEqual({ pid: process.pid, server: first.url });
    } finally {
      await first.stop();
    }
    const again = await startEmbeddedPostgres({ dataDir, maxConnections: 2 });
    await again.stop();
  }, SLOW);

  it('refuses the CLI, writing nothing, while another command holds the folder', async () => {
    const dataDir = await migratedFolder('cli-refused');
    const holder = await startEmbeddedPostgres({ dataDir, maxConnections: 2 });
    try {
      const cli = importAccounts(dataDir);
      expect(await cli.exited).toBe(1);
      expect(cli.output()).toContain(`failed: EMBEDDED_DB_DIR ${dataDir} is in use by process ${process.pid}: only one process may open an embedded data folder`);
    } finally {
      await holder.stop();
    }
    expect(await fixtureAccountsIn(dataDir)).toBe(0);
  }, SLOW);

  it('lets the CLI import through the running app: a second app is refused, and the rows survive a restart and a kill -9', async () => {
    const dataDir = await migratedFolder('app-and-cli');
    const app = startApp(dataDir);
    try {
      await waitUntil(() => app.output().includes('listening on'), 'the app to start', SLOW / 3);

      const cli = importAccounts(dataDir);
      expect(await cli.exited).toBe(0);
      expect(cli.output()).toContain('working through its embedded database');
      expect(cli.output()).toContain('accounts.csv: imported 3 accounts rows: 3 new');

      const second = startApp(dataDir);
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`start-up failed: EMBEDDED_DB_DIR ${dataDir} is in use by process ${app.child.pid} (the app, serving it on loopback)`);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);

    // Restarted, then killed with no chance to clean up: the lock goes with the process.
    const restarted = startApp(dataDir);
    try {
      await waitUntil(() => restarted.output().includes('listening on'), 'the app to start again', SLOW / 3);
      const cli = importAccounts(dataDir);
      expect(await cli.exited).toBe(0);
      expect(cli.output()).toContain('accounts.csv: imported 3 accounts rows: 0 new, 0 updated, 3 unchanged');
    } finally {
      restarted.child.kill('SIGKILL');
    }
    expect(await restarted.exited).toBe('SIGKILL');
    expect(await fixtureAccountsIn(dataDir)).toBe(3);
  }, SLOW);
});
