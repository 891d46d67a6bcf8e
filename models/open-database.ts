import path from 'node:path';
import { createDatabase, type Database } from './database.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { migrateToLatest } from '../migrations/migrator.ts';

export interface OpenDatabaseOptions {
  /** A PostgreSQL server; without it the embedded PGlite keeps its data in `embeddedDir`. */
  url: string | undefined;
  embeddedDir: string;
  poolMax: number;
}

export interface OpenedDatabase extends Database {
  embedded: boolean;
}

/** Connects (starting the embedded server when no URL is given) and brings the schema up to date. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  if (options.url) {
    const database = createDatabase({ url: options.url, poolMax: options.poolMax });
    await migrateToLatest(database.sequelize, { lock: true });
    return { ...database, embedded: false };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: path.resolve(options.embeddedDir),
    maxConnections: options.poolMax,
  });
  const database = createDatabase({ url: embedded.url, poolMax: options.poolMax, namedStatements: false });
  await migrateToLatest(database.sequelize, { lock: false });
  return {
    ...database,
    embedded: true,
    async close() {
      await database.close();
      await embedded.stop();
    },
  };
}
