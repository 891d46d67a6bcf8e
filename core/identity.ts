import { createHash, randomBytes } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Channel } from '../models/models.ts';
import { recordAttempt } from './accounts/limits.ts';
import { insertLink, lockSubscriber } from './accounts/links.ts';
import { accountSummaries } from './accounts/summaries.ts';
import type { AccountSummary, CoreDeps } from './accounts/types.ts';

// One identity across channels. A subscriber who uses both messengers links their second chat with a one-time
// code made in the first, instead of proving each account again. The evidence is possession of the code: it
// is shown only inside the first chat, lives a few minutes and works once. A phone number is not evidence here
// (on Viber a contact message cannot be told apart from a forwarded address-book card).
//
// Only a hash of the code is stored, so a database reader cannot use a live one. The redeemed rows are the
// record of which chats are the same person (otherChannels); erasing either chat deletes them.

/** How long a code works: long enough to switch apps, short enough that a code seen over a shoulder is dead. */
export const CHANNEL_LINK_CODE_TTL_MS = 10 * 60_000;

const PREFIX = 'link_';
// 15 random bytes: 20 base64url characters. Telegram's start payload takes [A-Za-z0-9_-]{1,64}, Viber's
// context any short string: the same code travels in both deep links.
const CODE_PATTERN = /^link_[A-Za-z0-9_-]{20}$/;

/** Whether a /start payload (or Viber context) is a channel-link code, by its shape only. */
export function isChannelLinkCode(payload: string | null | undefined): payload is string {
  return typeof payload === 'string' && CODE_PATTERN.test(payload);
}

const hashOf = (code: string) => createHash('sha256').update(code).digest('hex');

export type IssueOutcome =
  | { kind: 'issued'; code: string; expiresAt: string }
  /** Nothing to carry over: the other chat would gain nothing. */
  | { kind: 'no-accounts' };

