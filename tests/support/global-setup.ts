import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../../models/database.ts';
import { startEmbeddedPostgres } from '../../models/embedded-postgres.ts';
import { migrateToLatest } from '../../migrations/migrator.ts';
import { adminQuery, databaseUrl } from '../../models/server-admin.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Real server: the migrated template database's name. Embedded: the path of a migrated, gzipped data folder. */
    testDatabase: { kind: 'server'; url: string; template: string } | { kind: 'embedded'; dump: string };
  }
}

/** Migrates once for the whole run; every test file then starts from a copy of the result. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const template = `cabinet_template_${randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${template}`);
    const database = createDatabase({ url: databaseUrl(serverUrl, template), poolMax: 4 });
    await migrateToLatest(database.sequelize, { lock: true });
    await database.close();
    project.provide('testDatabase', { kind: 'server', url: serverUrl, template });
    return async () => {
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    };
  }
  const folder = await mkdtemp(path.join(tmpdir(), 'cabinet-test-'));
  const embedded = await startEmbeddedPostgres({ maxConnections: 4 });
  const database = createDatabase({ url: embedded.url, poolMax: 4, namedStatements: false });
  await migrateToLatest(database.sequelize, { lock: false });
  await database.close();
  const dump = path.join(folder, 'template.tar.gz');
  await writeFile(dump, Buffer.from(await (await embedded.dump()).arrayBuffer()));
  await embedded.stop();
  project.provide('testDatabase', { kind: 'embedded', dump });
  return async () => {
    await rm(folder, { recursive: true, force: true });
  };
}
