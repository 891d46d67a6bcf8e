import type { Migration } from './migrator.ts';

// A pass that walked every due subscriber but left claims of a dead sender open is 'unsettled', not
// 'completed': the slot is resumed on the next start, and the sweep sends those claims after the lease.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    ALTER TABLE reminder_runs DROP CONSTRAINT reminder_runs_outcome_check;
    ALTER TABLE reminder_runs ADD CONSTRAINT reminder_runs_outcome_check
      CHECK (outcome IN ('completed', 'unsettled', 'quiet-hours', 'stopped', 'error'));
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`
    UPDATE reminder_runs SET outcome = 'stopped' WHERE outcome = 'unsettled';
    ALTER TABLE reminder_runs DROP CONSTRAINT reminder_runs_outcome_check;
    ALTER TABLE reminder_runs ADD CONSTRAINT reminder_runs_outcome_check CHECK (outcome IN ('completed', 'quiet-hours', 'stopped', 'error'));
  `);
};
