import type { Migration } from './migrator.ts';

// Pictures and documents the app made (a consumption chart, a statement PDF, a meter photo it keeps) are stored
// here, so every instance can send them and serve them to Viber, which fetches media by URL. The id is random
// (it is the unguessable part of a served address); a cache key, unique, lets a use case find what it already
// drew for the same data instead of drawing it again. Rows expire: a purge removes them, a link outlives none.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    CREATE TABLE media (
      id           text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{22,64}$'),
      cache_key    text UNIQUE CHECK (length(cache_key) BETWEEN 1 AND 300),
      content_type text NOT NULL CHECK (content_type ~ '^[a-z]+/[a-z0-9.+-]+$'),
      filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
      bytes        bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 52428800),
      created_at   timestamptz NOT NULL,
      expires_at   timestamptz NOT NULL CHECK (expires_at > created_at)
    );
    CREATE INDEX media_expires_idx ON media (expires_at);
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`DROP TABLE media;`);
};
