import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createMigrator } from '../../migrations/migrator.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

describe('migrations', () => {
  it('leaves every table of the schema in place, and nothing pending', async () => {
    const tables = await db.sequelize.query<{ table_name: string }>(
      `SELECT tablename AS table_name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
      { type: QueryTypes.SELECT },
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['accounts', 'meters', 'payments', 'charges', 'subscribers', 'links', 'readings', 'letters', 'outbox']),
    );
    expect(await createMigrator(db.sequelize).pending()).toEqual([]);
  });

  it('rolls every migration back and forward again', async () => {
    const migrator = createMigrator(db.sequelize);
    await migrator.down({ to: 0 });
    const [{ count }] = await db.sequelize.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM pg_tables WHERE schemaname = 'public' AND tablename = 'accounts'`,
      { type: QueryTypes.SELECT },
    ) as [{ count: number }];
    expect(count).toBe(0);
    await migrator.up();
    expect(await migrator.pending()).toEqual([]);
  });
});
