import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { createDatabase, type Database } from '../../models/database.ts';
import { startEmbeddedPostgres } from '../../models/embedded-postgres.ts';
import { adminQuery, databaseUrl } from '../../models/server-admin.ts';

export interface TestDatabase extends Database {
  /** Where this copy lives, for a second app instance or a child process to connect to. */
  url: string;
  /** Closes the connections and throws the copy away. */
  destroy(): Promise<void>;
}

/**
 * A migrated database of this test file's own: a copy of the template made once per run by global-setup.
 * Against a real server it is `CREATE DATABASE … TEMPLATE`; on the embedded default it is a PGlite
 * started from the migrated data folder.
 */
export async function createTestDatabase(options: { poolMax?: number } = {}): Promise<TestDatabase> {
  const poolMax = options.poolMax ?? 8;
  const source = inject('testDatabase');
  if (source.kind === 'server') {
    const name = `cabinet_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(source.url, `CREATE DATABASE ${name} TEMPLATE ${source.template}`);
    const url = databaseUrl(source.url, name);
    const database = createDatabase({ url, poolMax });
    return {
      ...database,
      url,
      async destroy() {
        await database.close();
        await adminQuery(source.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  const dump = new Blob([await readFile(source.dump)]);
  const embedded = await startEmbeddedPostgres({ maxConnections: poolMax + 2, loadDataDir: dump });
  const database = createDatabase({ url: embedded.url, poolMax, namedStatements: false });
  return {
    ...database,
    url: embedded.url,
    async destroy() {
      await database.close();
      await embedded.stop();
    },
  };
}
