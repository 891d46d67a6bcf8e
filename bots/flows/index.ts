import { flowsA } from './index-a.ts';
import { flowsB } from './index-b.ts';
import { createCabinet, type Cabinet, type CabinetFlows, type FlowDeps } from './router.ts';

/** Every subscriber flow of the cabinet, as the router takes them; both channels run this one registry. */
export const cabinetFlows: CabinetFlows = {
  onboarding: flowsA.onboarding,
  start: flowsA.start,
  menu: { ...flowsA.menu, ...flowsB.menu },
  actions: { ...flowsA.actions, ...flowsB.actions },
};

/** A flow left unanswered this long is over: the next message is handled as if there had been none. */
export const FLOW_TIMEOUT_MS = 30 * 60_000;

/** The cabinet every channel runs: the registry above behind the router. */
export function cabinetOf(deps: FlowDeps): Cabinet {
  return createCabinet({ flows: cabinetFlows, deps, timeoutMs: FLOW_TIMEOUT_MS });
}
