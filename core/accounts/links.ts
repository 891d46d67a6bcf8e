import { QueryTypes, type Transaction } from 'sequelize';
import { localDate } from '../calendar.ts';
import { enqueue } from '../outbox.ts';
import { unbookedPaymentsOf, type UnbookedPayment } from '../payments/listings.ts';
import type { ProofMethod } from '../../models/models.ts';
import { accountSummaries } from './summaries.ts';
import type { AccountSummary, CoreDeps } from './types.ts';

/**
 * Takes the subscriber's row lock for the rest of the transaction: every link-changing use case of one
 * subscriber goes through it, so two presses of the same button or two bot instances take turns.
 * Throws when the subscriber does not exist (ids come from touchSubscriber, so that is a bug, not an outcome).
 */
export async function lockSubscriber(deps: CoreDeps, transaction: Transaction, subscriberId: number) {
  const subscriber = await deps.db.models.Subscriber.findByPk(subscriberId, { transaction, lock: transaction.LOCK.UPDATE });
  if (!subscriber) throw new Error(`No subscriber ${subscriberId}`);
  return subscriber;
}

export type LinkResult = { kind: 'linked'; noticesQueued: number } | { kind: 'already-linked' };

/**
 * Links the account; the links primary key decides a double press. Every other subscriber already linked to
 * the account is told, in the same transaction, so a stranger's link never goes unnoticed.
 */
export async function insertLink(
  deps: CoreDeps,
  transaction: Transaction,
  link: {
    subscriberId: number;
    account: { id: number; number: string; address: string };
    method: ProofMethod;
    now: Date;
    /** Subscribers not to tell: the same person's chat on another channel, whose link this one copies. */
    quietFor?: readonly number[];
  },
): Promise<LinkResult> {
  const inserted = await deps.db.sequelize.query<{ subscriber_id: number }>(
    `INSERT INTO links (subscriber_id, account_id, method, created_at)
     VALUES (:subscriberId, :accountId, :method, :now)
     ON CONFLICT (subscriber_id, account_id) DO NOTHING
     RETURNING subscriber_id`,
    {
      replacements: { subscriberId: link.subscriberId, accountId: link.account.id, method: link.method, now: link.now },
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  if (inserted.length === 0) return { kind: 'already-linked' };
  const others = await deps.db.models.Link.findAll({
    where: { accountId: link.account.id },
    order: [['subscriberId', 'ASC']],
    transaction,
  });
  let noticesQueued = 0;
  for (const other of others) {
    if (other.subscriberId === link.subscriberId || link.quietFor?.includes(other.subscriberId)) continue;
    await enqueue(
      deps.db.models,
      {
        kind: 'account-linked',
        payload: { subscriberId: other.subscriberId, accountNumber: link.account.number, address: link.account.address },
      },
      { transaction, at: link.now },
    );
    noticesQueued += 1;
  }
  return { kind: 'linked', noticesQueued };
}

/** The accounts a subscriber has linked, oldest link first. */
export async function listLinkedAccounts(deps: CoreDeps, subscriberId: number): Promise<AccountSummary[]> {
  return deps.db.sequelize.transaction(async (transaction) => {
    const links = await deps.db.models.Link.findAll({
      where: { subscriberId },
      order: [['createdAt', 'ASC'], ['accountId', 'ASC']],
      transaction,
    });
    return accountSummaries(deps.db, links.map((l) => l.accountId), transaction);
  });
}

export interface AccountDetails {
  charges: { period: string; service: string; volumeM3: string; amountKop: number }[];
  payments: { paidOn: string; amountKop: number }[];
  /** Paid online and not yet in billing's payments (or refunded): shown beside billing's payments. */
  onlinePayments: UnbookedPayment[];
  readings: { meterSerial: string; value: number; localDate: string; channel: string; kind: 'subscriber' | 'staff-correction' }[];
}

export type AccountViewOutcome =
  | ({
      kind: 'view';
      account: AccountSummary;
      /** Meters past their verification date today (Kyiv): they take no readings and are billed by norms. */
      overdueMeterIds: number[];
    } & AccountDetails)
  | { kind: 'not-linked' };

/** The rule readings apply too (core/readings/submit.ts): a meter is overdue from the day after its due date. */
export function isVerificationOverdue(due: string | null, today: string): boolean {
  return due !== null && due < today;
}

const CHARGES_SHOWN = 12;
const PAYMENTS_SHOWN = 12;
const READINGS_SHOWN = 20;

/** One linked account in full; an account the subscriber has not linked is never shown, whatever id is asked. */
export async function accountView(
  deps: CoreDeps,
  request: { subscriberId: number; accountId: number },
): Promise<AccountViewOutcome> {
  return deps.db.sequelize.transaction(async (transaction) => {
    const link = await deps.db.models.Link.findOne({ where: { subscriberId: request.subscriberId, accountId: request.accountId }, transaction });
    if (!link) return { kind: 'not-linked' } as const;
    const [account] = await accountSummaries(deps.db, [request.accountId], transaction);
    if (!account) return { kind: 'not-linked' } as const;
    const select = { type: QueryTypes.SELECT, transaction, replacements: { accountId: request.accountId } } as const;
    const charges = await deps.db.sequelize.query<{ period: string; service: string; volume_m3: string; amount_kop: number }>(
      `SELECT period, service, volume_m3, amount_kop FROM charges WHERE account_id = :accountId
        ORDER BY period DESC, service ASC LIMIT ${CHARGES_SHOWN}`,
      select,
    );
    const payments = await deps.db.sequelize.query<{ paid_on: string; amount_kop: number }>(
      `SELECT paid_on, amount_kop FROM payments WHERE account_id = :accountId
        ORDER BY paid_on DESC, amount_kop DESC LIMIT ${PAYMENTS_SHOWN}`,
      select,
    );
    const readings = await deps.db.sequelize.query<{ serial: string; value: number; local_date: string; channel: string; kind: 'subscriber' | 'staff-correction' }>(
      `SELECT m.serial, r.value, r.local_date, r.channel, r.kind
         FROM readings r JOIN meters m ON m.id = r.meter_id
        WHERE m.account_id = :accountId
        ORDER BY r.local_date DESC, r.submitted_at DESC, r.id DESC LIMIT ${READINGS_SHOWN}`,
      select,
    );
    const onlinePayments = await unbookedPaymentsOf(deps.db, { accountId: request.accountId, timeZone: deps.settings.timeZone, limit: PAYMENTS_SHOWN }, transaction);
    const today = localDate(deps.clock.now(), deps.settings.timeZone);
    return {
      kind: 'view',
      account,
      overdueMeterIds: account.meters.filter((m) => isVerificationOverdue(m.verificationDue, today)).map((m) => m.meterId),
      charges: charges.map((c) => ({ period: c.period, service: c.service, volumeM3: String(c.volume_m3), amountKop: c.amount_kop })),
      payments: payments.map((p) => ({ paidOn: p.paid_on, amountKop: p.amount_kop })),
      onlinePayments,
      readings: readings.map((r) => ({ meterSerial: r.serial, value: r.value, localDate: r.local_date, channel: r.channel, kind: r.kind })),
    } as const;
  });
}

export type UnlinkOutcome = { kind: 'unlinked' } | { kind: 'not-linked' };

export async function unlinkAccount(deps: CoreDeps, request: { subscriberId: number; accountId: number }): Promise<UnlinkOutcome> {
  const removed = await deps.db.models.Link.destroy({ where: { subscriberId: request.subscriberId, accountId: request.accountId } });
  return removed > 0 ? { kind: 'unlinked' } : { kind: 'not-linked' };
}
