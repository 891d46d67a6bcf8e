import type { Transaction } from 'sequelize';
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

export async function enqueue(
  models: Pick<Models, 'OutboxMessage'>,
  entry: OutboxEntry,
  options: { transaction: Transaction; dedupeKey?: string; at?: Date },
): Promise<void> {
  await models.OutboxMessage.create(
    {
      kind: entry.kind,
      payload: entry.payload as Record<string, unknown>,
      dedupeKey: options.dedupeKey ?? null,
      ...(options.at ? { nextAttemptAt: options.at, createdAt: options.at } : {}),
    },
    { transaction: options.transaction, ...(options.dedupeKey ? { ignoreDuplicates: true } : {}) },
  );
}
