import type { OutgoingAction } from '../notifier.ts';

// Every callback_data the bot puts on inline buttons, in one place: features match on these, notices build
// buttons from them, and an old button is recognised as old rather than misread. Telegram allows 64 bytes.

export const cb = {
  consent: 'consent:yes',
  proofPayment: 'proof:payment',
  proofSurname: 'proof:surname',
  linkStart: 'link:start',
  offer: (accountId: number) => `offer:${accountId}`,
  offerPattern: /^offer:(\d+)$/,
  openAccount: (accountId: number) => `acc:open:${accountId}`,
  openAccountPattern: /^acc:open:(\d+)$/,
  unlinkAsk: (accountId: number) => `acc:unlink:${accountId}`,
  unlinkAskPattern: /^acc:unlink:(\d+)$/,
  unlinkYes: (accountId: number) => `acc:unlink-yes:${accountId}`,
  unlinkYesPattern: /^acc:unlink-yes:(\d+)$/,
  unlinkNo: 'acc:keep',
  remindersSet: (on: boolean) => `set:reminders:${on ? 'on' : 'off'}`,
  remindersSetPattern: /^set:reminders:(on|off)$/,
  changePhone: 'set:phone',
  deleteAsk: 'set:delete',
  deleteYes: 'set:delete-yes',
  deleteNo: 'set:delete-no',
  readingAccount: (accountId: number) => `rd:acc:${accountId}`,
  readingAccountPattern: /^rd:acc:(\d+)$/,
  readingMeter: (meterId: number) => `rd:meter:${meterId}`,
  readingMeterPattern: /^rd:meter:(\d+)$/,
  readingSend: 'rd:send',
  readingChange: 'rd:change',
  readingJumpYes: 'rd:jump-yes',
  readingCorrectionLetter: 'rd:fix-letter',
  letterCategory: (category: string) => `lt:cat:${category}`,
  letterCategoryPattern: /^lt:cat:([a-z-]+)$/,
  letterAccount: (accountId: number) => `lt:acc:${accountId}`,
  letterAccountPattern: /^lt:acc:(\d+)$/,
  letterNoAccount: 'lt:acc:none',
  letterPhotosDone: 'lt:photos-done',
  letterNoPhotos: 'lt:no-photos',
  letterSend: 'lt:send',
  letterChange: 'lt:change',
  openLetter: (letterId: number) => `lt:open:${letterId}`,
  openLetterPattern: /^lt:open:(\d+)$/,
} as const;

/** Buttons on messages the app starts on its own (core's OutgoingAction), the same ids Viber routes. */
export const actionData: Record<OutgoingAction, string> = {
  'readings:start': 'act:readings:start',
  'reminders:off': 'act:reminders:off',
  'letters:list': 'act:letters:list',
  menu: 'act:menu',
};
