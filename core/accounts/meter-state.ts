import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../models/database.ts';

export interface LastKnownValue {
  value: number;
  /** The calendar day of that value; null only when billing never gave a date and nobody has submitted since. */
  date: string | null;
  source: 'billing' | 'reading';
}

/**
 * The columns and the join that give the last value known for meter `m` (alias fixed): billing's last reading
 * (meters.last_reading*) and the newest accepted reading; lastKnownFrom picks one. Shared so that a query of
 * meters can carry the last value in the same statement instead of asking lastKnownValues afterwards.
 */
export const LAST_KNOWN_COLUMNS = `m.last_reading AS billing_value, m.last_reading_date AS billing_date,
            lk.value AS reading_value, lk.local_date AS reading_date`;
export const LAST_KNOWN_JOIN = `LEFT JOIN LATERAL (
         SELECT value, local_date FROM readings
          WHERE meter_id = m.id AND kind IN ('subscriber', 'staff-correction')
          ORDER BY local_date DESC, submitted_at DESC, id DESC
          LIMIT 1
       ) lk ON true`;

export interface LastKnownColumns {
  billing_value: number;
  billing_date: string | null;
  reading_value: number | null;
  reading_date: string | null;
}

/**
 * Billing's last reading, unless an accepted reading (a subscriber's own or a staff correction) is as recent or
 * newer. Billing wins only when its date is later, because a reading taken the same day was just read off the
 * meter while billing's may be an estimate.
 */
export function lastKnownFrom(row: LastKnownColumns): LastKnownValue {
  const billingIsNewer = row.reading_date === null || (row.billing_date !== null && row.billing_date > row.reading_date);
  return billingIsNewer
    ? { value: row.billing_value, date: row.billing_date, source: 'billing' }
    : { value: row.reading_value!, date: row.reading_date, source: 'reading' };
}

/**
 * The last value each meter is known to have shown (see lastKnownFrom).
 * Meters that do not exist are simply missing from the map.
 */
export async function lastKnownValues(
  db: Database,
  meterIds: readonly number[],
  transaction?: Transaction,
): Promise<Map<number, LastKnownValue>> {
  const result = new Map<number, LastKnownValue>();
  if (meterIds.length === 0) return result;
  const rows = await db.sequelize.query<LastKnownColumns & { id: number }>(
    `SELECT m.id, ${LAST_KNOWN_COLUMNS}
       FROM meters m
       ${LAST_KNOWN_JOIN}
      WHERE m.id IN (:meterIds)`,
    { replacements: { meterIds: [...new Set(meterIds)] }, type: QueryTypes.SELECT, ...(transaction ? { transaction } : {}) },
  );
  for (const row of rows) result.set(row.id, lastKnownFrom(row));
  return result;
}
