import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { precheckOrder, recordProviderReport } from '../../../core/payments/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { anOrder, aReport, paymentsDeps } from '../../support/payments-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

describe('precheckOrder (the last look before a channel takes the money)', () => {
  it('passes an open order asked for its own amount and currency, and says why it refuses anything else', async () => {
    const deps = paymentsDeps(db, new FixedClock(new Date('2026-12-05T09:00:00Z')));
    const order = await anOrder(deps, { amountKop: 41_990 });
    expect(await precheckOrder(deps, { orderId: order.id, amountKop: 41_990, currency: 'UAH' })).toMatchObject({ kind: 'ok', order: { id: order.id } });
    expect(await precheckOrder(deps, { orderId: 'no-such-order', amountKop: 41_990, currency: 'UAH' })).toEqual({ kind: 'unknown-order' });
    expect(await precheckOrder(deps, { orderId: order.id, amountKop: 41_989, currency: 'UAH' })).toEqual({ kind: 'mismatch' });
    expect(await precheckOrder(deps, { orderId: order.id, amountKop: 41_990, currency: 'USD' })).toEqual({ kind: 'mismatch' });

    await db.sequelize.query(`DELETE FROM links WHERE subscriber_id = :subscriberId AND account_id = :accountId`, {
      replacements: { subscriberId: order.subscriberId, accountId: order.accountId },
    });
    expect(await precheckOrder(deps, { orderId: order.id, amountKop: 41_990, currency: 'UAH' })).toEqual({ kind: 'not-linked' });

    const paid = await anOrder(deps, { amountKop: 10_000 });
    await recordProviderReport(deps, aReport(paid));
    expect(await precheckOrder(deps, { orderId: paid.id, amountKop: 10_000, currency: 'UAH' })).toEqual({ kind: 'closed', status: 'paid' });
  });
});
