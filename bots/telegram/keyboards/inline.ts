import { InlineKeyboard } from 'grammy';
import type { OutgoingMessage } from '../../notifier.ts';
import { actionData } from '../callback-data.ts';

/** The buttons of a message the app starts on its own (a reminder's «Передати показники»): they start a flow. */
export function actionsKeyboard(actions: OutgoingMessage['actions']): InlineKeyboard | undefined {
  if (!actions || actions.length === 0) return undefined;
  const keyboard = new InlineKeyboard();
  for (const { label, action } of actions) keyboard.text(label, actionData[action]).row();
  return keyboard;
}
