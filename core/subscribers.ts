import { QueryTypes, type Transaction } from 'sequelize';
import { normalizePhone } from './parse.ts';
import { offersForPhone } from './accounts/phone.ts';
import type { AccountOffer, CoreDeps } from './accounts/types.ts';
import type { Channel, Subscriber } from '../models/models.ts';

/** A subscriber as bots see them: plain data, safe to keep in a conversation's state. */
export interface SubscriberView {
  id: number;
  channel: Channel;
  channelUserId: string;
  name: string;
  phone: string | null;
  consented: boolean;
  remindersEnabled: boolean;
  blocked: boolean;
}

/** Ids come from touchSubscriber, so an unknown one is a bug in the caller, not an outcome to show. */
export class UnknownSubscriberError extends Error {
  constructor(readonly subscriberId: number) {
    super(`No subscriber ${subscriberId}`);
    this.name = 'UnknownSubscriberError';
  }
}

export interface SubscriberRow {
  id: number;
  channel: Channel;
  channel_user_id: string;
  name: string;
  phone: string | null;
  consented_at: Date | null;
  reminders_enabled: boolean;
  blocked_at: Date | null;
}

/** A row of touchSubscriberSql's RETURNING (or of any query selecting the same columns) as bots see it. */
export function subscriberFromRow(row: SubscriberRow): SubscriberView {
  return {
    id: row.id,
    channel: row.channel,
    channelUserId: row.channel_user_id,
    name: row.name,
    phone: row.phone,
    consented: row.consented_at !== null,
    remindersEnabled: row.reminders_enabled,
    blocked: row.blocked_at !== null,
  };
}

function fromModel(subscriber: Subscriber): SubscriberView {
  return {
    id: subscriber.id,
    channel: subscriber.channel,
    channelUserId: subscriber.channelUserId,
    name: subscriber.name,
    phone: subscriber.phone,
    consented: subscriber.consentedAt !== null,
    remindersEnabled: subscriber.remindersEnabled,
    blocked: subscriber.blockedAt !== null,
  };
}

const COLUMNS = 'id, channel, channel_user_id, name, phone, consented_at, reminders_enabled, blocked_at';

/** Who wrote, as touchSubscriber takes it. */
export interface SubscriberContact {
  channel: Channel;
  channelUserId: string;
  name: string;
}

/**
 * The upsert behind touchSubscriber, for a channel that folds it into a statement of its own (the Telegram bot
 * claims a batch of updates and touches their senders in one round trip). `rows` is a query yielding
 * (channel, channel_user_id, name, at) rows, each value as touchValues gives it; without it, the four positional
 * parameters $1..$4 take touchValues. The RETURNING columns go to subscriberFromRow. One text for every path, so
 * the rules (name kept when blank, blocked mark cleared) cannot drift apart.
 */
export function touchSubscriberSql(options: { rows?: string } = {}): string {
  const rows = options.rows ?? 'VALUES ($1::text, $2::text, $3::text, $4::timestamptz)';
  return `INSERT INTO subscribers (channel, channel_user_id, name, last_inbound_at, created_at)
     SELECT channel, channel_user_id, name, at, at FROM (${rows}) AS touch(channel, channel_user_id, name, at)
     ON CONFLICT (channel, channel_user_id) DO UPDATE
       SET name = CASE WHEN EXCLUDED.name <> '' THEN EXCLUDED.name ELSE subscribers.name END,
           last_inbound_at = EXCLUDED.last_inbound_at,
           blocked_at = NULL
     RETURNING ${COLUMNS}`;
}

export function touchValues(deps: Pick<CoreDeps, 'clock'>, contact: SubscriberContact): unknown[] {
  return [contact.channel, contact.channelUserId, contact.name.trim(), deps.clock.now()];
}

/**
 * Called on every message a subscriber sends: creates them on first contact, keeps their display name fresh,
 * and un-blocks them (writing to the bot again means they unblocked it). Two instances handling the first two
 * messages at once meet on the unique (channel, channel_user_id) and end with one row.
 */
const TOUCH_SQL = touchSubscriberSql();

export async function touchSubscriber(deps: CoreDeps, contact: SubscriberContact): Promise<SubscriberView> {
  const [row] = await deps.db.hot<SubscriberRow>(TOUCH_SQL, touchValues(deps, contact));
  return subscriberFromRow(row!);
}

