import { InlineKeyboard } from 'grammy';
import { listLinkedAccounts } from '../../../core/accounts/index.ts';
import type { CoreDeps } from '../../../core/accounts/types.ts';
import type { StaffLetter } from '../../../core/letters/index.ts';
import { staff, type CardAccount } from '../../texts/staff.ts';

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

export async function letterCard(core: CoreDeps, letter: StaffLetter): Promise<{ text: string; keyboard: InlineKeyboard | undefined }> {
  const text = staff.letterCard(
    {
      number: letter.number,
      category: letter.category,
      status: letter.status,
      channel: letter.channel,
      createdAt: letter.createdAt,
      subscriber: letter.subscriber ? { name: letter.subscriber.name, phone: letter.subscriber.phone } : null,
      accounts: await cardAccounts(core, letter),
      correction: letter.correction,
      text: letter.text,
      photos: letter.attachments.length,
      closedBy: letter.closedBy,
    },
    core.settings.timeZone,
  );
  return { text, keyboard: letterKeyboard(letter) };
}

/** Telegram takes at most 4096 characters a message: long texts go in several, split at line ends. */
export function chunks(text: string, max = 4000): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const pieces = line.length > max ? line.match(new RegExp(`[\\s\\S]{1,${max}}`, 'g')) ?? [] : [line];
    for (const piece of pieces) {
      if (current.length + piece.length + 1 > max && current !== '') {
        out.push(current);
        current = '';
      }
      current = current === '' ? piece : `${current}\n${piece}`;
    }
  }
  if (current.trim() !== '') out.push(current);
  return out;
}
