import type pg from 'pg';
import type { Database } from '../../models/database.ts';

// Only one instance may hold the SMPP bind: most providers allow one transceiver per account, and two binds
// would each get half the incoming SMS. A session-level advisory lock on a connection of its own says who: it
// goes away with that connection, so an instance that dies frees the bind for another one.
const SMPP_BIND_LOCK = 727017;

export interface BindLock {
  /** Resolves when the lock is lost (its connection died). */
  lost: Promise<void>;
  release(): Promise<void>;
}

export async function tryBindLock(db: Database): Promise<BindLock | null> {
  const connections = db.sequelize.connectionManager;
  const client = (await connections.getConnection({ type: 'write' })) as pg.ClientBase;
  let got = false;
  try {
    const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [SMPP_BIND_LOCK]);
    got = result.rows[0]?.locked === true;
  } finally {
    if (!got) connections.releaseConnection(client);
  }
  if (!got) return null;
  let markLost: () => void = () => undefined;
  const lost = new Promise<void>((resolve) => {
    markLost = resolve;
  });
  const onGone = () => markLost();
  client.on('error', onGone);
  client.on('end', onGone);
  let released = false;
  return {
    lost,
    async release() {
      if (released) return;
      released = true;
      client.off('error', onGone);
      client.off('end', onGone);
      try {
        await client.query('SELECT pg_advisory_unlock($1)', [SMPP_BIND_LOCK]);
        connections.releaseConnection(client);
      } catch {
        // The connection is gone, and the lock with it.
      }
      markLost();
    },
  };
}
