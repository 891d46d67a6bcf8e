import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { submitReading } from '../../../core/readings/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLinkedMeter, coreDeps, type LinkedMeter } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 8 });
});
afterAll(async () => {
  await db.destroy();
});

const clock = new FixedClock(new Date('2026-11-25T10:00:00Z'));
const submit = (linked: LinkedMeter, value: number, channel: 'telegram' | 'viber') =>
  submitReading(coreDeps(db, clock), { subscriberId: linked.subscriber.id, meterId: linked.meter.id, value, confirmed: false, channel });

async function storedFor(meterId: number): Promise<number> {
  return db.models.Reading.count({ where: { meterId } });
}

describe('two submissions for one meter on one day', () => {
  it('let exactly one win, on separate connections, every time', async () => {
    for (let round = 0; round < 10; round++) {
      const linked = await aLinkedMeter(db);
      const outcomes = await Promise.all([submit(linked, 125, 'telegram'), submit(linked, 126, 'viber')]);
      const kinds = outcomes.map((o) => o.kind).sort();
      expect(kinds).toEqual(['accepted', 'same-day']);
      expect(outcomes.find((o) => o.kind === 'same-day')).toEqual({ kind: 'same-day', retryOn: '2026-11-26' });
      expect(await storedFor(linked.meter.id)).toBe(1);
    }
  });

  it('turn away, by the constraint, one whose rival appeared after its checks (on either server)', async () => {
    // A trigger slips the rival row in between the checks and the insert: the one moment the check cannot see.
    await db.sequelize.query(`
      CREATE FUNCTION sneak_in_rival() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.kind = 'subscriber' AND NEW.value = 777 THEN
          INSERT INTO readings (meter_id, value, local_date, submitted_at, channel)
          VALUES (NEW.meter_id, 124, NEW.local_date, NEW.submitted_at, 'viber');
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER sneak_in_rival BEFORE INSERT ON readings FOR EACH ROW EXECUTE FUNCTION sneak_in_rival();
    `);
    try {
      const linked = await aLinkedMeter(db);
      const outcome = await submitReading(coreDeps(db, clock), {
        subscriberId: linked.subscriber.id,
        meterId: linked.meter.id,
        value: 777,
        confirmed: true,
        channel: 'telegram',
      });
      expect(outcome).toEqual({ kind: 'same-day', retryOn: '2026-11-26' });
      const rows = await db.models.Reading.findAll({ where: { meterId: linked.meter.id }, raw: true });
      expect(rows.map((r) => r.value)).toEqual([124]);
    } finally {
      await db.sequelize.query('DROP TRIGGER sneak_in_rival ON readings; DROP FUNCTION sneak_in_rival();');
    }
  });
});

// Only a real server runs two transactions at once, so only there can a submission be held between its checks
// and its insert while another one commits: the constraint, not the check, must then turn it away.
describe.runIf(inject('testDatabase').kind === 'server')('a submission that passed the checks before the other committed', () => {
  it('is turned away by the constraint with same-day', async () => {
    const linked = await aLinkedMeter(db);
    const rival = new pg.Client({ connectionString: db.url });
    await rival.connect();
    try {
      await rival.query('BEGIN');
      await rival.query(
        `INSERT INTO readings (meter_id, value, local_date, submitted_at, subscriber_id, channel)
         VALUES ($1, 124, '2026-11-25', '2026-11-25T09:59:00Z', $2, 'viber')`,
        [linked.meter.id, linked.subscriber.id],
      );
      const pending = submit(linked, 125, 'telegram');
      // Wait until our insert is blocked on the rival's uncommitted row (the statistics snapshot is per transaction).
      let blocked = false;
      for (let i = 0; i < 200 && !blocked; i++) {
        await rival.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await rival.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO readings%'`,
        );
        blocked = rows[0]!.waiting > 0;
        if (!blocked) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(blocked).toBe(true);
      await rival.query('COMMIT');
      expect(await pending).toEqual({ kind: 'same-day', retryOn: '2026-11-26' });
    } finally {
      await rival.end();
    }
    const rows = await db.models.Reading.findAll({ where: { meterId: linked.meter.id }, raw: true });
    expect(rows.map((r) => r.value)).toEqual([124]);
  });
});
