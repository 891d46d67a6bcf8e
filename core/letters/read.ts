import { QueryTypes } from 'sequelize';
import type { Database } from '../../models/database.ts';
import type { Attachment, Channel, LetterCategory, LetterStatus, ReadingCorrection } from '../../models/models.ts';
import { LETTERS_LIST_LENGTH } from './types.ts';
import type {
  LetterMessageView,
  LettersDeps,
  OpenLetterSummary,
  StaffLetter,
  StaffLetterMessage,
  SubscriberLetter,
} from './types.ts';

interface LetterRow {
  id: number;
  subscriber_id: number | null;
  account_id: number | null;
  channel: Channel;
  category: LetterCategory;
  text: string;
  attachments: Attachment[];
  correction: ReadingCorrection | null;
  status: LetterStatus;
  created_at: Date;
  answered_at: Date | null;
  closed_at: Date | null;
  closed_by: string | null;
  account_number: string | null;
}

interface MessageRow {
  id: number;
  letter_id: number;
  author: 'subscriber' | 'staff' | 'note';
  staff_name: string | null;
  text: string;
  attachments: Attachment[];
  created_at: Date;
}

const iso = (at: Date | null): string | null => (at === null ? null : new Date(at).toISOString());

const letterColumns = `l.id, l.subscriber_id, l.account_id, l.channel, l.category, l.text, l.attachments, l.correction,
  l.status, l.created_at, l.answered_at, l.closed_at, l.closed_by, a.number AS account_number`;

async function messagesOf(
  db: Database,
  letterIds: number[],
  options: { withNotes: boolean },
): Promise<Map<number, MessageRow[]>> {
  const byLetter = new Map<number, MessageRow[]>();
  if (letterIds.length === 0) return byLetter;
  const rows = await db.sequelize.query<MessageRow>(
    `SELECT id, letter_id, author, staff_name, text, attachments, created_at FROM letter_messages
      WHERE letter_id IN (:letterIds) ${options.withNotes ? '' : `AND author <> 'note'`}
      ORDER BY created_at, id`,
    { replacements: { letterIds }, type: QueryTypes.SELECT },
  );
  for (const row of rows) {
    const list = byLetter.get(row.letter_id) ?? [];
    list.push(row);
    byLetter.set(row.letter_id, list);
  }
  return byLetter;
}

function forSubscriber(row: LetterRow, messages: MessageRow[]): SubscriberLetter {
  // Internal notes stay with staff whatever the caller asked for.
  const shown: LetterMessageView[] = messages
    .filter((m): m is MessageRow & { author: 'subscriber' | 'staff' } => m.author !== 'note')
    .map((m) => ({ id: m.id, author: m.author, text: m.text, attachments: m.attachments, createdAt: iso(m.created_at)! }));
  const answers = shown.filter((m) => m.author === 'staff');
  return {
    letterId: row.id,
    number: row.id,
    category: row.category,
    text: row.text,
    attachments: row.attachments,
    status: row.status,
    accountNumber: row.account_number,
    createdAt: iso(row.created_at)!,
    answeredAt: iso(row.answered_at),
    closedAt: iso(row.closed_at),
    messages: shown,
    answered: answers.length > 0,
    lastAnswer: answers.at(-1) ?? null,
  };
}

/** The subscriber's letters, newest first, with the answers they got. */
export async function listLetters(
  deps: LettersDeps,
  subscriberId: number,
  options: { limit?: number } = {},
): Promise<SubscriberLetter[]> {
  const { db } = deps;
  const rows = await db.sequelize.query<LetterRow>(
    `SELECT ${letterColumns} FROM letters l LEFT JOIN accounts a ON a.id = l.account_id
      WHERE l.subscriber_id = :subscriberId
      ORDER BY l.created_at DESC, l.id DESC
      LIMIT :limit`,
    { replacements: { subscriberId, limit: options.limit ?? LETTERS_LIST_LENGTH }, type: QueryTypes.SELECT },
  );
  const messages = await messagesOf(db, rows.map((r) => r.id), { withNotes: false });
  return rows.map((row) => forSubscriber(row, messages.get(row.id) ?? []));
}

