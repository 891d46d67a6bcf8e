import { accountsFlow } from './accounts.ts';
import { helpFlow, menuFlow } from './help.ts';
import { linkAccountFlow } from './link-account.ts';
import { onboardingFlow } from './onboarding.ts';
import type { Flow } from './router.ts';
import { remindersOffFlow, settingsFlow } from './settings.ts';
import { startCommandFlow } from './start.ts';

// The flows of onboarding, accounts, settings and help, for the registry the router is built with
// (CabinetFlows): the lead assembles them with the readings and letters flows.

export { accountsFlow, helpFlow, linkAccountFlow, menuFlow, onboardingFlow, remindersOffFlow, settingsFlow, startCommandFlow };

export const flowsA = {
  onboarding: onboardingFlow,
  start: startCommandFlow,
  menu: { accounts: accountsFlow, addAccount: linkAccountFlow, settings: settingsFlow, help: helpFlow },
  actions: { 'reminders:off': remindersOffFlow, menu: menuFlow },
} satisfies {
  onboarding: Flow<any>;
  start: Flow<any>;
  menu: Record<string, Flow<null>>;
  actions: Record<string, Flow<null>>;
};