export async function issueChannelLinkCode(deps: CoreDeps, subscriberId: number): Promise<IssueOutcome> {
  return deps.db.sequelize.transaction(async (transaction) => {
    await lockSubscriber(deps, transaction, subscriberId);
    const [links] = await deps.db.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM links WHERE subscriber_id = :subscriberId`, {
      replacements: { subscriberId },
      type: QueryTypes.SELECT,
      transaction,
    });
    if ((links?.n ?? 0) === 0) return { kind: 'no-accounts' } as const;
    const now = deps.clock.now();
    const expiresAt = new Date(now.getTime() + CHANNEL_LINK_CODE_TTL_MS);
    // A new code retires the unused ones made before: only the latest link shown works.
    await deps.db.sequelize.query(`DELETE FROM channel_link_codes WHERE subscriber_id = :subscriberId AND used_at IS NULL`, {
      replacements: { subscriberId },
      transaction,
    });
    const code = PREFIX + randomBytes(15).toString('base64url');
    await deps.db.sequelize.query(
      `INSERT INTO channel_link_codes (code_hash, subscriber_id, created_at, expires_at) VALUES (:hash, :subscriberId, :now, :expiresAt)`,
      { replacements: { hash: hashOf(code), subscriberId, now, expiresAt }, transaction },
    );
    return { kind: 'issued', code, expiresAt: expiresAt.toISOString() } as const;
  });
}

/** Why a code cannot be used; `unknown` also covers a mistyped or erased one. */
export type CodeRefusal =
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'used' }
  /** Opened on the channel it was made on (the link is for the other messenger). */
  | { kind: 'same-channel' };

export type CodeOffer = { kind: 'offer'; fromChannel: Channel; accounts: { accountId: number; number: string; address: string }[] } | CodeRefusal;

interface CodeRow {
  subscriber_id: number;
  channel: Channel;
  expires_at: Date;
  used_at: Date | null;
}

async function findCode(deps: CoreDeps, code: string, transaction: Transaction, forUpdate: boolean): Promise<CodeRow | null> {
  const [row] = await deps.db.sequelize.query<CodeRow>(
    `SELECT c.subscriber_id, s.channel, c.expires_at, c.used_at
       FROM channel_link_codes c JOIN subscribers s ON s.id = c.subscriber_id
      WHERE c.code_hash = :hash ${forUpdate ? 'FOR UPDATE OF c' : ''}`,
    { replacements: { hash: hashOf(code) }, type: QueryTypes.SELECT, transaction },
  );
  return row ?? null;
}

function refusal(row: CodeRow | null, me: { channel: Channel }, now: Date): CodeRefusal | null {
  if (!row) return { kind: 'unknown' };
  if (row.used_at !== null) return { kind: 'used' };
  if (new Date(row.expires_at).getTime() <= now.getTime()) return { kind: 'expired' };
  if (row.channel === me.channel) return { kind: 'same-channel' };
  return null;
}

async function linkedAccountIds(deps: CoreDeps, subscriberId: number, transaction: Transaction): Promise<number[]> {
  const rows = await deps.db.sequelize.query<{ account_id: number }>(
    `SELECT account_id FROM links WHERE subscriber_id = :subscriberId ORDER BY created_at, account_id`,
    { replacements: { subscriberId }, type: QueryTypes.SELECT, transaction },
  );
  return rows.map((r) => r.account_id);
}

/** What opening the code in this chat would link, without using it. */
export async function inspectChannelLinkCode(deps: CoreDeps, request: { subscriberId: number; code: string }): Promise<CodeOffer> {
  if (!isChannelLinkCode(request.code)) return { kind: 'unknown' };
  return deps.db.sequelize.transaction(async (transaction): Promise<CodeOffer> => {
    const me = await lockSubscriber(deps, transaction, request.subscriberId);
    const row = await findCode(deps, request.code, transaction, false);
    const refused = refusal(row, me, deps.clock.now());
    if (refused) return refused;
    const summaries = await accountSummaries(deps.db, await linkedAccountIds(deps, row!.subscriber_id, transaction), transaction);
    return {
      kind: 'offer',
      fromChannel: row!.channel,
      accounts: summaries.map((a) => ({ accountId: a.accountId, number: a.number, address: a.address })),
    };
  });
}

export type RedeemOutcome =
  | { kind: 'linked'; fromChannel: Channel; linked: AccountSummary[]; alreadyLinked: AccountSummary[] }
  | CodeRefusal;

/**
 * Uses the code: in one transaction marks it used (by a conditional UPDATE, so of two presses, on one instance
 * or two, exactly one gets it) and links this chat to every account the code's chat has linked now, with
 * method 'channel-link'. Other subscribers of those accounts are told as for any new link; the code's own chat
 * is not (it is the same person).
 */
export async function redeemChannelLinkCode(deps: CoreDeps, request: { subscriberId: number; code: string }): Promise<RedeemOutcome> {
  if (!isChannelLinkCode(request.code)) return { kind: 'unknown' };
  return deps.db.sequelize.transaction(async (transaction): Promise<RedeemOutcome> => {
    const now = deps.clock.now();
    const me = await lockSubscriber(deps, transaction, request.subscriberId);
    const row = await findCode(deps, request.code, transaction, true);
    const refused = refusal(row, me, now);
    if (refused) return refused;
    const used = await deps.db.sequelize.query<{ subscriber_id: number }>(
      `UPDATE channel_link_codes SET used_at = :now, used_by = :me
        WHERE code_hash = :hash AND used_at IS NULL AND expires_at > :now
        RETURNING subscriber_id`,
      { replacements: { now, me: me.id, hash: hashOf(request.code) }, type: QueryTypes.SELECT, transaction },
    );
    if (used.length === 0) return { kind: 'used' };
    const source = row!.subscriber_id;
    const accounts = await accountSummaries(deps.db, await linkedAccountIds(deps, source, transaction), transaction);
    const linked: AccountSummary[] = [];
    const alreadyLinked: AccountSummary[] = [];
    for (const account of accounts) {
      await recordAttempt(deps, transaction, {
        subscriberId: me.id, accountNumber: account.number, method: 'channel-link', result: 'success', limitFired: null, now,
      });
      const result = await insertLink(deps, transaction, {
        subscriberId: me.id,
        account: { id: account.accountId, number: account.number, address: account.address },
        method: 'channel-link',
        now,
        quietFor: [source],
      });
      (result.kind === 'linked' ? linked : alreadyLinked).push(account);
    }
    return { kind: 'linked', fromChannel: row!.channel, linked, alreadyLinked };
  });
}

export interface OtherChannel {
  channel: Channel;
  subscriberId: number;
  accounts: { accountId: number; number: string }[];
}

/**
 * The same person's chats on other channels (paired by a used code) and the accounts linked there: what stays
 * there when this chat unlinks an account or erases its data.
 */
export async function otherChannels(deps: CoreDeps, subscriberId: number): Promise<OtherChannel[]> {
  const rows = await deps.db.sequelize.query<{ subscriber_id: number; channel: Channel; account_id: number | null; number: string | null }>(
    `WITH twins AS (
       SELECT used_by AS id FROM channel_link_codes WHERE subscriber_id = :subscriberId AND used_by IS NOT NULL
       UNION
       SELECT subscriber_id FROM channel_link_codes WHERE used_by = :subscriberId
     )
     SELECT s.id AS subscriber_id, s.channel, a.id AS account_id, a.number
       FROM twins t JOIN subscribers s ON s.id = t.id
       LEFT JOIN links l ON l.subscriber_id = s.id
       LEFT JOIN accounts a ON a.id = l.account_id
      WHERE s.id <> :subscriberId AND s.consented_at IS NOT NULL
      ORDER BY s.id, l.created_at, a.id`,
    { replacements: { subscriberId }, type: QueryTypes.SELECT },
  );
  const byId = new Map<number, OtherChannel>();
  for (const row of rows) {
    const other = byId.get(row.subscriber_id) ?? { channel: row.channel, subscriberId: row.subscriber_id, accounts: [] };
    byId.set(row.subscriber_id, other);
    if (row.account_id !== null && row.number !== null) other.accounts.push({ accountId: row.account_id, number: row.number });
  }
  return [...byId.values()];
}
