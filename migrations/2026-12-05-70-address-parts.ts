import type { Migration } from './migrator.ts';

// An account's address in parts, for matching outages by street and house. `street_norm` is the street name
// normalised WITHOUT aliases (core/addresses: normalizeStreetName), so an aliases file imported later takes
// effect at matching time without touching a million accounts; `house_key` is the house normalised
// (houseKey). All null where the billing export gave no parts and the address text could not be parsed.
//
// street_aliases maps a normalised old (or other) name to the normalised name in use: one row per alias, and an
// alias never points at another alias (the import resolves chains), so one lookup is enough.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    ALTER TABLE accounts
      ADD COLUMN street      text,
      ADD COLUMN house       text,
      ADD COLUMN flat        text,
      ADD COLUMN street_norm text,
      ADD COLUMN house_key   text;
    CREATE INDEX accounts_street_norm_idx ON accounts (street_norm) WHERE street_norm IS NOT NULL;

    CREATE TABLE street_aliases (
      alias_norm  text PRIMARY KEY,
      street_norm text NOT NULL CHECK (street_norm <> alias_norm),
      alias       text NOT NULL,
      street      text NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX street_aliases_street_idx ON street_aliases (street_norm);
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`
    DROP TABLE IF EXISTS street_aliases;
    DROP INDEX IF EXISTS accounts_street_norm_idx;
    ALTER TABLE accounts DROP COLUMN IF EXISTS street, DROP COLUMN IF EXISTS house, DROP COLUMN IF EXISTS flat,
      DROP COLUMN IF EXISTS street_norm, DROP COLUMN IF EXISTS house_key;
  `);
};
