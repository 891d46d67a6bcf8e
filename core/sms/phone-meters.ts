import { metersOfAccounts } from '../readings/linked-meters.ts';
import type { AccountMeters, ReadingsDeps } from '../readings/types.ts';

/**
 * The accounts (with their meters) an SMS from this phone may submit readings for: those whose billing phone it
 * is, and those linked by a subscriber whose phone it is. subscribers.phone holds only a phone the messenger
 * verified as the subscriber's own (shared with its contact button: core/subscribers.ts setPhone); a contact card
 * that proves nothing is kept apart (subscribers.phone_unverified, main's migration 13), a typed number never counts.
 */
export async function accountsForPhone(deps: ReadingsDeps, phone: string): Promise<AccountMeters[]> {
  const rows = await deps.db.hot<{ id: number }>(
    `SELECT a.id FROM accounts a WHERE a.phone = $1
     UNION
     SELECT l.account_id FROM links l JOIN subscribers s ON s.id = l.subscriber_id WHERE s.phone = $1`,
    [phone],
  );
  return metersOfAccounts(deps, rows.map((row) => row.id));
}
