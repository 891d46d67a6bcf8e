import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { EmbeddedSessionQueue } from './embedded-session-queue.ts';
import { DataFolderBusyError, lockDataFolder, type HeldFolder } from './data-folder-lock.ts';

export interface EmbeddedPostgres {
  /** A `postgres://` URL that `pg` (and so Sequelize) connects to over loopback. */
  url: string;
  /** The whole data folder, gzipped: how the tests copy a migrated template. */
  dump(): Promise<Blob>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that keeps the data between runs; omitted means in memory. Locked for this process while it runs. */
  dataDir?: string;
  /** A gzipped data folder (PGlite's dumpDataDir) to start from, e.g. an already migrated template. */
  loadDataDir?: Blob;
  /** Must be at least the Sequelize pool size (plus what others connect with), or connections past it are refused. */
  maxConnections: number;
  /** The loopback port to serve on; 0 or omitted lets the OS pick a free one. */
  port?: number;
  /**
   * Records the server's address in the data folder's lock file, so the CLI run while this process holds the
   * folder works through it (the app does this; the CLI does not, as it is gone when its command ends).
   */
  serveOthers?: boolean;
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite), served on a loopback port so the app talks to it with the
 * same `pg` driver it uses for a real server. PGlite runs one transaction at a time: a query issued outside
 * the open transaction waits for it to end, so code must keep every query of a transaction inside it.
 * A data folder is opened by one process at a time: a second gets DataFolderBusyError and touches nothing.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  let lock: HeldFolder | undefined;
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
    const taken = await lockDataFolder(options.dataDir);
    if (taken.kind === 'busy') throw new DataFolderBusyError(options.dataDir, taken.holder);
    lock = taken.lock;
  }
  try {
    const db = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: options.maxConnections });
    // Each connection is handed the server's queue when it opens; until then, it can be swapped for one that keeps
    // a query's messages together (see EmbeddedSessionQueue for why).
    (server as unknown as { queryQueue: EmbeddedSessionQueue }).queryQueue = new EmbeddedSessionQueue(db);
    try {
      await server.start();
    } catch (error) {
      await db.close();
      throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? new Error(`EMBEDDED_DB_PORT ${options.port} on 127.0.0.1 is already in use; choose another, or 0 for a free one`)
        : error;
    }
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;
    if (options.serveOthers) await lock?.record(url);
    return {
      url,
      dump: async () => (await db.dumpDataDir('gzip')) as Blob,
      async stop() {
        await server.stop();
        await db.close();
        await lock?.release();
      },
    };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}
