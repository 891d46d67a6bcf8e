import { InlineKeyboard } from 'grammy';
import type { AccountOffer, AccountSummary } from '../../../core/accounts/types.ts';
import type { OutgoingMessage } from '../../notifier.ts';
import { accounts } from '../../texts/accounts.ts';
import { linking } from '../../texts/linking.ts';
import { onboarding } from '../../texts/onboarding.ts';
import { settings } from '../../texts/settings.ts';
import { actionData, cb } from '../callback-data.ts';

export const consentKeyboard = () => new InlineKeyboard().text(onboarding.consentButton, cb.consent);

export const proofKeyboard = () =>
  new InlineKeyboard().text(linking.proofPaymentButton, cb.proofPayment).row().text(linking.proofSurnameButton, cb.proofSurname);

export function offersKeyboard(offers: readonly AccountOffer[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const offer of offers) keyboard.text(linking.offerButton(offer.number, offer.address).slice(0, 60), cb.offer(offer.accountId)).row();
  return keyboard.text(linking.otherAccountButton, cb.linkStart);
}

export function accountsKeyboard(list: readonly AccountSummary[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const account of list) keyboard.text(accounts.openButton(account.number), cb.openAccount(account.accountId)).row();
  return keyboard;
}

export const accountKeyboard = (accountId: number) => new InlineKeyboard().text(accounts.unlinkButton, cb.unlinkAsk(accountId));

export const unlinkConfirmKeyboard = (accountId: number) =>
  new InlineKeyboard().text(accounts.confirmUnlinkButton, cb.unlinkYes(accountId)).text(accounts.keepButton, cb.unlinkNo);

export const settingsKeyboard = (remindersEnabled: boolean) =>
  new InlineKeyboard()
    .text(settings.remindersToggle(remindersEnabled), cb.remindersSet(!remindersEnabled))
    .row()
    .text(settings.changePhoneButton, cb.changePhone)
    .row()
    .text(settings.deleteDataButton, cb.deleteAsk);

export const deleteConfirmKeyboard = () =>
  new InlineKeyboard().text(settings.confirmDeleteButton, cb.deleteYes).text(settings.keepDataButton, cb.deleteNo);

export const retryLinkKeyboard = () => new InlineKeyboard().text(linking.tryAgainButton, cb.linkStart);

export function actionsKeyboard(actions: OutgoingMessage['actions']): InlineKeyboard | undefined {
  if (!actions || actions.length === 0) return undefined;
  const keyboard = new InlineKeyboard();
  for (const { label, action } of actions) keyboard.text(label, actionData[action]).row();
  return keyboard;
}

