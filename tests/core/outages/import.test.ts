import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importStreetAliases, loadStreetAliases } from '../../../core/addresses/index.ts';
import { FixedClock } from '../../../core/clock.ts';
import { importOutagesFile, openOutages } from '../../../core/outages/index.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { anAccountAt, aSubscriberOf, changeRows, clearOutageData } from '../../support/outages-builders.ts';

const fixture = (name: string) => ({ path: path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/outages', name) });

let db: TestDatabase;
// 10:00 in Kyiv.
const clock = new FixedClock(new Date('2026-12-05T08:00:00Z'));
const deps = () => ({ db, clock, settings: defaultCoreSettings });

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 4 });
});
afterAll(async () => {
  await db.destroy();
});
beforeEach(async () => {
  await clearOutageData(db);
  clock.set('2026-12-05T08:00:00Z');
});

const outageCount = async () =>
  (await db.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM outages', { type: QueryTypes.SELECT }))[0]!.n;

describe('the outages import', () => {
  it('announces each line, in local time or ISO 8601, planned or emergency in either language', async () => {
    await aSubscriberOf(db, [await anAccountAt(db, 'вул. Соборна, 12')]);
    expect(await importOutagesFile(deps(), fixture('outages.csv'))).toEqual({ kind: 'imported', rows: 3, announced: 3, updated: 0, unchanged: 0 });
    const outages = await openOutages(deps());
    expect(outages.map((o) => [o.kind, o.startsAt, o.endsAt, o.targets[0]!.street, o.source])).toEqual([
      ['emergency', '2026-12-05T07:30:00.000Z', null, 'Садова', 'import'],
      ['planned', '2026-12-07T07:00:00.000Z', '2026-12-07T15:00:00.000Z', 'вул. Соборна', 'import'],
      ['planned', '2026-12-08T06:00:00.000Z', '2026-12-08T10:00:00.000Z', 'просп. Свободи', 'import'],
    ]);
    expect(outages[1]!.targets[0]!.houses).toEqual([{ from: 1, to: 25 }, { house: '30' }]);
    expect(outages[0]!.targets[0]!.houses).toBeNull();
  });

  it('changes nothing when the same file comes again, and updates an outage whose ends_at changed', async () => {
    await importOutagesFile(deps(), fixture('outages.csv'));
    expect(await importOutagesFile(deps(), fixture('outages.csv'))).toEqual({ kind: 'imported', rows: 3, announced: 0, updated: 0, unchanged: 3 });
    expect(await importOutagesFile(deps(), fixture('outages-ends-at-changed.csv'))).toEqual({ kind: 'imported', rows: 3, announced: 0, updated: 1, unchanged: 2 });
    expect(await outageCount()).toBe(3);
    const soborna = (await openOutages(deps())).find((o) => o.targets[0]!.street === 'вул. Соборна')!;
    expect([soborna.endsAt, soborna.revision]).toEqual(['2026-12-07T17:00:00.000Z', 1]);
    // Nobody was told of it yet: no update notice, the notices to come carry the new end.
    expect((await changeRows(db, soborna.id)).map((c) => c.change)).toEqual(['before', 'start']);
    // Imported again after the outages ended: still nothing changes.
    clock.set('2026-12-09T08:00:00Z');
    expect((await importOutagesFile(deps(), fixture('outages-ends-at-changed.csv'))).kind).toBe('imported');
  });

  it('rejects a file with bad lines whole, listing each', async () => {
    expect(await importOutagesFile(deps(), fixture('outages-bad-lines.csv'))).toEqual({
      kind: 'rejected',
      errors: [
        { line: 3, reason: 'street is empty' },
        { line: 4, reason: 'houses "25-1" is not a list like 1-25, 30, 12а ("25-1")' },
        { line: 5, reason: 'kind "ремонт" is not planned, emergency, планове or аварійне' },
        { line: 6, reason: 'starts_at "07/12/2026 9am" is not a time (YYYY-MM-DD HH:MM local, or ISO 8601)' },
        { line: 7, reason: 'ends_at is not after starts_at' },
        { line: 8, reason: 'ends_at has passed: the outage is already over' },
      ],
      moreErrors: 0,
    });
    expect(await outageCount()).toBe(0);
  });

  it('rejects a line repeating another’s outage, however its street is written', async () => {
    expect(await importOutagesFile(deps(), fixture('outages-repeated-line.csv'))).toEqual({
      kind: 'rejected',
      errors: [{ line: 3, reason: 'repeats the street, houses, kind and starts_at of line 2' }],
      moreErrors: 0,
    });
  });

  it('rejects an unknown header', async () => {
    const outcome = await importOutagesFile(deps(), fixture('outages-unknown-header.csv'));
    expect(outcome.kind === 'rejected' && outcome.errors[0]!.reason).toContain('expected street;houses;kind;starts_at;ends_at;text');
  });
});

describe('the street-aliases import', () => {
  it('stores each alias pointing at the name in use, following chains, once', async () => {
    expect(await importStreetAliases(db, fixture('street-aliases.csv'))).toEqual({ kind: 'imported', rows: 3, inserted: 3, updated: 0, unchanged: 0 });
    expect(Object.fromEntries(await loadStreetAliases(db))).toEqual({ 'леніна': 'соборна', 'карла маркса': 'соборна', 'аношкіна': 'свободи' });
    expect(await importStreetAliases(db, fixture('street-aliases.csv'))).toEqual({ kind: 'imported', rows: 3, inserted: 0, updated: 0, unchanged: 3 });
  });

  it('rejects bad lines and circles', async () => {
    expect(await importStreetAliases(db, fixture('street-aliases-bad-lines.csv'))).toEqual({
      kind: 'rejected',
      errors: [
        { line: 2, reason: 'alias is empty' },
        { line: 3, reason: '"Садова" and "садова вул." are the same name' },
        { line: 5, reason: 'gives "Леніна" another street than line 4' },
      ],
      moreErrors: 0,
    });
    expect(await importStreetAliases(db, fixture('street-aliases-circle.csv'))).toEqual({
      kind: 'rejected',
      errors: [
        { line: 2, reason: '"Леніна" leads back to itself through other aliases' },
        { line: 3, reason: '"Соборна" leads back to itself through other aliases' },
      ],
      moreErrors: 0,
    });
    expect((await loadStreetAliases(db)).size).toBe(0);
  });
});
