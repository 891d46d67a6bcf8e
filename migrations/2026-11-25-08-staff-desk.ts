import type { Migration } from './migrator.ts';

// The staff desk in a Telegram group. Each subscriber gets a forum topic of their own (when the group has
// topics), found again by channel and user. Every message relayed between a letter and the group is kept with
// both ids, so a staff reply to any of them finds its letter, and a forwarded part is never sent twice
// (`part` is unique per letter and group). An answer's delivery is recorded before staff are told about it, so
// a retry of the telling never delivers the answer a second time.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    CREATE TABLE staff_topics (
      id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      chat_id         bigint NOT NULL,
      channel         text NOT NULL,
      channel_user_id text NOT NULL,
      thread_id       integer NOT NULL,
      card_message_id integer,
      created_at      timestamptz NOT NULL DEFAULT now(),
      UNIQUE (chat_id, channel, channel_user_id)
    );
    CREATE INDEX staff_topics_thread_idx ON staff_topics (chat_id, thread_id);

    CREATE TABLE relay_messages (
      id                    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      staff_chat_id         bigint NOT NULL,
      staff_message_id      integer NOT NULL,
      staff_thread_id       integer,
      letter_id             integer NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
      direction             text NOT NULL CHECK (direction IN ('to-staff', 'from-staff', 'status')),
      part                  text,
      letter_message_id     integer REFERENCES letter_messages(id) ON DELETE CASCADE,
      subscriber_message_id text,
      created_at            timestamptz NOT NULL DEFAULT now(),
      UNIQUE (staff_chat_id, staff_message_id)
    );
    CREATE UNIQUE INDEX relay_messages_part_idx ON relay_messages (staff_chat_id, letter_id, part) WHERE part IS NOT NULL;
    CREATE INDEX relay_messages_letter_message_idx ON relay_messages (letter_message_id) WHERE letter_message_id IS NOT NULL;

    CREATE TABLE answer_deliveries (
      letter_message_id      integer PRIMARY KEY REFERENCES letter_messages(id) ON DELETE CASCADE,
      outcome                text NOT NULL CHECK (outcome IN ('delivered', 'blocked', 'not-subscribed')),
      dropped_photos         integer NOT NULL DEFAULT 0,
      subscriber_message_ids jsonb NOT NULL DEFAULT '[]',
      delivered_at           timestamptz NOT NULL,
      reported_at            timestamptz
    );
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query('DROP TABLE IF EXISTS answer_deliveries, relay_messages, staff_topics');
};
