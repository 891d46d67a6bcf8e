import { FixedClock } from '../../../core/clock.ts';
import { defaultCoreSettings, type ProofLimits } from '../../../core/settings.ts';
import type { CoreDeps } from '../../../core/accounts/index.ts';
import type { Database } from '../../../models/database.ts';

export interface TestDeps extends CoreDeps {
  clock: FixedClock;
}

/**
 * Deps with a clock of the test's own: limits and the burst alert count rows by time, so tests of one file
 * that start at different moments do not see each other's failures. The burst alert is out of the way unless
 * a test asks for it.
 */
export function depsAt(db: Database, at: string, limits: Partial<ProofLimits> = {}): TestDeps {
  return {
    db,
    clock: new FixedClock(new Date(at)),
    settings: {
      ...defaultCoreSettings,
      proofLimits: { ...defaultCoreSettings.proofLimits, burstAlertPerHour: 1_000_000, ...limits },
    },
  };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
