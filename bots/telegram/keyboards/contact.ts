import { Keyboard } from 'grammy';
import { onboarding } from '../../texts/onboarding.ts';

/** Telegram's own "share my number" button: the only way a phone is taken, because Telegram vouches for it. */
export function contactKeyboard(): Keyboard {
  return new Keyboard().requestContact(onboarding.sharePhoneButton).row().text(onboarding.laterButton).resized().oneTime();
}
