import type { Migration } from './migrator.ts';

// «Так, надіслати» may be handled twice (a redelivered update, a second instance replaying the same flow
// state): the flow step's key is stored with the letter, and the unique index lets only one letter have it.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    ALTER TABLE letters ADD COLUMN idempotency_key text;
    ALTER TABLE letters ADD CONSTRAINT letters_idempotency_key_key UNIQUE (idempotency_key);
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`ALTER TABLE letters DROP COLUMN idempotency_key;`);
};
