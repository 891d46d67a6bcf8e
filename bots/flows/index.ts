import { accountsFlow } from './accounts.ts';
import { helpFlow, menuFlow } from './help.ts';
import { linkAccountFlow } from './link-account.ts';
import { myLettersFlow } from './my-letters.ts';
import { onboardingFlow } from './onboarding.ts';
import { payFlow } from './pay.ts';
import { outagesFlow } from './outages.ts';
import { readingsFlow } from './readings.ts';
import { createCabinet, type Cabinet, type CabinetFlows, type FlowDeps } from './router.ts';
import { remindersOffFlow, settingsFlow } from './settings.ts';
import { startCommandFlow } from './start.ts';
import { writeLetterFlow } from './write-letter.ts';

/** Every subscriber flow of the cabinet, as the router takes them; both channels run this one registry. */
export const cabinetFlows: CabinetFlows = {
  onboarding: onboardingFlow,
  start: startCommandFlow,
  menu: {
    readings: readingsFlow,
    accounts: accountsFlow,
    addAccount: linkAccountFlow,
    letter: writeLetterFlow,
    letters: myLettersFlow,
    settings: settingsFlow,
    help: helpFlow,
    pay: payFlow,
    outages: outagesFlow,
  },
  /** Buttons on messages the app started: a reminder's «Передати показники» and «Оплатити», an answer's «Мої листи». */
  actions: {
    'readings:start': readingsFlow,
    'letters:list': myLettersFlow,
    'reminders:off': remindersOffFlow,
    menu: menuFlow,
    'pay:start': payFlow,
  },
};

/** A flow left unanswered this long is over: the next message is handled as if there had been none. */
export const FLOW_TIMEOUT_MS = 30 * 60_000;

/** The cabinet every channel runs: the registry above behind the router. */
export function cabinetOf(deps: FlowDeps): Cabinet {
  return createCabinet({ flows: cabinetFlows, deps, timeoutMs: FLOW_TIMEOUT_MS });
}
