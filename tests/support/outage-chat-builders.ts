import { announceOutage, type OutageDraft, type OutageView } from '../../core/outages/index.ts';
import type { CoreDeps } from '../../core/deps.ts';
import { aDraft } from './outages-builders.ts';

// Outages announced through core as the staff form does, for the chat side's tests (accounts at addresses:
// outages-builders.ts anAccountAt).

let key = 0;

export async function anOutage(core: CoreDeps, draft: Partial<OutageDraft> & Pick<OutageDraft, 'targets' | 'startsAt'>): Promise<OutageView> {
  const outcome = await announceOutage(core, aDraft({ endsAt: null, ...draft }), { idempotencyKey: `test-outage-${process.pid}-${++key}`, by: 'Тест' });
  if (outcome.kind !== 'announced') throw new Error(`outage not announced: ${JSON.stringify(outcome)}`);
  return outcome.outage;
}
