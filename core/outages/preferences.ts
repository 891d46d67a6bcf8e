import { QueryTypes } from 'sequelize';
import type { CoreDeps } from '../deps.ts';

/** Turns planned-works notices on or off for a subscriber; emergencies, updates of them and restorations stay on. */
export async function setPlannedOutageNotices(deps: Pick<CoreDeps, 'db'>, subscriberId: number, on: boolean): Promise<void> {
  await deps.db.sequelize.query(
    on
      ? 'DELETE FROM outage_planned_optouts WHERE subscriber_id = :subscriberId'
      : 'INSERT INTO outage_planned_optouts (subscriber_id) VALUES (:subscriberId) ON CONFLICT DO NOTHING',
    { replacements: { subscriberId } },
  );
}

/** Whether the subscriber gets planned-works notices (on unless turned off). */
export async function plannedOutageNoticesOn(deps: Pick<CoreDeps, 'db'>, subscriberId: number): Promise<boolean> {
  const rows = await deps.db.sequelize.query('SELECT 1 FROM outage_planned_optouts WHERE subscriber_id = :subscriberId', {
    replacements: { subscriberId },
    type: QueryTypes.SELECT,
  });
  return rows.length === 0;
}
