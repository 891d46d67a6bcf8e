import type { Migration } from './migrator.ts';

// The phone step and one identity across channels.
// - subscribers.phone keeps meaning "a phone the channel verified as the subscriber's own" (it is what one-tap
//   linking trusts); a contact card that proves nothing (any Viber contact, a forwarded card) is kept apart in
//   phone_unverified, for staff to call, and never matched against billing.
// - phone_deferred_at: «Пізніше» pressed at the phone step, so /start does not ask again (it was in the
//   Telegram session, which Viber did not have).
//   Phones the old Viber flow stored came from unverifiable contact cards: they move to phone_unverified.
// - channel_link_codes: one-time codes that link a subscriber's chat on another channel. Only a hash of the
//   code is stored; `used_at` is set by one conditional UPDATE, so a code is used once however many press it.
// - links/ownership_attempts take the method 'channel-link'.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    ALTER TABLE subscribers ADD COLUMN phone_unverified text, ADD COLUMN phone_deferred_at timestamptz;
    UPDATE subscribers SET phone_unverified = phone, phone = NULL WHERE channel = 'viber' AND phone IS NOT NULL;

    ALTER TABLE links DROP CONSTRAINT links_method_check;
    ALTER TABLE links ADD CONSTRAINT links_method_check CHECK (method IN ('payment', 'surname', 'phone', 'channel-link'));
    ALTER TABLE ownership_attempts DROP CONSTRAINT ownership_attempts_method_check;
    ALTER TABLE ownership_attempts ADD CONSTRAINT ownership_attempts_method_check
      CHECK (method IN ('payment', 'surname', 'phone', 'channel-link'));

    CREATE TABLE channel_link_codes (
      code_hash     text PRIMARY KEY,
      subscriber_id integer NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
      created_at    timestamptz NOT NULL,
      expires_at    timestamptz NOT NULL,
      used_at       timestamptz,
      used_by       integer REFERENCES subscribers(id) ON DELETE CASCADE,
      CHECK (expires_at > created_at),
      CHECK ((used_at IS NULL) = (used_by IS NULL)),
      CHECK (used_by IS DISTINCT FROM subscriber_id)
    );
    CREATE INDEX channel_link_codes_subscriber_idx ON channel_link_codes (subscriber_id);
    CREATE INDEX channel_link_codes_used_by_idx ON channel_link_codes (used_by) WHERE used_by IS NOT NULL;
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`
    DROP TABLE channel_link_codes;
    DELETE FROM links WHERE method = 'channel-link';
    DELETE FROM ownership_attempts WHERE method = 'channel-link';
    ALTER TABLE links DROP CONSTRAINT links_method_check;
    ALTER TABLE links ADD CONSTRAINT links_method_check CHECK (method IN ('payment', 'surname', 'phone'));
    ALTER TABLE ownership_attempts DROP CONSTRAINT ownership_attempts_method_check;
    ALTER TABLE ownership_attempts ADD CONSTRAINT ownership_attempts_method_check CHECK (method IN ('payment', 'surname', 'phone'));
    UPDATE subscribers SET phone = phone_unverified WHERE phone IS NULL AND phone_unverified IS NOT NULL;
    ALTER TABLE subscribers DROP COLUMN phone_unverified, DROP COLUMN phone_deferred_at;
  `);
};
