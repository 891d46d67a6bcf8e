import { markBlocked } from '../../core/subscribers.ts';
import type { CoreDeps } from '../../core/accounts/types.ts';
import type { Logger } from '../logger.ts';
import type { OutgoingAction, OutgoingMessage, Recipient, SubscriberNotifier } from '../notifier.ts';
import { menu, type MenuLayout } from '../texts/menu.ts';
import { splitText } from '../../core/text.ts';
import { VIBER_TEXT_MAX } from './render.ts';
import type { ViberOutgoing } from './api-types.ts';
import type { BillableSender } from './billable-sender.ts';
import { ViberApiError } from './client.ts';
import { choicesKeyboard, mainMenuKeyboard, type Choice } from './keyboards.ts';

export interface ViberNotifier extends SubscriberNotifier {
  /** False when the operator turned Viber reminders off (VIBER_REMINDERS): the reminders job skips Viber. */
  readonly acceptsReminders: boolean;
}

/** Action ids of started messages, as the Viber bot routes them (see bot.ts). */
export const ACTION_BODIES: Record<OutgoingAction, Choice> = {
  // Menu items travel as their labels, like a press of the main menu.
  'readings:start': { label: menu.readings },
  'letters:list': { label: menu.letters },
  'pay:start': { label: menu.pay },
  'reminders:off': { label: '', actionBody: 'reminders:off', silent: true },
  menu: { label: '', actionBody: 'menu', silent: true },
};

/** Renders a channel-neutral message: the text, then the photos Viber can show, the buttons under the last. */
export function renderStartedMessage(message: OutgoingMessage, logger: Logger, layout?: MenuLayout): ViberOutgoing[] {
  // A staff answer can be longer than one Viber message takes: it goes in parts, the buttons under the last.
  const parts: ViberOutgoing[] = splitText(message.text, VIBER_TEXT_MAX).map((text) => ({ type: 'text', text }));
  for (const photo of message.photos ?? []) {
    if (photo.channel !== 'viber') {
      // A Telegram file id means nothing to Viber; staff see the photo in the letter itself.
      logger.warn({ channel: photo.channel }, 'photo from another channel not sent to viber');
      continue;
    }
    parts.push({ type: 'picture', text: '', media: photo.ref });
  }
  if (message.actions && message.actions.length > 0) {
    const keyboard = choicesKeyboard(
      message.actions.map((a) => {
        const base = ACTION_BODIES[a.action];
        return { label: a.label, actionBody: base.actionBody ?? base.label, ...(base.silent ? { silent: true } : {}) };
      }),
    );
    // A Viber message's keyboard replaces the one at the bottom: the main menu follows the actions, or a
    // subscriber answered by staff would be left with «Мої листи» alone.
    const offered = new Set(keyboard.Buttons.map((b) => b.ActionBody));
    const rest = mainMenuKeyboard(layout).Buttons.filter((b) => !offered.has(b.ActionBody));
    parts[parts.length - 1] = { ...parts[parts.length - 1]!, keyboard: { ...keyboard, Buttons: [...keyboard.Buttons, ...rest] } };
  }
  return parts;
}

export function createViberNotifier(deps: {
  sender: BillableSender;
  core: CoreDeps;
  logger: Logger;
  remindersEnabled: boolean;
  /** The main menu as the cabinet offers it (cabinet.menu). */
  menu?: MenuLayout;
}): ViberNotifier {
  const { sender, core, logger } = deps;
  return {
    channel: 'viber',
    acceptsReminders: deps.remindersEnabled,
    async send(recipient: Recipient, message: OutgoingMessage) {
      if (recipient.channel !== 'viber') throw new Error(`the viber notifier got a ${recipient.channel} recipient`);
      try {
        const { messageTokens } = await sender.send(recipient.channelUserId, renderStartedMessage(message, logger, deps.menu));
        return { kind: 'delivered', messageIds: messageTokens };
      } catch (error) {
        if (error instanceof ViberApiError && error.unreachable) {
          await markBlocked(core, { channel: 'viber', channelUserId: recipient.channelUserId });
          logger.info({ viberUserId: recipient.channelUserId, status: error.status }, 'viber subscriber unreachable; marked');
          return { kind: 'unreachable', reason: 'not-subscribed' };
        }
        throw error;
      }
    },
  };
}
