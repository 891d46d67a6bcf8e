import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../models/database.ts';

export interface LastKnownValue {
  value: number;
  /** The calendar day of that value; null only when billing never gave a date and nobody has submitted since. */
  date: string | null;
  source: 'billing' | 'reading';
}

/**
 * The last value each meter is known to have shown: billing's last reading, unless an accepted reading
 * (a subscriber's own or a staff correction) is as recent or newer. Billing wins only when its date is later,
 * because a reading taken the same day was just read off the meter while billing's may be an estimate.
 * Meters that do not exist are simply missing from the map.
 */
export async function lastKnownValues(
  db: Database,
  meterIds: readonly number[],
  transaction?: Transaction,
): Promise<Map<number, LastKnownValue>> {
  const result = new Map<number, LastKnownValue>();
  if (meterIds.length === 0) return result;
  const rows = await db.sequelize.query<{
    id: number;
    billing_value: number;
    billing_date: string | null;
    reading_value: number | null;
    reading_date: string | null;
  }>(
    `SELECT m.id, m.last_reading AS billing_value, m.last_reading_date AS billing_date,
            r.value AS reading_value, r.local_date AS reading_date
       FROM meters m
       LEFT JOIN LATERAL (
         SELECT value, local_date FROM readings
          WHERE meter_id = m.id AND kind IN ('subscriber', 'staff-correction')
          ORDER BY local_date DESC, submitted_at DESC, id DESC
          LIMIT 1
       ) r ON true
      WHERE m.id IN (:meterIds)`,
    { replacements: { meterIds: [...new Set(meterIds)] }, type: QueryTypes.SELECT, ...(transaction ? { transaction } : {}) },
  );
  for (const row of rows) {
    const billingIsNewer =
      row.reading_date === null || (row.billing_date !== null && row.billing_date > row.reading_date);
    result.set(
      row.id,
      billingIsNewer
        ? { value: row.billing_value, date: row.billing_date, source: 'billing' }
        : { value: row.reading_value!, date: row.reading_date, source: 'reading' },
    );
  }
  return result;
}
