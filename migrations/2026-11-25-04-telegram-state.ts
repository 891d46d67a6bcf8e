import type { Migration } from './migrator.ts';

// The Telegram bot keeps its sessions and the replay state of its conversations here, so a restart in the
// middle of a flow continues it and two instances can serve one bot. Updates are recorded by id before they
// are handled: Telegram redelivers what it did not see answered, and the primary key lets only one through.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    CREATE TABLE telegram_state (
      key        text PRIMARY KEY,
      value      jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX telegram_state_updated_idx ON telegram_state (updated_at);

    CREATE TABLE telegram_processed_updates (
      update_id    bigint PRIMARY KEY,
      processed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX telegram_processed_updates_at_idx ON telegram_processed_updates (processed_at);
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`DROP TABLE IF EXISTS telegram_processed_updates, telegram_state;`);
};
