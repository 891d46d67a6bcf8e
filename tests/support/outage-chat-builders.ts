import { addressColumns, parseAddress } from '../../core/addresses/index.ts';
import { announceOutage, type OutageDraft, type OutageView } from '../../core/outages/index.ts';
import type { CoreDeps } from '../../core/deps.ts';
import type { Database } from '../../models/database.ts';
import type { Account } from '../../models/models.ts';
import { anAccount, type AccountSeed } from './builders.ts';

// Accounts at addresses outages can be matched on, and outages announced as staff would.

/** An account at `address`, with the address parts an import would store (core/addresses parses it). */
export async function anAccountAt(db: Database, address: string, seed: AccountSeed = {}): Promise<Account> {
  const account = await anAccount(db, { ...seed, address });
  const columns = addressColumns(parseAddress(address));
  if (columns.streetNorm === null) throw new Error(`the address does not parse: ${address}`);
  await db.sequelize.query(
    `UPDATE accounts SET street = :street, house = :house, flat = :flat, street_norm = :streetNorm, house_key = :houseKey WHERE id = :id`,
    { replacements: { ...columns, id: account.id } },
  );
  return account;
}

let key = 0;

/** An outage announced through core, as the staff form does. */
export async function anOutage(core: CoreDeps, draft: Partial<OutageDraft> & Pick<OutageDraft, 'targets' | 'startsAt'>): Promise<OutageView> {
  const outcome = await announceOutage(
    core,
    { kind: 'emergency', endsAt: null, affects: ['cold-water'], text: 'Пошкодження водогону.', ...draft },
    { idempotencyKey: `test-outage-${process.pid}-${++key}`, by: 'Тест' },
  );
  if (outcome.kind !== 'announced') throw new Error(`outage not announced: ${JSON.stringify(outcome)}`);
  return outcome.outage;
}
