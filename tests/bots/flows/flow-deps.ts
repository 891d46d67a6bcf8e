import pino from 'pino';
import type { FlowDeps } from '../../../bots/flows/router.ts';
import type { Database } from '../../../models/database.ts';
import { depsAt, type TestDeps } from '../../core/accounts/helpers.ts';

/** What the flows of these tests are given: core on a clock of the test's own, a silent logger. */
export function flowDeps(db: Database, at: string, channels?: FlowDeps['channels']): FlowDeps & { core: TestDeps } {
  return { core: depsAt(db, at), logger: pino({ level: 'silent' }), ...(channels ? { channels } : {}) };
}

/** The labels of the buttons offered with a message, row by row. */
export function labels(said: { options: { choices?: readonly (readonly { label: string }[])[] } }): string[][] {
  return (said.options.choices ?? []).map((row) => row.map((c) => c.label));
}

export function ids(said: { options: { choices?: readonly (readonly { id: string }[])[] } }): string[] {
  return (said.options.choices ?? []).flat().map((c) => c.id);
}
