import { QueryTypes, type Transaction } from 'sequelize';
import type { Models } from '../models/models.ts';

/**
 * What core asks the app to deliver later. Written in the same transaction as the change that caused it,
 * delivered by the dispatcher in bots/ (each kind to its channel), retried until it goes through, once.
 */
export type OutboxEntry =
  /** Another subscriber linked an account this subscriber already has. */
  | { kind: 'account-linked'; payload: { subscriberId: number; accountNumber: string; address: string } }
  /** A new letter for the staff group. */
  | { kind: 'letter-to-staff'; payload: { letterId: number } }
  /** A staff answer for the subscriber who wrote the letter. */
  | { kind: 'staff-answer'; payload: { letterId: number; letterMessageId: number; subscriberId: number } }
  | { kind: 'letter-closed'; payload: { letterId: number; subscriberId: number } }
  | { kind: 'reading-corrected'; payload: { letterId: number; subscriberId: number; meterSerial: string; value: number } }
  /** The reply to an SMS (bots/sms): already worded, sent from the instance holding the SMPP bind. */
  | { kind: 'sms-reply'; payload: { inboxId: number; phone: string; text: string } }
  /** Too many failed ownership proofs in all within an hour. */
  | { kind: 'security-alert'; payload: { failures: number; sinceIso: string } }
  /** The receipt for an online payment just recorded, for the subscriber who ordered it. */
  | { kind: 'payment-receipt'; payload: { orderId: string; subscriberId: number } }
  /** Something about online payments staff must look at (core/payments). */
  | { kind: 'payment-alert'; payload: PaymentAlert };

export type PaymentAlert =
  /** A provider reported another amount or currency than the order's: kept, not credited. */
  | {
      reason: 'amount-mismatch';
      orderId: string;
      accountNumber: string;
      expectedKop: number;
      reportedKop: number | null;
      reportedCurrency: string | null;
    }
  /** Many payment callbacks with a bad signature within the hour. */
  | { reason: 'forged-callbacks'; count: number; sinceIso: string };

export type OutboxKind = OutboxEntry['kind'];
export type OutboxPayload<K extends OutboxKind> = Extract<OutboxEntry, { kind: K }>['payload'];

/** `already-queued`: an entry with this dedupeKey exists (queued before, by this change or a repeat of it). */
export type EnqueueOutcome = 'queued' | 'already-queued';

export async function enqueue(
  models: Pick<Models, 'OutboxMessage'>,
  entry: OutboxEntry,
  options: { transaction: Transaction; dedupeKey?: string; at?: Date },
): Promise<EnqueueOutcome> {
  // Sequelize's create with ignoreDuplicates throws EmptyResultError when the conflict leaves nothing to
  // return: the insert is written here so that a repeat is an outcome, not an error.
  const at = options.at ?? null;
  const inserted = await models.OutboxMessage.sequelize!.query(
    `INSERT INTO outbox (kind, payload, dedupe_key, next_attempt_at, created_at)
     VALUES (:kind, CAST(:payload AS jsonb), :dedupeKey, COALESCE(CAST(:at AS timestamptz), now()), COALESCE(CAST(:at AS timestamptz), now()))
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    {
      replacements: { kind: entry.kind, payload: JSON.stringify(entry.payload), dedupeKey: options.dedupeKey ?? null, at },
      type: QueryTypes.SELECT,
      transaction: options.transaction,
    },
  );
  return inserted.length > 0 ? 'queued' : 'already-queued';
}
