import type { Clock } from './clock.ts';
import type { CoreSettings } from './settings.ts';
import type { Database } from '../models/database.ts';

/** What every use case of the cabinet's core is handed: no globals, so tests and bots pass their own. */
export interface CoreDeps {
  db: Database;
  clock: Clock;
  settings: CoreSettings;
}
