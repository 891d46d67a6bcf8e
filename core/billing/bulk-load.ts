import type { ClientBase } from 'pg';

/**
 * Loading into an empty table the way PostgreSQL's manual advises ("Populating a Database"): drop its indexes
 * and foreign keys, add the rows, create them again. Building a unique index over a million sorted rows and
 * checking a foreign key with one join cost a fraction of keeping them up to date row by row (a year of
 * payments, 1.2 million rows: 0.5 s, where keeping the key and checking each row's account took 5 s). The
 * definitions are read from the catalog, so whatever the migrations made is what comes back; a rebuild that
 * fails (a duplicate, a missing account) throws, and the import's transaction rolls back with the drops.
 *
 * Only for a table that is empty under an ACCESS EXCLUSIVE lock, held to the end of the import's transaction:
 * nobody reads the table (or, while its foreign keys are off, the tables they point to) until the load is
 * committed. Keys that another table's foreign key leans on (accounts.id) stay: they cannot go without
 * dropping those foreign keys too.
 */
export interface BulkLoad {
  /** Creates again what was dropped; call after the last row and before the commit. */
  restore(): Promise<void>;
}

interface Rebuild {
  drop: string;
  create: string;
}

async function isEmpty(client: ClientBase, table: string): Promise<boolean> {
  const result = await client.query(`SELECT FROM ${table} LIMIT 1`);
  return result.rowCount === 0;
}

/**
 * The tables the table's own foreign keys point to. Dropping a foreign key locks the table it points to as well;
 * they are locked up front, before the table itself, rather than part-way through.
 */
async function referencedTables(client: ClientBase, table: string): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT DISTINCT confrelid::regclass::text AS name FROM pg_constraint
      WHERE conrelid = $1::regclass AND contype = 'f' AND confrelid <> conrelid ORDER BY 1`,
    [table],
  );
  return result.rows.map((r) => r.name);
}

/**
 * What can go for the load, each with the statement that brings it back, in the order to bring them back:
 * unique keys, plain indexes, foreign keys last (checked once against the referenced table).
 */
async function droppable(client: ClientBase, table: string): Promise<Rebuild[]> {
  const result = await client.query<Rebuild>(
    `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop,
            format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS create,
            CASE c.contype WHEN 'f' THEN 3 ELSE 1 END AS step
       FROM pg_constraint c
      WHERE c.conrelid = $1::regclass
        AND (c.contype = 'f'
             OR (c.contype IN ('p', 'u') AND NOT EXISTS (
                   SELECT FROM pg_constraint r WHERE r.contype = 'f' AND r.confrelid = c.conrelid AND r.conindid = c.conindid)))
     UNION ALL
     SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid), 2
       FROM pg_index i
      WHERE i.indrelid = $1::regclass
        AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)
      ORDER BY step, drop`,
    [table],
  );
  return result.rows.map(({ drop, create }) => ({ drop, create }));
}

/**
 * isEmpty, keeping no lock: the check's ACCESS SHARE lock goes with the savepoint it was taken under. Kept to
 * the end of the transaction, it would deadlock two first loads of one table, each holding it while the other
 * waits to lock the table outright.
 */
async function isEmptyForNow(client: ClientBase, table: string): Promise<boolean> {
  await client.query('SAVEPOINT bulk_load_check');
  const empty = await isEmpty(client, table);
  await client.query('ROLLBACK TO SAVEPOINT bulk_load_check');
  await client.query('RELEASE SAVEPOINT bulk_load_check');
  return empty;
}

/** Starts a bulk load if the table is empty; null when it has rows (then the incremental path applies). */
export async function beginBulkLoad(client: ClientBase, table: string): Promise<BulkLoad | null> {
  // Checked first without the lock, so an import into a table with rows never blocks its readers.
  if (!(await isEmptyForNow(client, table))) return null;
  await client.query(`LOCK TABLE ${[...(await referencedTables(client, table)), table].join(', ')} IN ACCESS EXCLUSIVE MODE`);
  // Rows committed between the two checks are rare; the lock then just lasts to the end of an ordinary import.
  if (!(await isEmpty(client, table))) return null;
  const rebuilds = await droppable(client, table);
  for (const { drop } of rebuilds) await client.query(drop);
  return {
    async restore() {
      for (const { create } of rebuilds) await client.query(create);
    },
  };
}
