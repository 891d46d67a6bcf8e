import type { Migration } from './migrator.ts';

// A staff answer the subscriber's messenger refused for good (Telegram's 400 about the content, Viber's badData) is
// recorded as 'refused' and reported in the staff group at once, instead of being retried for hours and parked
// unseen.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    ALTER TABLE answer_deliveries DROP CONSTRAINT answer_deliveries_outcome_check;
    ALTER TABLE answer_deliveries ADD CONSTRAINT answer_deliveries_outcome_check
      CHECK (outcome IN ('delivered', 'blocked', 'not-subscribed', 'refused'));
  `);
};

// Going back forgets which answers were refused (the old check has no word for it).
export const down: Migration = async ({ context: sql }) => {
  await sql.query(`
    DELETE FROM answer_deliveries WHERE outcome = 'refused';
    ALTER TABLE answer_deliveries DROP CONSTRAINT answer_deliveries_outcome_check;
    ALTER TABLE answer_deliveries ADD CONSTRAINT answer_deliveries_outcome_check
      CHECK (outcome IN ('delivered', 'blocked', 'not-subscribed'));
  `);
};
