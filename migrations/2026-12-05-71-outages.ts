import type { Migration } from './migrator.ts';

// An outage and what it reaches. The accounts it affects are fixed when it is announced (outage_accounts), so
// every notice of it goes to the same addresses; the subscribers are looked up at each send, through links.
//
// Each notice an outage owes (the evening before, the start, each update, the restoration) is a row of
// outage_changes with the time it is due; a change is 'done' once every affected subscriber's notice of it is
// settled. outage_notices is the claim per subscriber, outage and change, claimed before the send (like
// reminders_sent): its primary key is what makes a notice go out once, across restarts and instances.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    CREATE TABLE outages (
      id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind            text NOT NULL CHECK (kind IN ('planned', 'emergency')),
      starts_at       timestamptz NOT NULL,
      ends_at         timestamptz CHECK (ends_at IS NULL OR ends_at > starts_at),
      affects         text[] NOT NULL DEFAULT '{}' CHECK (affects <@ ARRAY['cold-water', 'sewage', 'pressure']::text[]),
      text            text NOT NULL DEFAULT '' CHECK (char_length(text) <= 1000),
      targets         jsonb NOT NULL,
      status          text NOT NULL DEFAULT 'announced' CHECK (status IN ('announced', 'closed')),
      revision        integer NOT NULL DEFAULT 0,
      source          text NOT NULL CHECK (source IN ('staff', 'import')),
      created_by      text NOT NULL,
      idempotency_key text NOT NULL UNIQUE,
      created_at      timestamptz NOT NULL,
      updated_at      timestamptz NOT NULL,
      closed_at       timestamptz
    );
    CREATE INDEX outages_open_idx ON outages (starts_at) WHERE status = 'announced';

    CREATE TABLE outage_accounts (
      outage_id  integer NOT NULL REFERENCES outages(id) ON DELETE CASCADE,
      account_id integer NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      PRIMARY KEY (outage_id, account_id)
    );
    CREATE INDEX outage_accounts_account_idx ON outage_accounts (account_id);

    CREATE TABLE outage_changes (
      outage_id  integer NOT NULL REFERENCES outages(id) ON DELETE CASCADE,
      change     text NOT NULL CHECK (change ~ '^(before|start|update-[0-9]+|restored)$'),
      due_at     timestamptz NOT NULL,
      status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dropped')),
      created_at timestamptz NOT NULL,
      -- Set when a pass has walked every affected subscriber: later passes only wait for the open claims.
      walked_at  timestamptz,
      done_at    timestamptz,
      PRIMARY KEY (outage_id, change)
    );
    CREATE INDEX outage_changes_due_idx ON outage_changes (due_at) WHERE status = 'pending';

    CREATE TABLE outage_notices (
      outage_id     integer NOT NULL REFERENCES outages(id) ON DELETE CASCADE,
      change        text NOT NULL,
      subscriber_id integer NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
      status        text NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'blocked', 'skipped')),
      attempts      integer NOT NULL DEFAULT 1,
      claimed_at    timestamptz NOT NULL,
      sent_at       timestamptz,
      error         text,
      PRIMARY KEY (outage_id, change, subscriber_id),
      FOREIGN KEY (outage_id, change) REFERENCES outage_changes (outage_id, change) ON DELETE CASCADE
    );
    CREATE INDEX outage_notices_open_idx ON outage_notices (claimed_at) WHERE status = 'claimed';

    -- Planned-works notices turned off by the subscriber; emergencies reach them regardless.
    CREATE TABLE outage_planned_optouts (
      subscriber_id integer PRIMARY KEY REFERENCES subscribers(id) ON DELETE CASCADE,
      created_at    timestamptz NOT NULL DEFAULT now()
    );
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query('DROP TABLE IF EXISTS outage_planned_optouts, outage_notices, outage_changes, outage_accounts, outages');
};
