import { randomBytes } from 'node:crypto';
import { createDatabase, type Database, type DatabaseOptions } from '../../models/database.ts';
import { migrateToLatest } from '../../migrations/migrator.ts';
import { adminQuery as admin, databaseUrl as withDatabase } from '../../models/server-admin.ts';

/** A database of its own on the bench server, created and migrated here, dropped by `drop` (also after a failure). */
export interface ScratchDatabase {
  name: string;
  url: string;
  open(options?: Omit<DatabaseOptions, 'url'>): Database;
  drop(): Promise<void>;
}

export async function createScratchDatabase(
  serverUrl: string,
  prefix: string,
  options: { synchronousCommit?: 'on' | 'off' } = {},
): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  if (options.synchronousCommit === 'off') await admin(serverUrl, `ALTER DATABASE ${name} SET synchronous_commit = off`);
  const url = withDatabase(serverUrl, name);
  const opened: Database[] = [];
  const scratch: ScratchDatabase = {
    name,
    url,
    open(options = { poolMax: 10 }) {
      const db = createDatabase({ url, ...options });
      opened.push(db);
      return db;
    },
    async drop() {
      await Promise.allSettled(opened.map((db) => db.close()));
      await admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
  try {
    const db = scratch.open({ poolMax: 2 });
    await migrateToLatest(db.sequelize, { lock: false });
  } catch (error) {
    await scratch.drop().catch(() => undefined);
    throw error;
  }
  return scratch;
}

/** Months of readings each seeded meter has already had, as in a cabinet that has run for a while. */
const HISTORY_MONTHS = 6;
/** m³ a month in that history. */
const HISTORY_STEP = 4;

/**
 * Consented Telegram subscribers (channel_user_id = Telegram user id firstUserId + i), each with one linked
 * account holding one meter whose last reading (100) is 30 days old, so "last + 3" is accepted without the
 * jump question. Each meter has months of readings behind it (the last one that value, 30 days ago), so the
 * planner meets tables of a cabinet in use, not empty ones. Readings are once per meter per day: every simulated
 * user does the flow once.
 */
export async function seedReadingSubscribers(db: Database, options: { count: number; firstUserId: number; lastReading: number }): Promise<void> {
  const { count, firstUserId, lastReading } = options;
  await db.sequelize.query(`
    INSERT INTO accounts (number, surname, address)
      SELECT (500000 + g)::text, 'Бенчмарк', 'вул. Тестова, ' || g FROM generate_series(1, ${count}) g;
    INSERT INTO meters (account_id, serial, service, last_reading, last_reading_date, digits)
      SELECT id, 'TG-' || id, 'водопостачання', ${lastReading}, current_date - 30, 5 FROM accounts;
    INSERT INTO subscribers (channel, channel_user_id, name, consented_at, last_inbound_at)
      SELECT 'telegram', (${firstUserId} + g)::text, 'Абонент ' || g, now(), now() FROM generate_series(1, ${count}) g;
    INSERT INTO links (subscriber_id, account_id, method)
      SELECT s.id, a.id, 'surname'
        FROM subscribers s JOIN accounts a ON a.number = (500000 + s.channel_user_id::bigint - ${firstUserId})::text;
    INSERT INTO readings (meter_id, value, local_date, submitted_at, subscriber_id, channel, kind)
      SELECT m.id, ${lastReading} - ${HISTORY_STEP} * (k - 1), current_date - 30 * k, now() - make_interval(days => 30 * k), l.subscriber_id, 'telegram', 'subscriber'
        FROM meters m JOIN links l ON l.account_id = m.account_id, generate_series(1, ${HISTORY_MONTHS}) k;
    ANALYZE;
  `);
}
