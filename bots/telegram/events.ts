import type { Context } from 'grammy';
import type { Input } from '../flows/chat.ts';
import type { Turn } from '../flows/router.ts';
import type { MenuItem } from '../texts/menu.ts';
import { actionOf, parseChoiceData } from './callback-data.ts';

// How a Telegram update becomes one of the router's events. Nothing here decides what the event does.

/** The slash commands that stand for a menu item (the same list Telegram shows, texts/menu.ts). */
const MENU_COMMANDS: Record<string, MenuItem> = {
  readings: 'readings',
  accounts: 'accounts',
  add: 'addAccount',
  letter: 'letter',
  letters: 'letters',
  settings: 'settings',
  help: 'help',
  outages: 'outages',
};

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/;

/** The router's event for a private-chat update of a person, or null for what carries none (an edited message…). */
export function eventOf(ctx: Context): Turn['event'] | null {
  const query = ctx.callbackQuery;
  if (query) {
    if (query.data === undefined) return input({ kind: 'other' });
    const action = actionOf(query.data);
    if (action) return { kind: 'intent', intent: { kind: 'action', action } };
    const choice = parseChoiceData(query.data);
    // A button of another shape is one the bot no longer makes (an old version's): it acts on nothing.
    return choice ? { kind: 'incoming', incoming: { kind: 'press', prompt: choice.prompt, id: choice.id } } : input({ kind: 'stale' });
  }
  const message = ctx.message;
  if (!message) return null;
  if (message.forward_origin !== undefined) return input({ kind: 'other', forwarded: true });
  if (message.text !== undefined) {
    const command = message.text.startsWith('/') ? COMMAND.exec(message.text) : null;
    if (!command) return message.text.startsWith('/') ? input({ kind: 'other' }) : input({ kind: 'text', text: message.text });
    const name = command[1]!.toLowerCase();
    const argument = command[2]?.trim() ?? '';
    if (name === 'start') return { kind: 'intent', intent: { kind: 'start', payload: argument === '' ? null : argument } };
    if (name === 'cancel') return { kind: 'intent', intent: { kind: 'cancel' } };
    const item = MENU_COMMANDS[name];
    return item ? { kind: 'intent', intent: { kind: 'menu-item', item } } : input({ kind: 'other' });
  }
  if (message.contact) {
    // Only a contact sent with the request_contact button carries the sender's own user id: that proves the phone.
    const verified = message.contact.user_id !== undefined && message.contact.user_id === message.from.id;
    return input({ kind: 'contact', phone: message.contact.phone_number || null, verified });
  }
  if (message.photo && message.photo.length > 0) {
    const largest = message.photo.reduce((a, b) => ((b.width * b.height >= a.width * a.height ? b : a)));
    return input({ kind: 'photo', photo: { kind: 'photo', ref: largest.file_id, channel: 'telegram' }, caption: message.caption ?? null });
  }
  return input({ kind: 'other' });
}

function input(value: Input): Turn['event'] {
  return { kind: 'input', input: value };
}
