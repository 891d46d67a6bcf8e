import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Umzug, SequelizeStorage, type MigrationFn } from 'umzug';
import type { Sequelize } from 'sequelize';

export type Migration = MigrationFn<Sequelize>;

const migrationsDir = path.dirname(fileURLToPath(import.meta.url));
// Any fixed number works; it only has to be the same for every instance of the app.
const MIGRATION_LOCK_KEY = 727_001;

export function createMigrator(sequelize: Sequelize): Umzug<Sequelize> {
  return new Umzug({
    migrations: {
      glob: ['[0-9]*.ts', { cwd: migrationsDir }],
      resolve: ({ name, path: file, context }) => ({
        name,
        up: async () => (await import(file!)).up({ name, path: file, context }),
        down: async () => (await import(file!)).down({ name, path: file, context }),
      }),
    },
    context: sequelize,
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: undefined,
  });
}

/**
 * Applies pending migrations. Two instances starting together take turns on an advisory lock,
 * held by one dedicated connection while the migrations run on the others.
 */
export async function migrateToLatest(sequelize: Sequelize, options: { lock: boolean }): Promise<string[]> {
  const umzug = createMigrator(sequelize);
  if (!options.lock) return (await umzug.up()).map((m) => m.name);
  const connection = await sequelize.connectionManager.getConnection({ type: 'write' });
  const client = connection as unknown as { query: (text: string) => Promise<unknown> };
  try {
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    return (await umzug.up()).map((m) => m.name);
  } finally {
    await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(() => undefined);
    sequelize.connectionManager.releaseConnection(connection);
  }
}
