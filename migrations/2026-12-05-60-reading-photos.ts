import type { Migration } from './migrator.ts';

// A meter photo is kept by the app itself, not as a messenger's file reference: a Telegram file_id opens only
// through that bot's token, a Viber media URL expires, and staff tools and exports need the picture. One photo per
// reading: the primary key turns a second press (a redelivery, another instance) into nothing. Bounded here too,
// so no path around core's size check stores a huge value.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    CREATE TABLE reading_photos (
      reading_id    integer PRIMARY KEY REFERENCES readings(id) ON DELETE CASCADE,
      bytes         bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 20971520),
      mime          text NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
      sha256        text NOT NULL,
      channel       text NOT NULL CHECK (channel IN ('telegram', 'viber')),
      subscriber_id integer REFERENCES subscribers(id) ON DELETE SET NULL,
      created_at    timestamptz NOT NULL
    );
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`DROP TABLE reading_photos;`);
};
