import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsFlow } from '../../../bots/flows/accounts.ts';
import { accounts } from '../../../bots/texts/accounts.ts';
import { statements } from '../../../bots/texts/statements.ts';
import { loadMedia } from '../../../core/media/store.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aCharge, aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { flowDriver } from '../../support/flow-driver.ts';
import { flowDeps, ids, labels } from './flow-deps.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const NOW = '2026-12-05T10:00:00Z';

async function openStatement(months: number) {
  const subscriber = await aSubscriber(db);
  const account = await anAccount(db);
  for (let m = 0; m < months; m++) {
    const month = new Date(Date.UTC(2026, 10 - m, 1)).toISOString().slice(0, 10);
    await aCharge(db, account, { period: month, amountKop: 10_000 + m });
  }
  await aLink(db, subscriber, account);
  const deps = flowDeps(db, NOW);
  const driver = flowDriver(accountsFlow, deps, { subscriberId: subscriber.id });
  await driver.start(null);
  await driver.press(`a:${account.id}`);
  driver.take();
  return { subscriber, account, driver, deps };
}

describe('«Рахунок за місяць»', () => {
  it('offers the last billed month on a row of its own, the 11 before it three to a row, and the menu', async () => {
    const { account, driver } = await openStatement(14);
    await driver.press('statement');
    const [ask] = driver.take();
    expect(ask!.text).toBe(statements.choosePeriod(account.number));
    expect(labels(ask!).map((row) => row.length)).toEqual([1, 3, 3, 3, 2, 1]);
    expect(ids(ask!)[0]).toBe('p:2026-11-01');
    expect(ids(ask!).at(-2)).toBe('p:2025-12-01');
    expect(labels(ask!)[0]).toEqual([statements.lastPeriodButton('2026-11-01')]);
    await driver.press('menu');
    expect(driver.take().map((s) => s.options.keyboard)).toEqual(['menu']);
  });

  it('sends the stored PDF as a document, with the menu', async () => {
    const { account, driver, deps } = await openStatement(2);
    expect(account.balanceKop).toBe(25_050);
    await driver.press('statement');
    driver.take();
    await driver.press('p:2026-10-01');
    const [preparing, sent] = driver.take();
    expect(preparing!.text).toBe(statements.preparing);
    // Billing's balance now (the builder's 250,50) less November's charge (100,00) is what October left.
    expect(sent!.text).toBe(statements.ready(account.number, '2026-10-01', 25_050 - 10_000));
    expect(sent!.options.keyboard).toBe('menu');
    expect(sent!.options.media).toMatchObject({ kind: 'document', filename: statements.fileName(account.number, '2026-10-01') });
    const stored = await loadMedia(deps.core, sent!.options.media!.mediaId);
    expect(stored?.contentType).toBe('application/pdf');
    expect(stored?.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('an account unlinked meanwhile is not sent', async () => {
    const { subscriber, account, driver } = await openStatement(2);
    await driver.press('statement');
    driver.take();
    await db.models.Link.destroy({ where: { subscriberId: subscriber.id, accountId: account.id } });
    await driver.press('p:2026-11-01');
    const [said] = driver.take();
    expect(said!.text).toBe(accounts.notLinked);
    expect(said!.options.media).toBeUndefined();
  });
});
