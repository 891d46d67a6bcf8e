import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { anAccount } from '../support/builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
});
afterAll(async () => {
  await db.destroy();
});

const PAYMENT_DAYS = 'SELECT paid_on, amount_kop FROM payments WHERE account_id = $1 ORDER BY paid_on';

describe('hot statements', () => {
  it('take positional values and read rows as Sequelize does (days stay text)', async () => {
    const account = await anAccount(db);
    await db.hot('INSERT INTO payments (account_id, paid_on, amount_kop) VALUES ($1, $2, $3), ($1, $4, $5)', [account.id, '2026-10-05', 41_275, '2026-11-05', 39_900]);
    expect(await db.hot(PAYMENT_DAYS, [account.id])).toEqual([
      { paid_on: '2026-10-05', amount_kop: 41_275 },
      { paid_on: '2026-11-05', amount_kop: 39_900 },
    ]);
  });

  it('run inside a Sequelize transaction, and are rolled back with it', async () => {
    const account = await anAccount(db);
    await expect(
      db.sequelize.transaction(async (transaction) => {
        await db.hot('INSERT INTO payments (account_id, paid_on, amount_kop) VALUES ($1, $2, $3)', [account.id, '2026-11-01', 100], { transaction });
        expect(await db.hot(PAYMENT_DAYS, [account.id], { transaction })).toHaveLength(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await db.hot(PAYMENT_DAYS, [account.id])).toEqual([]);
  });

  // The embedded server shares one session between connections, so there they go unnamed (see DatabaseOptions).
  it.runIf(inject('testDatabase').kind === 'server')('are prepared once per connection under a name of their own', async () => {
    const account = await anAccount(db);
    const prepared = await db.sequelize.transaction(async (transaction) => {
      for (let i = 0; i < 3; i++) await db.hot(PAYMENT_DAYS, [account.id], { transaction });
      return db.sequelize.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements', {
        type: QueryTypes.SELECT,
        transaction,
      });
    });
    expect(prepared.filter((p) => p.statement === PAYMENT_DAYS)).toEqual([{ name: expect.stringMatching(/^hot_[0-9a-f]{20}$/), statement: PAYMENT_DAYS }]);
  });
});
