import type { Migration } from './migrator.ts';

// Viber does not resend a callback it saw answered 200, so a callback is kept here, in the same database, before
// the answer goes out: a crash after the 200 leaves the row, and the next start (or another instance, after the
// lease) handles it. The message token is the key, so a callback Viber delivers twice is kept once; the table
// replaces viber_processed_tokens. `seq` orders one subscriber's callbacks as they arrived.
//
// The conversation's state becomes the shared runner's FlowState (plain JSON, with its own time of last move),
// so the old state machine's columns go: a flow in progress at the upgrade is dropped, like a flow of an older
// FLOWS_VERSION, and the subscriber starts it again from the menu.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    CREATE TABLE viber_inbox (
      message_token text PRIMARY KEY,
      seq           bigint GENERATED ALWAYS AS IDENTITY,
      viber_user_id text NOT NULL,
      event         jsonb NOT NULL,
      received_at   timestamptz NOT NULL DEFAULT now(),
      attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      not_before    timestamptz,
      done_at       timestamptz,
      outcome       text CHECK (outcome IN ('handled', 'answered-error', 'gave-up'))
    );
    CREATE INDEX viber_inbox_pending_idx ON viber_inbox (viber_user_id, seq) WHERE done_at IS NULL;
    CREATE INDEX viber_inbox_done_idx ON viber_inbox (done_at) WHERE done_at IS NOT NULL;

    INSERT INTO viber_inbox (message_token, viber_user_id, event, received_at, done_at, outcome)
      SELECT message_token, '', '{}'::jsonb, processed_at, processed_at, 'handled' FROM viber_processed_tokens;
    DROP TABLE viber_processed_tokens;

    ALTER TABLE viber_conversations DROP COLUMN flow, DROP COLUMN step, DROP COLUMN data, DROP COLUMN expires_at;
    ALTER TABLE viber_conversations ADD COLUMN state jsonb;
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`
    ALTER TABLE viber_conversations DROP COLUMN state;
    ALTER TABLE viber_conversations ADD COLUMN flow text, ADD COLUMN step text, ADD COLUMN data jsonb NOT NULL DEFAULT '{}',
      ADD COLUMN expires_at timestamptz, ADD CHECK ((flow IS NULL) = (step IS NULL));
    CREATE INDEX viber_conversations_expires_idx ON viber_conversations (expires_at) WHERE flow IS NOT NULL;
    CREATE TABLE viber_processed_tokens (message_token text PRIMARY KEY, processed_at timestamptz NOT NULL DEFAULT now());
    CREATE INDEX viber_processed_tokens_at_idx ON viber_processed_tokens (processed_at);
    INSERT INTO viber_processed_tokens (message_token, processed_at) SELECT message_token, received_at FROM viber_inbox;
    DROP TABLE viber_inbox;
  `);
};
