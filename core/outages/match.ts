import { QueryTypes, type Transaction } from 'sequelize';
import { houseMatches } from '../addresses/houses.ts';
import { namesOfStreet, streetKey, type StreetAliases } from '../addresses/street-names.ts';
import type { OutageTarget } from '../addresses/targets.ts';
import type { Database } from '../../models/database.ts';

export interface MatchedAccounts {
  accountIds: number[];
  /** Streets of the targets that no account is on. */
  streetsNotFound: string[];
}

/**
 * The accounts at an outage's addresses: on one of the targets' streets (by any of its names, see
 * street-aliases) and, where houses are given, at one of them. Accounts whose address could not be read have no
 * street and are never matched (the accounts import listed them).
 */
export async function matchAccounts(
  db: Database,
  targets: readonly OutageTarget[],
  aliases: StreetAliases,
  transaction?: Transaction,
): Promise<MatchedAccounts> {
  const ids = new Set<number>();
  const streetsNotFound: string[] = [];
  for (const target of targets) {
    const names = namesOfStreet(streetKey(target.street, aliases), aliases);
    const rows = await db.sequelize.query<{ id: number; house_key: string | null }>(
      'SELECT id, house_key FROM accounts WHERE street_norm = ANY(ARRAY[:names]::text[])',
      { replacements: { names }, type: QueryTypes.SELECT, ...(transaction ? { transaction } : {}) },
    );
    if (rows.length === 0) streetsNotFound.push(target.street);
    for (const row of rows) if (houseMatches(target.houses, row.house_key)) ids.add(row.id);
  }
  return { accountIds: [...ids].sort((a, b) => a - b), streetsNotFound };
}
