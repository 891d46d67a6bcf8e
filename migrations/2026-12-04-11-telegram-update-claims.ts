import type { Migration } from './migrator.ts';

// An update id was recorded before its update was handled, and committed at once: an update whose handling failed
// or died half-way was then skipped as a duplicate when Telegram delivered it again. Now a row is a claim until
// the handling commits (`done`, together with the chat's flow state); a failed handling deletes its claim, and a
// claim whose handler died is taken over once it is older than the lease. `claim` tells the handler that holds it.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    ALTER TABLE telegram_processed_updates
      ADD COLUMN done  boolean NOT NULL DEFAULT true,
      ADD COLUMN claim text;
    ALTER TABLE telegram_processed_updates ALTER COLUMN done SET DEFAULT false;
    -- The replay state of the removed conversations plugin: the new flows keep theirs under 'flow:'.
    DELETE FROM telegram_state WHERE key LIKE 'conv:%';
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`
    DELETE FROM telegram_processed_updates WHERE NOT done;
    ALTER TABLE telegram_processed_updates DROP COLUMN claim, DROP COLUMN done;
  `);
};
