// The Ukrainian texts both bots send, word for word: plain text (no markup), so Viber can reuse them as they are.
export { common } from './common.ts';
export { menu, menuLayout, menuLayoutWithPay, menuLabels, commands, menuTexts, type MenuItem } from './menu.ts';
export { onboarding } from './onboarding.ts';
export { linking } from './linking.ts';
export { accounts } from './accounts.ts';
export { settings } from './settings.ts';
export { help } from './help.ts';
export * as format from './format.ts';
export { readings } from './readings.ts';
export { letters } from './letters.ts';
