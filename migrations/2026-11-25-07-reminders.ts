import type { Migration } from './migrator.ts';

// One row per subscriber, period and schedule slot: the unique key is what makes a reminder go out once even
// when a pass is restarted or two instances run the same slot. A row is CLAIMED before the message is sent.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    CREATE TABLE reminders_sent (
      subscriber_id integer NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
      period        date NOT NULL CHECK (extract(day FROM period) = 1),
      slot          text NOT NULL,
      status        text NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'blocked', 'skipped')),
      attempts      integer NOT NULL DEFAULT 1,
      claimed_at    timestamptz NOT NULL,
      sent_at       timestamptz,
      error         text,
      PRIMARY KEY (subscriber_id, period, slot)
    );
    CREATE INDEX reminders_sent_slot_idx ON reminders_sent (slot, status);

    -- One row per pass (scheduled, resumed or manual), so staff can see what the last one did.
    CREATE TABLE reminder_runs (
      id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      slot        text NOT NULL,
      period      date NOT NULL,
      started_at  timestamptz NOT NULL,
      finished_at timestamptz,
      outcome     text CHECK (outcome IN ('completed', 'quiet-hours', 'stopped', 'error')),
      due         integer NOT NULL DEFAULT 0,
      sent        integer NOT NULL DEFAULT 0,
      failed      integer NOT NULL DEFAULT 0,
      blocked     integer NOT NULL DEFAULT 0,
      skipped     integer NOT NULL DEFAULT 0,
      already_done integer NOT NULL DEFAULT 0,
      rate_limited integer NOT NULL DEFAULT 0,
      error       text
    );
    CREATE INDEX reminder_runs_started_idx ON reminder_runs (started_at DESC);
    CREATE INDEX reminder_runs_slot_idx ON reminder_runs (slot);
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query('DROP TABLE IF EXISTS reminder_runs, reminders_sent');
};