export async function getLetterForSubscriber(
  deps: LettersDeps,
  input: { subscriberId: number; letterId: number },
): Promise<{ kind: 'found'; letter: SubscriberLetter } | { kind: 'not-found' }> {
  const { db } = deps;
  const [row] = await db.sequelize.query<LetterRow>(
    `SELECT ${letterColumns} FROM letters l LEFT JOIN accounts a ON a.id = l.account_id
      WHERE l.id = :letterId AND l.subscriber_id = :subscriberId`,
    { replacements: input, type: QueryTypes.SELECT },
  );
  if (!row) return { kind: 'not-found' };
  const messages = await messagesOf(db, [row.id], { withNotes: false });
  return { kind: 'found', letter: forSubscriber(row, messages.get(row.id) ?? []) };
}

/** Letters still waiting for staff (new or answered but not closed), oldest first. */
export async function openLetters(deps: LettersDeps, options: { limit?: number } = {}): Promise<OpenLetterSummary[]> {
  const rows = await deps.db.sequelize.query<LetterRow>(
    `SELECT ${letterColumns} FROM letters l LEFT JOIN accounts a ON a.id = l.account_id
      WHERE l.status <> 'closed'
      ORDER BY l.created_at, l.id
      LIMIT :limit`,
    { replacements: { limit: options.limit ?? 100 }, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({
    letterId: row.id,
    number: row.id,
    channel: row.channel,
    category: row.category,
    status: row.status,
    text: row.text,
    accountNumber: row.account_number,
    createdAt: iso(row.created_at)!,
    subscriberGone: row.subscriber_id === null,
  }));
}

export async function getLetterForStaff(deps: LettersDeps, letterId: number): Promise<StaffLetter | null> {
  const { db } = deps;
  const [row] = await db.sequelize.query<
    LetterRow & {
      subscriber_channel: Channel | null;
      subscriber_name: string | null;
      subscriber_phone: string | null;
      account_address: string | null;
      account_balance_kop: number | null;
    }
  >(
    `SELECT ${letterColumns}, s.channel AS subscriber_channel, s.name AS subscriber_name, s.phone AS subscriber_phone,
            a.address AS account_address, a.balance_kop AS account_balance_kop
       FROM letters l
       LEFT JOIN accounts a ON a.id = l.account_id
       LEFT JOIN subscribers s ON s.id = l.subscriber_id
      WHERE l.id = :letterId`,
    { replacements: { letterId }, type: QueryTypes.SELECT },
  );
  if (!row) return null;
  const messages = (await messagesOf(db, [row.id], { withNotes: true })).get(row.id) ?? [];
  return {
    letterId: row.id,
    number: row.id,
    channel: row.channel,
    category: row.category,
    text: row.text,
    attachments: row.attachments,
    correction: row.correction,
    status: row.status,
    createdAt: iso(row.created_at)!,
    answeredAt: iso(row.answered_at),
    closedAt: iso(row.closed_at),
    closedBy: row.closed_by,
    subscriber:
      row.subscriber_id === null
        ? null
        : { subscriberId: row.subscriber_id, channel: row.subscriber_channel!, name: row.subscriber_name!, phone: row.subscriber_phone },
    account:
      row.account_id === null
        ? null
        : { accountId: row.account_id, number: row.account_number!, address: row.account_address!, balanceKop: row.account_balance_kop! },
    messages: messages.map(
      (m): StaffLetterMessage => ({
        id: m.id,
        author: m.author,
        staffName: m.staff_name,
        text: m.text,
        attachments: m.attachments,
        createdAt: iso(m.created_at)!,
      }),
    ),
  };
}
