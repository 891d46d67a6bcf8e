// The main menu both bots show everywhere, and the commands Telegram lists. A feature module that adds a
// flow (readings, letters) takes its label from here, so the menu and its handlers never drift apart.

export const menu = {
  readings: 'Передати показники',
  accounts: 'Мої рахунки',
  addAccount: 'Додати рахунок',
  letter: 'Написати листа',
  letters: 'Мої листи',
  settings: 'Налаштування',
  outages: 'Відключення',
  help: 'Допомога',
  pay: 'Оплатити',
} as const;

export type MenuItem = keyof typeof menu;

/** Rows of the persistent keyboard: which items, in what order. */
export type MenuLayout = readonly (readonly MenuItem[])[];

/** Rows of the persistent keyboard, two buttons a row where they fit on a phone. */
export const menuLayout: MenuLayout = [
  ['readings', 'accounts'],
  ['addAccount', 'letter'],
  ['letters', 'settings'],
  ['outages', 'help'],
];

/** The menu when online payment is configured: «Оплатити» beside «Передати показники». */
export const menuLayoutWithPay: MenuLayout = [
  ['readings', 'pay'],
  ['accounts', 'addAccount'],
  ['letter', 'letters'],
  ['outages', 'settings'],
  ['help'],
];

export const menuLabels: readonly string[] = menuLayout.flat().map((item) => menu[item]);

/** Slash commands with their descriptions, in the order Telegram shows them. */
export const commands = [
  { command: 'start', description: 'Почати / головне меню' },
  { command: 'readings', description: 'Передати показники лічильників' },
  { command: 'accounts', description: 'Мої особові рахунки' },
  { command: 'add', description: 'Додати особовий рахунок' },
  { command: 'letter', description: 'Написати листа до водоканалу' },
  { command: 'letters', description: 'Мої листи та відповіді' },
  { command: 'settings', description: 'Налаштування' },
  { command: 'outages', description: 'Відключення води за моїми адресами' },
  { command: 'help', description: 'Допомога' },
  { command: 'cancel', description: 'Скасувати поточну дію' },
] as const;

export const menuTexts = {
  shown: 'Головне меню. Оберіть, що потрібно зробити.',
};
