import { metersOfAccounts } from '../readings/linked-meters.ts';
import type { AccountMeters, ReadingsDeps } from '../readings/types.ts';

/**
 * The accounts (with their meters) an SMS from this phone may submit readings for: those whose billing phone it
 * is, and those linked by a subscriber whose phone it is. A subscriber's phone is only ever stored from the
 * messenger's own contact sharing (core/subscribers.ts setPhone), so it is a phone that subscriber proved is
 * theirs; a number merely typed somewhere never counts.
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
