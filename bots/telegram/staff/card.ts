import { InlineKeyboard } from 'grammy';
import { listLinkedAccounts } from '../../../core/accounts/index.ts';
import type { CoreDeps } from '../../../core/accounts/types.ts';
import type { StaffLetter } from '../../../core/letters/index.ts';
import { fitText, splitText } from '../../../core/text.ts';
import { staff, type CardAccount, type LetterCardHead } from '../../texts/staff.ts';
import { MESSAGE_MAX } from '../chat-output.ts';

// Buttons on a letter's card in the staff group. Only the staff group's updates are routed to them.
export const staffCb = {
  close: (letterId: number) => `sd:close:${letterId}`,
  closePattern: /^sd:close:(\d+)$/,
  correct: (letterId: number) => `sd:fix:${letterId}`,
  correctPattern: /^sd:fix:(\d+)$/,
} as const;

/**
 * The accounts staff see with a letter: the one it is about; for a letter about none, the writer's linked
 * accounts (what staff need to find them in billing). Never anyone else's.
 */
export async function cardAccounts(core: CoreDeps, letter: StaffLetter): Promise<CardAccount[]> {
  if (letter.account) return [letter.account];
  if (!letter.subscriber) return [];
  const linked = await listLinkedAccounts(core, letter.subscriber.subscriberId);
  return linked.map((a) => ({ number: a.number, address: a.address, balanceKop: a.balanceKop }));
}

export function letterKeyboard(letter: StaffLetter): InlineKeyboard | undefined {
  if (letter.status === 'closed') return undefined;
  const keyboard = new InlineKeyboard();
  if (letter.category === 'reading-correction' && letter.correction) keyboard.text(staff.correctButton, staffCb.correct(letter.letterId));
  return keyboard.text(staff.closeButton, staffCb.close(letter.letterId));
}

/** Telegram's limit for one message's text, in UTF-16 units (one constant for the whole adapter). */
export const TELEGRAM_TEXT_MAX = MESSAGE_MAX;
/** Accounts listed on a card; the rest are counted (a subscriber may link dozens). */
export const CARD_ACCOUNTS_SHOWN = 5;
/**
 * Room kept for the card's head, footer and the "continues" line, whatever they say. Fixed, so the letter's text is
 * cut into the same pieces every time the card is drawn: an edit after a close or a delivery changes the head's
 * length, and must not move text between the card and the parts after it.
 */
export const CARD_HEAD_BUDGET = 1600;
const TEXT_PIECE_MAX = TELEGRAM_TEXT_MAX - CARD_HEAD_BUDGET;

/** A letter as it goes into the group: the card (with the buttons), then the rest of its text when it is long. */
export interface LetterCardParts {
  card: string;
  continuations: string[];
  keyboard: InlineKeyboard | undefined;
}

/** Staff see every letter whole: a text too long for one message goes on in further messages, never cut. */
export async function letterCard(
  core: CoreDeps,
  letter: StaffLetter,
  lastDelivery: LetterCardHead['lastDelivery'] = null,
): Promise<LetterCardParts> {
  const accounts = await cardAccounts(core, letter);
  const head = staff.letterCardHead(
    {
      number: letter.number,
      category: letter.category,
      status: letter.status,
      channel: letter.channel,
      createdAt: letter.createdAt,
      subscriber: letter.subscriber ? { name: letter.subscriber.name, phone: letter.subscriber.phone } : null,
      accounts: accounts.slice(0, CARD_ACCOUNTS_SHOWN),
      moreAccounts: Math.max(0, accounts.length - CARD_ACCOUNTS_SHOWN),
      correction: letter.correction,
      photos: letter.attachments.length,
      closedBy: letter.closedBy,
      lastDelivery,
    },
    core.settings.timeZone,
  );
  const pieces = splitText(letter.text, TEXT_PIECE_MAX);
  const rest = pieces.slice(1);
  const footer = [...(rest.length > 0 ? [staff.letterContinues(rest.length)] : []), staff.letterCardFooter(letter.status)].join('\n');
  // The head is bounded line by line; fitting it to its budget as well keeps the card within the limit whatever it holds.
  const card = [fitText(head, CARD_HEAD_BUDGET - footer.length - 4), '', pieces[0] ?? '', '', footer].join('\n');
  const continuations = rest.map((piece, index) => `${staff.letterContinuation(letter.number, index + 2, pieces.length)}\n\n${piece}`);
  return { card, continuations, keyboard: letterKeyboard(letter) };
}
