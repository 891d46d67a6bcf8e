import type { DemoAccount } from '../../core/billing/demo-data.ts';
import type { Database } from '../../models/database.ts';

// Billing's export gives each demo meter one value, and a leak warning needs a meter's own history (three periods
// at least, core/readings/leak.ts): without one, no demo account could ever show it. So the playground gives each
// demo meter readings of the months before billing's last one, at the meter's usual use — as a subscriber who
// has since left would have sent them. A meter that already has a reading before billing's one is left alone, so
// a restart adds nothing.

export const DEMO_HISTORY_MONTHS = 4;

export async function seedDemoMeterHistory(db: Database, demo: readonly DemoAccount[]): Promise<void> {
  const meters = demo.flatMap((a) => a.meters.map((m) => ({ account: a.number, serial: m.serial, monthly: m.monthlyM3 })));
  if (meters.length === 0) return;
  await db.sequelize.query(
    `INSERT INTO readings (meter_id, value, local_date, channel, kind)
     SELECT m.id, m.last_reading - k * d.monthly, (m.last_reading_date - make_interval(months => k))::date, 'telegram', 'subscriber'
       FROM unnest($1::text[], $2::text[], $3::int[]) AS d(account, serial, monthly)
       JOIN accounts a ON a.number = d.account
       JOIN meters m ON m.account_id = a.id AND m.serial = d.serial
      CROSS JOIN generate_series(1, $4::int) AS k
      WHERE m.last_reading_date IS NOT NULL AND m.last_reading - k * d.monthly >= 0
        AND NOT EXISTS (SELECT 1 FROM readings r WHERE r.meter_id = m.id AND r.local_date < m.last_reading_date)
     ON CONFLICT DO NOTHING`,
    { bind: [meters.map((m) => m.account), meters.map((m) => m.serial), meters.map((m) => m.monthly), DEMO_HISTORY_MONTHS] },
  );
}
