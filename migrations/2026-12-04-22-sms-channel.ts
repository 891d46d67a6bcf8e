import type { Migration } from './migrator.ts';

// Readings by SMS (issue 17). A reading sent by SMS is recorded with channel 'sms' (no subscriber row: the
// phone itself is who sent it). The SMSC does not resend a deliver_sm it saw answered, so every incoming SMS is
// kept in sms_inbox before deliver_sm_resp goes out, keyed so a redelivery is kept once; the parts of a long
// SMS wait in sms_parts until the last one arrives. What the SMS channel itself must remember lives here too:
// the jump a phone must confirm with «ТАК» within an hour, phones that said «СТОП», and every part sent
// (counted per day, matched with the delivery receipts the SMSC sends back).
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    ALTER TABLE readings DROP CONSTRAINT readings_channel_check;
    ALTER TABLE readings ADD CONSTRAINT readings_channel_check CHECK (channel IN ('telegram', 'viber', 'staff', 'sms'));

    CREATE TABLE sms_inbox (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dedupe_key   text NOT NULL UNIQUE,
      phone        text NOT NULL,
      text_hash    text NOT NULL,
      text         text NOT NULL,
      kind         text NOT NULL CHECK (kind IN ('message', 'receipt')),
      received_at  timestamptz NOT NULL,
      local_date   date NOT NULL,
      done_at      timestamptz,
      outcome      text,
      replied      text
    );
    CREATE INDEX sms_inbox_pending_idx ON sms_inbox (id) WHERE done_at IS NULL;
    CREATE INDEX sms_inbox_phone_day_idx ON sms_inbox (phone, local_date, id);
    CREATE INDEX sms_inbox_phone_text_idx ON sms_inbox (phone, text_hash, received_at);
    -- A receipt keeps the SMSC's message id as its text: it may arrive before the part it is about is recorded.
    CREATE INDEX sms_inbox_receipt_idx ON sms_inbox (text) WHERE kind = 'receipt';

    CREATE TABLE sms_parts (
      phone        text NOT NULL,
      ref          integer NOT NULL,
      total        integer NOT NULL CHECK (total BETWEEN 2 AND 255),
      seqnum       integer NOT NULL CHECK (seqnum BETWEEN 1 AND 255),
      text         text NOT NULL,
      received_at  timestamptz NOT NULL,
      PRIMARY KEY (phone, ref, total, seqnum)
    );

    CREATE TABLE sms_confirmations (
      phone        text PRIMARY KEY,
      pairs        jsonb NOT NULL,
      expires_at   timestamptz NOT NULL
    );

    CREATE TABLE sms_stops (
      phone        text PRIMARY KEY,
      stopped_at   timestamptz NOT NULL
    );

    CREATE TABLE sms_sent (
      id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      outbox_id      integer NOT NULL,
      part           integer NOT NULL,
      message_id     text,
      sent_at        timestamptz NOT NULL,
      local_date     date NOT NULL,
      receipt_state  text,
      receipt_at     timestamptz,
      UNIQUE (outbox_id, part)
    );
    CREATE INDEX sms_sent_day_idx ON sms_sent (local_date);
    CREATE INDEX sms_sent_message_idx ON sms_sent (message_id) WHERE message_id IS NOT NULL;
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`
    DROP TABLE sms_sent, sms_stops, sms_confirmations, sms_parts, sms_inbox;
    DELETE FROM readings WHERE channel = 'sms';
    ALTER TABLE readings DROP CONSTRAINT readings_channel_check;
    ALTER TABLE readings ADD CONSTRAINT readings_channel_check CHECK (channel IN ('telegram', 'viber', 'staff'));
  `);
};
