import { accountsFeature } from './accounts.ts';
import type { TelegramFeature } from './feature.ts';
import { helpFeature } from './help.ts';
import { lettersFeature } from './letters.ts';
import { linkingFeature } from './linking.ts';
import { onboardingFeature } from './onboarding.ts';
import { readingsFeature } from './readings.ts';
import { settingsFeature } from './settings.ts';

/**
 * Every feature of the Telegram bot, in the order their handlers run. A new flow is one line here: e.g.
 * `readingsFeature` (features/readings.ts) and `lettersFeature` (features/letters.ts) take their menu labels
 * from bots/texts/menu.ts and their action buttons from callback-data.ts.
 */
export const features: readonly TelegramFeature[] = [
  onboardingFeature, linkingFeature, accountsFeature, readingsFeature, lettersFeature, settingsFeature, helpFeature,
];

export type { TelegramFeature } from './feature.ts';
