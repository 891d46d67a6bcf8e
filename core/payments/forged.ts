import { QueryTypes } from 'sequelize';
import { enqueue } from '../outbox.ts';
import type { PaymentsDeps } from './types.ts';

const HOUR_MS = 60 * 60_000;

/**
 * Counts a callback refused for its signature in the current clock hour; the one that brings the count to
 * `alertAt` alerts staff (once an hour, whichever instance counts it: one upsert decides).
 */
export async function countForgedCallback(deps: PaymentsDeps, alertAt: number): Promise<{ count: number; alerted: boolean }> {
  const now = deps.clock.now();
  const bucket = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  return deps.db.sequelize.transaction(async (transaction) => {
    const [row] = await deps.db.sequelize.query<{ count: number }>(
      `INSERT INTO payment_forged_callbacks (bucket, count) VALUES (:bucket, 1)
       ON CONFLICT (bucket) DO UPDATE SET count = payment_forged_callbacks.count + 1
       RETURNING count`,
      { replacements: { bucket }, type: QueryTypes.SELECT, transaction },
    );
    const count = row?.count ?? 0;
    if (count !== alertAt) return { count, alerted: false };
    await enqueue(
      deps.db.models,
      { kind: 'payment-alert', payload: { reason: 'forged-callbacks', count, sinceIso: bucket.toISOString() } },
      { transaction, dedupeKey: `payment-forged:${bucket.toISOString()}`, at: now },
    );
    return { count, alerted: true };
  });
}
