import type { Migration } from './migrator.ts';

// Token buckets shared by every instance, so a platform's send limit holds for the whole deployment.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    CREATE TABLE rate_buckets (
      key        text PRIMARY KEY,
      tokens     double precision NOT NULL,
      updated_at timestamptz NOT NULL
    );
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query('DROP TABLE IF EXISTS rate_buckets');
};
