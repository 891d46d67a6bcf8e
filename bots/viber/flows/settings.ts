import { eraseSubscriber, setPhone, setReminders, type SubscriberView } from '../../../core/subscribers.ts';
import { common } from '../../texts/common.ts';
import { linking } from '../../texts/linking.ts';
import { onboarding } from '../../texts/onboarding.ts';
import { settings } from '../../texts/settings.ts';
import { choicesKeyboard, sharePhoneKeyboard } from '../keyboards.ts';
import type { FlowState } from '../state-store.ts';
import { viberTexts } from '../texts-viber.ts';
import { keyboard, pressed, stateOf, unexpected } from './flow-kit.ts';
import { ONBOARDING } from './onboarding.ts';
import { textOf, type FlowHandler, type Turn } from './types.ts';

// Settings: reminders on and off, a new phone through the share-phone button (Viber Desktop sends none: the
// subscriber is told), and erasing one's data after a confirmation.

export const SETTINGS = 'settings';

const at = (step: string) => stateOf(SETTINGS, step);

const settingsKeyboard = (s: Pick<SubscriberView, 'remindersEnabled'>) =>
  keyboard([[settings.remindersToggle(s.remindersEnabled)], [settings.changePhoneButton], [settings.deleteDataButton]], common.back);
const deleteKeyboard = () => keyboard([[settings.confirmDeleteButton], [settings.keepDataButton]]);
const phoneKeyboard = () => sharePhoneKeyboard({ label: onboarding.laterButton });

export const settingsButtons = [
  settings.remindersToggle(true),
  settings.remindersToggle(false),
  settings.changePhoneButton,
  settings.deleteDataButton,
  settings.confirmDeleteButton,
];

export async function startSettings(turn: Turn, before = '', subscriber: SubscriberView = turn.subscriber): Promise<FlowState> {
  await turn.say(`${before}${settings.header(subscriber)}`, settingsKeyboard(subscriber));
  return at('menu');
}

async function askPhone(turn: Turn, before = ''): Promise<FlowState> {
  await turn.say(`${before}${viberTexts.askNewPhone}\n\n${viberTexts.desktopPhoneHint}`, phoneKeyboard());
  return at('phone');
}

async function phoneStep(turn: Turn, state: FlowState, input: Parameters<FlowHandler>[2]): Promise<FlowState | null> {
  if (input.kind === 'contact') {
    if (!input.phone) return turn.showMenu(viberTexts.contactWithoutPhone);
    const outcome = await setPhone(turn.core, turn.subscriber.id, input.phone);
    if (outcome.kind === 'invalid-phone') return askPhone(turn, `${onboarding.invalidPhone}\n\n`);
    if (outcome.offers.length === 0) return turn.showMenu(onboarding.phoneSaved);
    // The accounts billing knows under the new phone: the same one-press offers onboarding makes, handled there.
    const offers = outcome.offers;
    await turn.say(
      `${onboarding.phoneSaved}\n\n${linking.offersFound(offers.length)}`,
      choicesKeyboard([
        ...offers.map((o) => ({ label: linking.offerButton(o.number, o.address) })),
        { label: linking.otherAccountButton },
        { label: onboarding.laterButton },
      ]),
    );
    return { flow: ONBOARDING, step: 'offers', data: { offers } };
  }
  const text = textOf(input);
  if (pressed(text, onboarding.laterButton)) return turn.showMenu(viberTexts.phoneUnchanged);
  const hint = text === null ? common.notUnderstoodMedia : onboarding.usePhoneButton;
  await turn.say(`${hint}\n\n${viberTexts.desktopPhoneHint}`, phoneKeyboard());
  return state;
}

export const settingsFlow: FlowHandler = async (turn, state, input) => {
  const text = textOf(input);
  switch (state.step) {
    case 'menu': {
      if (pressed(text, common.back)) return turn.showMenu();
      // The label says what the press does, so a second press of an old keyboard does the same, not the opposite.
      const turnOff = pressed(text, settings.remindersToggle(true));
      if (turnOff || pressed(text, settings.remindersToggle(false))) {
        const updated = await setReminders(turn.core, turn.subscriber.id, !turnOff);
        return startSettings(turn, `${turnOff ? settings.remindersOff : settings.remindersOn}\n\n`, updated);
      }
      if (pressed(text, settings.changePhoneButton)) return askPhone(turn);
      if (pressed(text, settings.deleteDataButton)) {
        await turn.say(settings.confirmDelete, deleteKeyboard());
        return at('delete');
      }
      return unexpected(turn, state, input, settingsKeyboard(turn.subscriber));
    }
    case 'phone':
      return phoneStep(turn, state, input);
    case 'delete': {
      if (pressed(text, settings.keepDataButton)) return turn.showMenu(settings.notDeleted);
      if (!pressed(text, settings.confirmDeleteButton)) return unexpected(turn, state, input, deleteKeyboard());
      await eraseSubscriber(turn.core, turn.subscriber.id);
      // Null ends the flow: the state store clears this chat's flow row with the erasure.
      await turn.say(viberTexts.deleted, choicesKeyboard([{ label: viberTexts.startButton }]));
      return null;
    }
  }
  return turn.showMenu(common.staleButton);
};
