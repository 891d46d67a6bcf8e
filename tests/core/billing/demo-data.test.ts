import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../../../core/billing/demo-data.ts';
import { FixedClock } from '../../../core/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
});
afterAll(async () => {
  await db.destroy();
});

const select = <T extends object>(sql: string) => db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
async function snapshot() {
  const order: Record<string, string> = { accounts: 'id', meters: 'id', payments: 'account_id, paid_on, amount_kop', charges: 'id' };
  return Promise.all(Object.entries(order).map(([table, by]) => select(`SELECT * FROM ${table} ORDER BY ${by}`)));
}

describe('loadDemoData', () => {
  const clock = new FixedClock(new Date('2026-11-25T10:00:00Z'));

  it('loads households of Kamianske with meters, a year of payments and charges, and returns their proofs', async () => {
    const accounts = await loadDemoData(db, clock);
    expect(accounts.length).toBeGreaterThanOrEqual(8);
    const [counts] = await select<{ accounts: number; payments: number; months: number; overdue: number; last: string }>(
      `SELECT (SELECT count(*)::int FROM accounts) AS accounts, (SELECT count(*)::int FROM payments) AS payments,
              (SELECT count(DISTINCT period)::int FROM charges) AS months,
              (SELECT count(*)::int FROM meters WHERE verification_due < '2026-11-25') AS overdue,
              (SELECT max(paid_on)::text FROM payments) AS last`,
    );
    expect(counts).toEqual({ accounts: accounts.length, payments: accounts.length * 12, months: 12, overdue: 1, last: expect.stringMatching(/^2026-10-/) });
    expect(accounts.some((a) => a.phone === '380671112233')).toBe(true);

    // The proofs returned are what the database holds.
    for (const account of accounts) {
      const paid = await select<{ paid_on: string; amount_kop: number }>(
        `SELECT p.paid_on, p.amount_kop FROM payments p JOIN accounts a ON a.id = p.account_id WHERE a.number = '${account.number}' ORDER BY p.paid_on DESC LIMIT 2`,
      );
      expect(account.lastPayments).toEqual(paid.map((p) => ({ paidOn: p.paid_on, amountKop: p.amount_kop })));
      expect(account.surnameStart).toBe(account.surname.slice(0, 3));
      expect(account.address).toContain("Кам'янське");
    }
  });

  it('changes nothing when loaded again', async () => {
    await loadDemoData(db, clock);
    const before = await snapshot();
    clock.advance(3 * 86_400_000);
    await loadDemoData(db, clock);
    expect(await snapshot()).toEqual(before);
  });
});
