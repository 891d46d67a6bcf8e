import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData, type DemoAccount } from '../../../core/billing/demo-data.ts';
import { FixedClock } from '../../../core/clock.ts';
import { judgeLeak } from '../../../core/readings/leak.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import { DEMO_HISTORY_MONTHS, seedDemoMeterHistory } from '../../../dev/playground/meter-history.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

// Trying the leak warning in the playground (seen by hand: an absurd reading on a demo meter got the plain receipt,
// as billing's one value per meter is no history). The seeded months give every demo meter one.

let db: TestDatabase;
let demo: readonly DemoAccount[];
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
  demo = await loadDemoData(db, new FixedClock(new Date('2026-12-05T08:00:00Z')));
});
afterAll(async () => {
  await db?.destroy();
});

interface Point { serial: string; date: string; value: number }
const history = () =>
  db.sequelize.query<Point>(
    `SELECT m.serial, r.local_date::text AS date, r.value FROM readings r JOIN meters m ON m.id = r.meter_id
     UNION ALL SELECT serial, last_reading_date::text, last_reading FROM meters ORDER BY serial, date`,
    { type: QueryTypes.SELECT },
  );

describe('the demo meters’ history in the playground', () => {
  it('lets an absurd reading on any demo meter get the leak warning, and an ordinary one not', async () => {
    await seedDemoMeterHistory(db, demo);
    const points = await history();
    const serials = demo.flatMap((a) => a.meters.map((m) => m.serial));
    expect(points).toHaveLength(serials.length * (DEMO_HISTORY_MONTHS + 1));
    const rules = defaultCoreSettings.readings;
    for (const serial of serials) {
      const own = points.filter((p) => p.serial === serial);
      const last = own.at(-1)!;
      expect(last.date).toBe('2026-11-25');
      expect(judgeLeak(rules, own, { date: '2026-12-05', value: last.value + 60 })).not.toBeNull();
      expect(judgeLeak(rules, own, { date: '2026-12-05', value: last.value + 2 })).toBeNull();
    }
  });

  it('adds nothing on a restart', async () => {
    const before = await history();
    await seedDemoMeterHistory(db, demo);
    expect(await history()).toEqual(before);
  });
});
