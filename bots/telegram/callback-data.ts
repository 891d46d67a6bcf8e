import type { OutgoingAction } from '../notifier.ts';

// Every callback_data the bot puts on inline buttons, in one place. Telegram allows 64 bytes.

/** Buttons on messages the app starts on its own (core's OutgoingAction), the same ids Viber routes. */
export const actionData: Record<OutgoingAction, string> = {
  'readings:start': 'act:readings:start',
  'reminders:off': 'act:reminders:off',
  'letters:list': 'act:letters:list',
  menu: 'act:menu',
  'pay:start': 'act:pay:start',
};

const actionByData = new Map(Object.entries(actionData).map(([action, data]) => [data, action as OutgoingAction]));

/** The action a button of a message the app started stands for, or null. */
export function actionOf(data: string): OutgoingAction | null {
  return actionByData.get(data) ?? null;
}

/** A flow's choice: the number of the message that offered it (older ones are stale) and the choice's id. */
export function choiceData(prompt: number, id: string): string {
  return `f:${prompt}:${id}`;
}

const CHOICE = /^f:(\d{1,9}):(.+)$/s;

export function parseChoiceData(data: string): { prompt: number; id: string } | null {
  const match = CHOICE.exec(data);
  return match ? { prompt: Number(match[1]), id: match[2]! } : null;
}
