import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A `postgres://` URL that `pg` (and so Sequelize) connects to over loopback. */
  url: string;
  /** The whole data folder, gzipped: how the tests copy a migrated template. */
  dump(): Promise<Blob>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that keeps the data between runs; omitted means in memory. */
  dataDir?: string;
  /** A gzipped data folder (PGlite's dumpDataDir) to start from, e.g. an already migrated template. */
  loadDataDir?: Blob;
  /** Must be at least the Sequelize pool size, or connections past it are refused. */
  maxConnections: number;
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite), served on a loopback port so the app talks to it with the
 * same `pg` driver it uses for a real server. PGlite runs one transaction at a time: a query issued outside
 * the open transaction waits for it to end, so code must keep every query of a transaction inside it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: options.maxConnections });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    dump: async () => (await db.dumpDataDir('gzip')) as Blob,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