export async function getSubscriber(deps: CoreDeps, subscriberId: number): Promise<SubscriberView | null> {
  const subscriber = await deps.db.models.Subscriber.findByPk(subscriberId);
  return subscriber ? fromModel(subscriber) : null;
}

export async function findSubscriber(deps: CoreDeps, channel: Channel, channelUserId: string): Promise<SubscriberView | null> {
  const subscriber = await deps.db.models.Subscriber.findOne({ where: { channel, channelUserId } });
  return subscriber ? fromModel(subscriber) : null;
}

async function updateOne(
  deps: CoreDeps,
  subscriberId: number,
  setSql: string,
  replacements: Record<string, unknown>,
  transaction?: Transaction,
): Promise<SubscriberView> {
  const [row] = await deps.db.sequelize.query<SubscriberRow>(
    `UPDATE subscribers SET ${setSql} WHERE id = :subscriberId RETURNING ${COLUMNS}`,
    { replacements: { ...replacements, subscriberId }, type: QueryTypes.SELECT, ...(transaction ? { transaction } : {}) },
  );
  if (!row) throw new UnknownSubscriberError(subscriberId);
  return subscriberFromRow(row);
}

/** Consent to the processing of personal data; the first consent's time is kept. */
export async function giveConsent(deps: CoreDeps, subscriberId: number): Promise<SubscriberView> {
  return updateOne(deps, subscriberId, 'consented_at = COALESCE(consented_at, :now)', { now: deps.clock.now() });
}

/**
 * `setPhone` takes only a phone the channel verified as the sender's own (Telegram's request_contact); anything
 * else goes to keepUnverifiedPhone.
 */
export type SetPhoneOutcome = { kind: 'saved'; phone: string; offers: AccountOffer[] } | { kind: 'invalid-phone' };

/**
 * Saves the subscriber's phone, which must come from the channel's contact sharing (that is what makes it
 * verified: see core/accounts/phone.ts), and offers the accounts billing knows under that phone.
 */
export async function setPhone(deps: CoreDeps, subscriberId: number, rawPhone: string): Promise<SetPhoneOutcome> {
  const phone = normalizePhone(rawPhone);
  if (phone === null) return { kind: 'invalid-phone' };
  return deps.db.sequelize.transaction(async (transaction) => {
    // A verified phone supersedes an unverified one given before.
    await updateOne(deps, subscriberId, 'phone = :phone, phone_unverified = NULL', { phone }, transaction);
    const offers = await offersForPhone(deps.db, subscriberId, phone, transaction);
    return { kind: 'saved', phone, offers } as const;
  });
}

export type UnverifiedPhoneOutcome = { kind: 'kept'; phone: string } | { kind: 'invalid-phone' };

/**
 * Keeps a phone from a contact card the channel does not vouch for (any Viber contact, a forwarded card): staff
 * may call it, but it is no evidence of who the subscriber is, so it is never matched against billing's phones
 * (subscribers.phone, which one-tap linking trusts, is left as it was).
 */
export async function keepUnverifiedPhone(deps: CoreDeps, subscriberId: number, rawPhone: string): Promise<UnverifiedPhoneOutcome> {
  const phone = normalizePhone(rawPhone);
  if (phone === null) return { kind: 'invalid-phone' };
  await updateOne(deps, subscriberId, 'phone_unverified = :phone', { phone });
  return { kind: 'kept', phone };
}

/** «Пізніше» at the phone step: /start does not ask for the phone again (settings still can). */
export async function deferPhone(deps: CoreDeps, subscriberId: number): Promise<void> {
  await updateOne(deps, subscriberId, 'phone_deferred_at = COALESCE(phone_deferred_at, :now)', { now: deps.clock.now() });
}

/** What the subscriber flows show and decide on: plain data, safe to record in a flow's state. */
export interface SubscriberProfile {
  id: number;
  channel: Channel;
  name: string;
  consented: boolean;
  remindersEnabled: boolean;
  /** Verified as the subscriber's own by the channel: one-tap linking matches it against billing. */
  phone: string | null;
  /** From a contact card the channel does not vouch for: for staff only. */
  phoneUnverified: string | null;
  /** «Пізніше» was pressed at the phone step. */
  phoneDeferred: boolean;
}

