import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BEGIN_BATCH, COMMIT_BATCH } from '../../../bots/telegram/storage.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

// The claim and commit statements are prepared once per connection and run with the plan PostgreSQL keeps for
// them (a generic plan). PostgreSQL guesses their JSON batches at 100 rows; joined against that guess, the
// tables of update claims and chat states were read whole on every update, so each update got slower as the
// tables grew. Their plans must look the rows up by key however big the tables are.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.sequelize.query(`
    INSERT INTO telegram_processed_updates (update_id, claim, done, processed_at) SELECT g, 'c' || g, true, now() FROM generate_series(1, 30000) g;
    INSERT INTO telegram_state (key, value, updated_at) SELECT 'flow:' || g, '{"step":1}', now() FROM generate_series(1, 3000) g;
    ANALYZE telegram_processed_updates, telegram_state;
  `);
});
afterAll(async () => {
  await db.destroy();
});

/** The generic plan of `sql` (as a long-lived prepared statement gets it), one line per node. */
async function genericPlan(sql: string, types: string, args: string): Promise<string> {
  return db.sequelize.transaction(async (transaction) => {
    const run = (text: string) => db.sequelize.query<Record<string, string>>(text, { transaction, type: QueryTypes.SELECT });
    await run(`SET LOCAL plan_cache_mode = force_generic_plan`);
    await db.sequelize.query(`PREPARE batch${types} AS ${sql}`, { transaction });
    try {
      return (await run(`EXPLAIN EXECUTE batch(${args})`)).map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await db.sequelize.query('DEALLOCATE batch', { transaction });
    }
  });
}

describe('the Telegram update batches on big tables', () => {
  it('claims updates and reads chat states by key, not by reading the tables whole', async () => {
    const plan = await genericPlan(
      BEGIN_BATCH,
      '(jsonb, jsonb, float8, text[])',
      `'[{"n":1,"update_id":40001,"claim":"x","channel":"telegram","channel_user_id":"1","name":"А","at":"2026-12-06T00:00:00Z"}]', '[{"n":1,"key":"flow:1"}]', 60, '{flow:1}'`,
    );
    expect(plan).toMatch(/telegram_state_pkey/);
    expect(plan).not.toMatch(/Seq Scan on telegram_(processed_updates|state)/);
  });

  it('commits updates and writes chat states by key', async () => {
    const plan = await genericPlan(
      COMMIT_BATCH,
      '(jsonb, bigint[], text[])',
      `'[{"update_id":7,"claim":"c7","kind":"delete","key":"flow:7","value":null}]', '{7}', '{flow:7}'`,
    );
    expect(plan).toMatch(/telegram_processed_updates_pkey/);
    expect(plan).not.toMatch(/Seq Scan on telegram_(processed_updates|state)/);
  });
});
