import type { Clock } from '../clock.ts';
import type { emergencyForAccount } from '../outages/index.ts';
import type { CoreSettings } from '../settings.ts';
import type { Database } from '../../models/database.ts';
import type { Attachment, Channel, LetterCategory, LetterStatus, ReadingCorrection } from '../../models/models.ts';

export type { CoreDeps as LettersDeps } from '../deps.ts';

export const LETTER_TEXT_MAX = 4000;
export const LETTER_ATTACHMENTS_MAX = 10;
/** How many of a subscriber's letters «Мої листи» lists, newest first: older ones are rarely looked for in a chat. */
export const LETTERS_LIST_LENGTH = 10;

export const letterCategories: readonly LetterCategory[] = [
  'question',
  'data-correction',
  'reading-correction',
  'emergency',
  'service-request',
];

export type TextRefusal =
  | { kind: 'empty' }
  | { kind: 'too-long'; max: number; /** The text's length by the same rule (letterLength). */ length: number }
  | { kind: 'too-many-attachments'; max: number };

export interface WriteLetterInput {
  subscriberId: number;
  /** The account the letter is about; must be one the subscriber linked. */
  accountId?: number | null;
  category: LetterCategory;
  text: string;
  attachments: Attachment[];
  /** Only for 'reading-correction': the refused value, as submitReading handed it back. */
  correction?: ReadingCorrection | null;
  /**
   * The same on every replay of the action that sends the letter (a flow step's key): a second request with it
   * stores nothing and answers with the letter already stored. Kept under a unique constraint.
   */
  idempotencyKey?: string | null;
}

/** An emergency outage announced at the address an emergency letter is about (core/outages). */
export type KnownEmergency = NonNullable<Awaited<ReturnType<typeof emergencyForAccount>>>;

export type WriteLetterOutcome =
  /**
   * `alreadyStored`: this idempotency key had stored the letter before; nothing was stored this time.
   * `knownEmergency`: for an emergency letter, the emergency already announced at its address, which answers it.
   */
  | { kind: 'stored'; letterId: number; number: number; alreadyStored: boolean; knownEmergency?: KnownEmergency | null }
  | TextRefusal
  | { kind: 'not-linked' };

export interface LetterMessageView {
  id: number;
  author: 'subscriber' | 'staff';
  text: string;
  attachments: Attachment[];
  createdAt: string;
}

/** A letter as its writer sees it: never internal notes, never who on the staff wrote what. */
export interface SubscriberLetter {
  letterId: number;
  number: number;
  category: LetterCategory;
  text: string;
  attachments: Attachment[];
  status: LetterStatus;
  accountNumber: string | null;
  createdAt: string;
  answeredAt: string | null;
  closedAt: string | null;
  messages: LetterMessageView[];
  /**
   * Whether staff have answered it (a staff message exists). "No answer yet" means exactly `!answered`, in the
   * list and in the letter's history alike.
   */
  answered: boolean;
  /** The newest staff answer, for the list. */
  lastAnswer: LetterMessageView | null;
}

export interface StaffLetterMessage {
  id: number;
  author: 'subscriber' | 'staff' | 'note';
  staffName: string | null;
  text: string;
  attachments: Attachment[];
  createdAt: string;
}

export interface StaffLetter {
  letterId: number;
  number: number;
  channel: Channel;
  category: LetterCategory;
  text: string;
  attachments: Attachment[];
  correction: ReadingCorrection | null;
  status: LetterStatus;
  createdAt: string;
  answeredAt: string | null;
  closedAt: string | null;
  closedBy: string | null;
  /** Null when the subscriber erased their data. */
  subscriber: { subscriberId: number; channel: Channel; name: string; phone: string | null } | null;
  account: { accountId: number; number: string; address: string; balanceKop: number } | null;
  messages: StaffLetterMessage[];
}

export interface OpenLetterSummary {
  letterId: number;
  number: number;
  channel: Channel;
  category: LetterCategory;
  status: LetterStatus;
  text: string;
  accountNumber: string | null;
  createdAt: string;
  subscriberGone: boolean;
}

export type AnswerLetterOutcome =
  | { kind: 'answered'; letterMessageId: number }
  | { kind: 'not-found' }
  | { kind: 'subscriber-gone' }
  | TextRefusal;

export type AddNoteOutcome = { kind: 'noted'; letterMessageId: number } | { kind: 'not-found' } | TextRefusal;

export type CloseLetterOutcome = { kind: 'closed' } | { kind: 'already-closed' } | { kind: 'not-found' };
