import { QueryTypes } from 'sequelize';
import type { StorageAdapter } from 'grammy';
import type { Database } from '../../models/database.ts';

/**
 * grammY's key/value storage on the project's database (table telegram_state, migration 04). Sessions and
 * the conversations' replay state both live here under their own prefixes, so a restarted process, or a
 * second instance, picks a chat up where the last one left it.
 */
export class PostgresStorage<T> implements StorageAdapter<T> {
  constructor(
    private readonly db: Database,
    private readonly prefix: string,
  ) {}

  async read(key: string): Promise<T | undefined> {
    const [row] = await this.db.sequelize.query<{ value: T }>('SELECT value FROM telegram_state WHERE key = :key', {
      replacements: { key: this.prefix + key },
      type: QueryTypes.SELECT,
    });
    return row?.value;
  }

  async write(key: string, value: T): Promise<void> {
    await this.db.sequelize.query(
      `INSERT INTO telegram_state (key, value, updated_at) VALUES (:key, CAST(:value AS jsonb), now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
      { replacements: { key: this.prefix + key, value: JSON.stringify(value) } },
    );
  }

  async delete(key: string): Promise<void> {
    await this.db.sequelize.query('DELETE FROM telegram_state WHERE key = :key', { replacements: { key: this.prefix + key } });
  }
}

/**
 * Records an update as taken. True for the first delivery only: Telegram redelivers webhook updates it did
 * not see answered in time, and the primary key lets exactly one handler through, across instances too.
 */
export async function claimUpdate(db: Database, updateId: number): Promise<boolean> {
  const rows = await db.sequelize.query<{ update_id: string }>(
    `INSERT INTO telegram_processed_updates (update_id) VALUES (:updateId) ON CONFLICT DO NOTHING RETURNING update_id`,
    { replacements: { updateId }, type: QueryTypes.SELECT },
  );
  return rows.length > 0;
}

/**
 * Forgets update ids older than Telegram would ever redeliver (it keeps undelivered updates for 24 h), and
 * conversation state nobody touched for longer than a flow may wait: abandoned flows do not pile up.
 */
export async function pruneTelegramState(
  db: Database,
  options: { updatesOlderThanMs: number; conversationsOlderThanMs: number; conversationPrefix: string },
): Promise<void> {
  await db.sequelize.query(
    `DELETE FROM telegram_processed_updates WHERE processed_at < now() - make_interval(secs => :updates)`,
    { replacements: { updates: options.updatesOlderThanMs / 1000 } },
  );
  await db.sequelize.query(
    `DELETE FROM telegram_state WHERE key LIKE :prefix AND updated_at < now() - make_interval(secs => :conversations)`,
    { replacements: { prefix: `${options.conversationPrefix}%`, conversations: options.conversationsOlderThanMs / 1000 } },
  );
}
