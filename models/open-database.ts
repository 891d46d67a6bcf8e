import path from 'node:path';
import { createDatabase, type Database } from './database.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { DataFolderBusyError } from './data-folder-lock.ts';
import { migrateToLatest } from '../migrations/migrator.ts';
import { withDeadline } from '../core/deadline.ts';

export interface OpenDatabaseOptions {
  /** A PostgreSQL server; without it the embedded PGlite keeps its data in `embeddedDir`. */
  url: string | undefined;
  embeddedDir: string;
  /** The embedded server's loopback port; 0 lets the OS pick. */
  embeddedPort?: number;
  poolMax: number;
  /** How long the database may take to answer its first query. */
  connectTimeoutMs?: number;
  /**
   * 'app': holds the embedded folder and serves it to the CLI. 'cli': when the app holds the folder, works
   * through the app's embedded server instead of opening the folder a second time.
   */
  role?: 'app' | 'cli';
}

export interface OpenedDatabase extends Database {
  embedded: boolean;
  /** For the CLI: the embedded database is the running app's, reached over its loopback server. */
  throughApp: boolean;
}

// Connections the app's embedded server keeps for the CLI beside its own pool (the CLI uses at most 3).
const CLI_CONNECTIONS = 4;

/** Connects (starting the embedded server when no URL is given) and brings the schema up to date. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  const timeoutMs = options.connectTimeoutMs ?? 30_000;
  if (options.url) {
    const database = createDatabase({ url: options.url, poolMax: options.poolMax });
    return ready(database, { lock: true, embedded: false, throughApp: false, timeoutMs, where: `the database at ${serverOf(options.url)} (DATABASE_URL)` });
  }
  const dataDir = path.resolve(options.embeddedDir);
  let embedded;
  try {
    embedded = await startEmbeddedPostgres({
      dataDir,
      maxConnections: options.poolMax + (options.role === 'app' ? CLI_CONNECTIONS : 0),
      port: options.embeddedPort ?? 0,
      serveOthers: options.role === 'app',
    });
  } catch (error) {
    if (!(options.role === 'cli' && error instanceof DataFolderBusyError && error.holder?.server)) throw error;
    // The app holds the folder: its embedded server takes the CLI's queries in turn with its own.
    const database = createDatabase({ url: error.holder.server, poolMax: options.poolMax, namedStatements: false });
    return ready(database, { lock: false, embedded: true, throughApp: true, timeoutMs, where: `the running app's embedded database (process ${error.holder.pid})` });
  }
  const database = createDatabase({ url: embedded.url, poolMax: options.poolMax, namedStatements: false });
  try {
    await ready(database, { lock: false, embedded: true, throughApp: false, timeoutMs, where: `the embedded database in ${dataDir}` });
  } catch (error) {
    await embedded.stop().catch(() => undefined);
    throw error;
  }
  return {
    ...database,
    embedded: true,
    throughApp: false,
    async close() {
      await database.close();
      await embedded.stop();
    },
  };
}

async function ready(
  database: Database,
  how: { lock: boolean; embedded: boolean; throughApp: boolean; timeoutMs: number; where: string },
): Promise<OpenedDatabase> {
  try {
    await withDeadline(database.sequelize.query('SELECT 1'), how.timeoutMs, `${how.where} to answer`);
    await migrateToLatest(database.sequelize, { lock: how.lock });
  } catch (error) {
    // Not awaited: a server that never answers may never let its connections close either.
    void database.close().catch(() => undefined);
    throw error;
  }
  return { ...database, embedded: how.embedded, throughApp: how.throughApp };
}

/** host:port of a server URL: what an operator needs, without the password. */
function serverOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}