export async function subscriberProfile(deps: CoreDeps, subscriberId: number): Promise<SubscriberProfile> {
  const [row] = await deps.db.sequelize.query<{
    id: number; channel: Channel; name: string; consented_at: Date | null; reminders_enabled: boolean;
    phone: string | null; phone_unverified: string | null; phone_deferred_at: Date | null;
  }>(
    `SELECT id, channel, name, consented_at, reminders_enabled, phone, phone_unverified, phone_deferred_at
       FROM subscribers WHERE id = :subscriberId`,
    { replacements: { subscriberId }, type: QueryTypes.SELECT },
  );
  if (!row) throw new UnknownSubscriberError(subscriberId);
  return {
    id: row.id,
    channel: row.channel,
    name: row.name,
    consented: row.consented_at !== null,
    remindersEnabled: row.reminders_enabled,
    phone: row.phone,
    phoneUnverified: row.phone_unverified,
    phoneDeferred: row.phone_deferred_at !== null,
  };
}

export async function setReminders(deps: CoreDeps, subscriberId: number, on: boolean): Promise<SubscriberView> {
  return updateOne(deps, subscriberId, 'reminders_enabled = :on', { on });
}

/**
 * The channel said the subscriber blocked the bot: stop sending until they write again (touchSubscriber
 * clears it). Returns whether such a subscriber exists; the first block time is kept.
 */
export async function markBlocked(
  deps: CoreDeps,
  who: number | { channel: Channel; channelUserId: string },
): Promise<boolean> {
  const where = typeof who === 'number' ? 'id = :id' : 'channel = :channel AND channel_user_id = :channelUserId';
  const replacements = typeof who === 'number' ? { id: who } : { channel: who.channel, channelUserId: who.channelUserId };
  const rows = await deps.db.sequelize.query<{ id: number }>(
    `UPDATE subscribers SET blocked_at = COALESCE(blocked_at, :now) WHERE ${where} RETURNING id`,
    { replacements: { ...replacements, now: deps.clock.now() }, type: QueryTypes.SELECT },
  );
  return rows.length > 0;
}

export interface EraseOutcome {
  kind: 'erased';
  unlinkedAccounts: number;
}

/**
 * "Forget me". What is erased, in one transaction:
 *  - every link to an account (so nothing of any account is shown to this chat any more);
 *  - the subscriber's name, phones (verified or not) and consent (the next /start asks for consent afresh),
 *    reminders reset to the default, the "phone later" mark, the pairing with their chat on another channel
 *    (whose own links and data stay: that chat is erased from there);
 *  - pending "someone else linked your account" notices addressed to them (about accounts no longer theirs).
 * What stays, because the utility needs it or it protects others:
 *  - the row itself with its channel and channel user id: the bare address of the chat, which every message
 *    from it carries anyway, and which keeps readings, letters and proof attempts pointing at one sender;
 *  - readings (billing used them), letters and their messages (the utility's records of what was asked and
 *    answered; the text is what the subscriber wrote, kept as correspondence);
 *  - ownership attempts and locks: otherwise erasing would be a way to reset the brute-force limits.
 */
export async function eraseSubscriber(deps: CoreDeps, subscriberId: number): Promise<EraseOutcome> {
  return deps.db.sequelize.transaction(async (transaction) => {
    const subscriber = await deps.db.models.Subscriber.findByPk(subscriberId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!subscriber) throw new UnknownSubscriberError(subscriberId);
    const unlinkedAccounts = await deps.db.models.Link.destroy({ where: { subscriberId }, transaction });
    await deps.db.sequelize.query(
      `DELETE FROM outbox WHERE status = 'pending' AND kind = 'account-linked' AND payload->>'subscriberId' = :subscriberId`,
      { replacements: { subscriberId: String(subscriberId) }, transaction },
    );
    // The pairing with the same person's chat on another channel goes too (core/identity): it is personal data.
    await deps.db.sequelize.query(`DELETE FROM channel_link_codes WHERE subscriber_id = :subscriberId OR used_by = :subscriberId`, {
      replacements: { subscriberId },
      transaction,
    });
    await updateOne(
      deps,
      subscriberId,
      `name = '', phone = NULL, phone_unverified = NULL, phone_deferred_at = NULL, consented_at = NULL, reminders_enabled = true`,
      {},
      transaction,
    );
    return { kind: 'erased', unlinkedAccounts } as const;
  });
}
