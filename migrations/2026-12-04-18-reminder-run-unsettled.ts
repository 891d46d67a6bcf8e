import type { Migration } from './migrator.ts';

// A pass that walked every due subscriber but left claims of a dead sender open is 'unsettled', not
// 'completed': the slot is resumed on the next start, and the sweep sends those claims after the lease.
// The sweep runs every minute in every instance: the open claims get a small partial index of their own, so
// it never scans the whole history of reminders.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    ALTER TABLE reminder_runs DROP CONSTRAINT reminder_runs_outcome_check;
    ALTER TABLE reminder_runs ADD CONSTRAINT reminder_runs_outcome_check
      CHECK (outcome IN ('completed', 'unsettled', 'quiet-hours', 'stopped', 'error'));
    CREATE INDEX reminders_sent_open_idx ON reminders_sent (period, claimed_at) WHERE status = 'claimed';
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`
    DROP INDEX IF EXISTS reminders_sent_open_idx;
    UPDATE reminder_runs SET outcome = 'stopped' WHERE outcome = 'unsettled';
    ALTER TABLE reminder_runs DROP CONSTRAINT reminder_runs_outcome_check;
    ALTER TABLE reminder_runs ADD CONSTRAINT reminder_runs_outcome_check CHECK (outcome IN ('completed', 'quiet-hours', 'stopped', 'error'));
  `);
};
