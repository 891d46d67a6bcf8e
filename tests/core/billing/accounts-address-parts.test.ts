import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBillingFile } from '../../../core/billing/import-file.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const fixture = (name: string) => ({ path: path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/billing', name) });

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
});
afterAll(async () => {
  await db.destroy();
});

const parts = () =>
  db.sequelize.query('SELECT number, street, house, flat, street_norm, house_key FROM accounts ORDER BY number', { type: QueryTypes.SELECT });

describe('address parts in the accounts import', () => {
  it('takes street;house;flat where given, reads the address otherwise, and lists the addresses it cannot read without refusing the file', async () => {
    for (const pass of ['bulk into an empty table', 'upsert again'] as const) {
      const outcome = await importBillingFile(db, fixture('accounts-address-parts.csv'));
      expect(outcome, pass).toMatchObject({
        kind: 'imported',
        rows: 4,
        unreadAddresses: [
          { line: 4, reason: 'the address cannot be read into a street and a house (add street;house;flat columns, or write it like "вул. Соборна, 12, кв. 5")' },
          { line: 5, reason: 'house "три" is not a house number (e.g. 12, 12а, 12/1, 12 корп. 2)' },
        ],
        moreUnreadAddresses: 0,
      });
      expect(await parts(), pass).toEqual([
        { number: '2000101', street: 'вул. Соборна', house: '12', flat: '5', street_norm: 'соборна', house_key: '12' },
        { number: '2000102', street: 'просп. Свободи', house: '41 корп. 2', flat: null, street_norm: 'свободи', house_key: '41к2' },
        { number: '2000103', street: null, house: null, flat: null, street_norm: null, house_key: null },
        { number: '2000104', street: null, house: null, flat: null, street_norm: null, house_key: null },
      ]);
    }
    expect(await importBillingFile(db, fixture('accounts-address-parts.csv'))).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
  });
});
