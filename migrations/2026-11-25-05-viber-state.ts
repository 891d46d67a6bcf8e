import type { Migration } from './migrator.ts';

// The Viber bot has no SDK session: where each subscriber is in a flow lives here, so a restart continues the
// flow and two instances can serve one bot. A lease (lease_owner, lease_until) lets one handler at a time work
// on a subscriber without holding a transaction open while it calls core and Viber (the embedded database runs
// one transaction at a time). Message tokens are recorded before handling: Viber redelivers a callback it did
// not see answered, and the primary key lets only one through. Messages the bot starts on its own are counted
// per day, split by whether Viber bills them (outside the 24-hour window a subscriber's message opens).
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    CREATE TABLE viber_conversations (
      viber_user_id text PRIMARY KEY,
      flow          text,
      step          text,
      data          jsonb NOT NULL DEFAULT '{}',
      updated_at    timestamptz NOT NULL DEFAULT now(),
      expires_at    timestamptz,
      lease_owner   text,
      lease_until   timestamptz,
      CHECK ((flow IS NULL) = (step IS NULL))
    );
    CREATE INDEX viber_conversations_expires_idx ON viber_conversations (expires_at) WHERE flow IS NOT NULL;

    CREATE TABLE viber_processed_tokens (
      message_token text PRIMARY KEY,
      processed_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX viber_processed_tokens_at_idx ON viber_processed_tokens (processed_at);

    CREATE TABLE viber_started_messages (
      day      date PRIMARY KEY,
      billable integer NOT NULL DEFAULT 0 CHECK (billable >= 0),
      free     integer NOT NULL DEFAULT 0 CHECK (free >= 0)
    );
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`DROP TABLE IF EXISTS viber_started_messages, viber_processed_tokens, viber_conversations;`);
};
