import type { Migration } from './migrator.ts';

// Money is integer kopecks and ids are plain integers, so neither comes back from `pg` as a string.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    CREATE TABLE accounts (
      id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      number      text NOT NULL UNIQUE,
      surname     text NOT NULL,
      given_names text NOT NULL DEFAULT '',
      address     text NOT NULL,
      balance_kop integer NOT NULL DEFAULT 0,
      phone       text,
      updated_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX accounts_phone_idx ON accounts (phone) WHERE phone IS NOT NULL;

    CREATE TABLE meters (
      id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      account_id        integer NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      serial            text NOT NULL,
      service           text NOT NULL,
      place             text NOT NULL DEFAULT '',
      last_reading      integer NOT NULL CHECK (last_reading >= 0),
      last_reading_date date,
      verification_due  date,
      digits            integer NOT NULL CHECK (digits BETWEEN 1 AND 9),
      UNIQUE (account_id, serial)
    );

    CREATE TABLE payments (
      id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      account_id integer NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      paid_on    date NOT NULL,
      amount_kop integer NOT NULL,
      UNIQUE (account_id, paid_on, amount_kop)
    );

    CREATE TABLE charges (
      id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      account_id integer NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      period     date NOT NULL CHECK (extract(day FROM period) = 1),
      service    text NOT NULL,
      volume_m3  numeric(12,3) NOT NULL,
      amount_kop integer NOT NULL,
      UNIQUE (account_id, period, service)
    );

    CREATE TABLE subscribers (
      id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      channel           text NOT NULL CHECK (channel IN ('telegram', 'viber')),
      channel_user_id   text NOT NULL,
      name              text NOT NULL DEFAULT '',
      phone             text,
      consented_at      timestamptz,
      reminders_enabled boolean NOT NULL DEFAULT true,
      blocked_at        timestamptz,
      last_inbound_at   timestamptz,
      created_at        timestamptz NOT NULL DEFAULT now(),
      UNIQUE (channel, channel_user_id)
    );

    CREATE TABLE links (
      subscriber_id integer NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
      account_id    integer NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      method        text NOT NULL CHECK (method IN ('payment', 'surname', 'phone')),
      created_at    timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (subscriber_id, account_id)
    );
    CREATE INDEX links_account_idx ON links (account_id);

    -- The answer given is never stored: only who tried which number, how, and what came of it.
    CREATE TABLE ownership_attempts (
      id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      subscriber_id  integer REFERENCES subscribers(id) ON DELETE SET NULL,
      account_number text NOT NULL,
      method         text NOT NULL CHECK (method IN ('payment', 'surname', 'phone')),
      result         text NOT NULL CHECK (result IN ('success', 'mismatch', 'refused')),
      limit_fired    text,
      created_at     timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ownership_attempts_subscriber_idx ON ownership_attempts (subscriber_id, created_at);
    CREATE INDEX ownership_attempts_account_idx ON ownership_attempts (account_number, created_at);
    CREATE INDEX ownership_attempts_failures_idx ON ownership_attempts (created_at) WHERE result = 'mismatch';

    CREATE TABLE ownership_locks (
      id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      scope          text NOT NULL CHECK (scope IN ('pair', 'subscriber-day', 'subscriber-month', 'account')),
      subscriber_id  integer REFERENCES subscribers(id) ON DELETE CASCADE,
      account_number text,
      locked_until   timestamptz NOT NULL,
      created_at     timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ownership_locks_subscriber_idx ON ownership_locks (subscriber_id, locked_until);
    CREATE INDEX ownership_locks_account_idx ON ownership_locks (account_number, locked_until);

    -- One alert per clock hour, whichever instance notices the burst first.
    CREATE TABLE security_alerts (
      id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind       text NOT NULL,
      bucket     timestamptz NOT NULL,
      details    jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (kind, bucket)
    );

    CREATE TABLE readings (
      id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      meter_id      integer NOT NULL REFERENCES meters(id) ON DELETE CASCADE,
      value         integer NOT NULL CHECK (value >= 0),
      local_date    date NOT NULL,
      submitted_at  timestamptz NOT NULL DEFAULT now(),
      subscriber_id integer REFERENCES subscribers(id) ON DELETE SET NULL,
      channel       text NOT NULL CHECK (channel IN ('telegram', 'viber', 'staff')),
      kind          text NOT NULL DEFAULT 'subscriber' CHECK (kind IN ('subscriber', 'staff-correction')),
      staff_name    text,
      letter_id     integer
    );
    -- The once-a-day rule, enforced where two presses or two instances cannot get around it.
    CREATE UNIQUE INDEX readings_one_per_meter_day ON readings (meter_id, local_date) WHERE kind = 'subscriber';
    CREATE INDEX readings_meter_idx ON readings (meter_id, submitted_at DESC);
    CREATE INDEX readings_local_date_idx ON readings (local_date);

    CREATE TABLE letters (
      id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      subscriber_id integer REFERENCES subscribers(id) ON DELETE SET NULL,
      account_id    integer REFERENCES accounts(id) ON DELETE SET NULL,
      channel       text NOT NULL CHECK (channel IN ('telegram', 'viber')),
      category      text NOT NULL CHECK (category IN ('question', 'data-correction', 'reading-correction', 'emergency', 'service-request')),
      text          text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 4000),
      attachments   jsonb NOT NULL DEFAULT '[]',
      correction    jsonb,
      status        text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'answered', 'closed')),
      created_at    timestamptz NOT NULL DEFAULT now(),
      answered_at   timestamptz,
      closed_at     timestamptz,
      closed_by     text
    );
    CREATE INDEX letters_subscriber_idx ON letters (subscriber_id, created_at DESC);
    CREATE INDEX letters_open_idx ON letters (created_at) WHERE status <> 'closed';
    ALTER TABLE readings ADD CONSTRAINT readings_letter_fk FOREIGN KEY (letter_id) REFERENCES letters(id) ON DELETE SET NULL;

    CREATE TABLE letter_messages (
      id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      letter_id   integer NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
      author      text NOT NULL CHECK (author IN ('subscriber', 'staff', 'note')),
      staff_name  text,
      text        text NOT NULL DEFAULT '',
      attachments jsonb NOT NULL DEFAULT '[]',
      created_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX letter_messages_letter_idx ON letter_messages (letter_id, created_at);

    -- Everything the app must deliver later goes here in the same transaction as the change that caused it.
    CREATE TABLE outbox (
      id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind            text NOT NULL,
      payload         jsonb NOT NULL,
      dedupe_key      text UNIQUE,
      status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts        integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error      text,
      created_at      timestamptz NOT NULL DEFAULT now(),
      sent_at         timestamptz
    );
    CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`
    DROP TABLE IF EXISTS outbox, letter_messages, readings, letters, security_alerts, ownership_locks,
      ownership_attempts, links, subscribers, charges, payments, meters, accounts CASCADE;
  `);
};
