import { open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { tryLock } from 'fs-native-extensions';

/**
 * Only one process may open an embedded data folder: two PGlite instances over one folder each keep their own
 * view of it, and whatever one writes the other's next checkpoint overwrites. The lock is the operating
 * system's (fcntl/flock on `cabinet.lock` in the folder), so it goes away with its process however that ends —
 * a crashed app never leaves it stuck, and no pid is ever guessed at. A timer-refreshed lock file would not do:
 * PGlite runs on the main thread, and a long statement stops every timer.
 *
 * The lock file also records who holds the folder and, for the app, the loopback address of its embedded server,
 * so the CLI can work through the running app instead of being refused.
 */
export const LOCK_FILE = 'cabinet.lock';

export interface FolderHolder {
  pid: number;
  /** `postgres://…` of the holder's embedded server when it serves others (the app); null for the CLI. */
  server: string | null;
}

export interface HeldFolder {
  /** Writes this process's record: its pid and the address it serves others at (or null). */
  record(server: string | null): Promise<void>;
  release(): Promise<void>;
}

export class DataFolderBusyError extends Error {
  constructor(
    readonly folder: string,
    readonly holder: FolderHolder | undefined,
  ) {
    const who = holder ? `process ${holder.pid}${holder.server ? ' (the app, serving it on loopback)' : ''}` : 'another process';
    super(
      `EMBEDDED_DB_DIR ${folder} is in use by ${who}: only one process may open an embedded data folder. ` +
        'Stop that process first, or set DATABASE_URL to a PostgreSQL server. Nothing was written.',
    );
    this.name = 'DataFolderBusyError';
  }
}

/** Takes the folder's lock at once, or says who holds it. */
export async function lockDataFolder(folder: string): Promise<{ kind: 'held'; lock: HeldFolder } | { kind: 'busy'; holder: FolderHolder | undefined }> {
  const file = path.join(folder, LOCK_FILE);
  const handle = await open(file, 'a+');
  if (!tryLock(handle.fd)) {
    await handle.close();
    return { kind: 'busy', holder: await readHolder(file) };
  }
  const lock = heldFolder(handle);
  // At once, so nobody reads the previous holder's address while this process starts its server.
  await lock.record(null);
  return { kind: 'held', lock };
}

function heldFolder(handle: FileHandle): HeldFolder {
  let released = false;
  return {
    async record(server) {
      const holder: FolderHolder = { pid: process.pid, server };
      await handle.truncate(0);
      await handle.write(`${JSON.stringify(holder)}\n`);
      await handle.sync();
    },
    async release() {
      if (released) return;
      released = true;
      await handle.truncate(0).catch(() => undefined);
      // Closing the descriptor is what releases the OS lock.
      await handle.close();
    },
  };
}

/** The holder's record; a holder that is just starting may not have written it yet, so a few tries. */
async function readHolder(file: string): Promise<FolderHolder | undefined> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<FolderHolder>;
      if (typeof parsed.pid === 'number') return { pid: parsed.pid, server: typeof parsed.server === 'string' ? parsed.server : null };
    } catch {
      // empty or half-written: try again
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}
