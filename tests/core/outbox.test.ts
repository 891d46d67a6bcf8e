import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueue } from '../../core/outbox.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});
beforeEach(async () => {
  await db.sequelize.query('DELETE FROM outbox');
});

const receipt = { kind: 'payment-receipt', payload: { orderId: 'o-1', subscriberId: 7 } } as const;

describe('enqueue', () => {
  it('queues an entry once per dedupeKey: a repeat is "already queued", in the same transaction or another', async () => {
    const at = new Date('2026-12-05T08:00:00Z');
    const first = await db.sequelize.transaction((transaction) => enqueue(db.models, receipt, { transaction, dedupeKey: 'payment-receipt:o-1', at }));
    const [again, alsoInSame] = await db.sequelize.transaction(async (transaction) => [
      await enqueue(db.models, receipt, { transaction, dedupeKey: 'payment-receipt:o-1' }),
      await enqueue(db.models, { kind: 'letter-to-staff', payload: { letterId: 1 } }, { transaction, dedupeKey: 'payment-receipt:o-1' }),
    ]);
    expect([first, again, alsoInSame]).toEqual(['queued', 'already-queued', 'already-queued']);
    const rows = await db.models.OutboxMessage.findAll();
    expect(rows.map((r) => ({ kind: r.kind, payload: r.payload, status: r.status, due: r.nextAttemptAt.toISOString() }))).toEqual([
      { kind: 'payment-receipt', payload: { orderId: 'o-1', subscriberId: 7 }, status: 'pending', due: at.toISOString() },
    ]);
  });

  it('queues entries without a key every time, due now when no time is given', async () => {
    const before = Date.now();
    const outcomes = await db.sequelize.transaction(async (transaction) => [
      await enqueue(db.models, { kind: 'letter-to-staff', payload: { letterId: 1 } }, { transaction }),
      await enqueue(db.models, { kind: 'letter-to-staff', payload: { letterId: 1 } }, { transaction }),
    ]);
    expect(outcomes).toEqual(['queued', 'queued']);
    const rows = await db.models.OutboxMessage.findAll();
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
  });
});
