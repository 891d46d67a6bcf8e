import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementOf, statementPeriods } from '../../../core/statements/index.ts';
import type { Account, Subscriber } from '../../../models/models.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aCharge, aLink, aMeter, anAccount, aPayment, aSubscriber } from '../../support/builders.ts';
import { aReading } from '../../support/readings-builders.ts';
import { depsAt } from '../accounts/helpers.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const NOW = '2026-12-05T10:00:00Z';

/**
 * Billing's story of one account, 120,00 owed before September: September charged 300,00; October 320,00,
 * paid 250,00 on 10.10; November 480,20 (two services), paid 300,00 on 08.11 and 100,00 on 20.11; 150,00 paid
 * on 02.12. Billing's balance now is what all of it leaves.
 */
async function anAccountWithHistory(): Promise<{ subscriber: Subscriber; account: Account }> {
  const charged = 30_000 + 32_000 + 30_170 + 17_850;
  const paid = 25_000 + 30_000 + 10_000 + 15_000;
  const account = await anAccount(db, { surname: 'Коваленко', givenNames: 'Олена Петрівна', balanceKop: 12_000 + charged - paid });
  await aCharge(db, account, { period: '2026-09-01', amountKop: 30_000, volumeM3: '6.000' });
  await aCharge(db, account, { period: '2026-10-01', amountKop: 32_000, volumeM3: '6.500' });
  await aCharge(db, account, { period: '2026-11-01', service: 'водопостачання', amountKop: 30_170, volumeM3: '7.000' });
  await aCharge(db, account, { period: '2026-11-01', service: 'водовідведення', amountKop: 17_850, volumeM3: '7.000' });
  await aPayment(db, account, '2026-10-10', 25_000);
  await aPayment(db, account, '2026-11-08', 30_000);
  await aPayment(db, account, '2026-11-20', 10_000);
  await aPayment(db, account, '2026-12-02', 15_000);
  const subscriber = await aSubscriber(db);
  await aLink(db, subscriber, account);
  return { subscriber, account };
}

describe('statementOf', () => {
  it('the last billed period by default: balances derived from billing’s balance, charges by service, the period’s payments', async () => {
    const { subscriber, account } = await anAccountWithHistory();
    const outcome = await statementOf(depsAt(db, NOW), { subscriberId: subscriber.id, accountId: account.id });
    expect(outcome.kind).toBe('statement');
    if (outcome.kind !== 'statement') return;
    const s = outcome.statement;
    expect(s.period).toBe('2026-11-01');
    expect(s.periodEnd).toBe('2026-11-30');
    expect(s.account).toEqual({ number: account.number, holder: 'Коваленко О. П.', address: account.address });
    // Before November: 120,00 + 300,00 − 250,00 + 320,00 = 490,00 owed; November paid 300,00 + 100,00.
    expect(s.openingKop).toBe(49_000);
    expect(s.chargedKop).toBe(48_020);
    expect(s.paidKop).toBe(40_000);
    expect(s.closingKop).toBe(49_000 + 48_020 - 40_000);
    expect(s.toPayKop).toBe(s.closingKop);
    expect(s.charges).toEqual([
      { service: 'водовідведення', volumeM3: '7.000', amountKop: 17_850 },
      { service: 'водопостачання', volumeM3: '7.000', amountKop: 30_170 },
    ]);
    expect(s.payments).toEqual([
      { paidOn: '2026-11-08', amountKop: 30_000 },
      { paidOn: '2026-11-20', amountKop: 10_000 },
    ]);
    expect(s.issuedOn).toBe('2026-12-05');
  });

  it('a chosen period closes where the next one opens', async () => {
    const { subscriber, account } = await anAccountWithHistory();
    const deps = depsAt(db, NOW);
    const october = await statementOf(deps, { subscriberId: subscriber.id, accountId: account.id, period: '2026-10-01' });
    const november = await statementOf(deps, { subscriberId: subscriber.id, accountId: account.id, period: '2026-11-01' });
    if (october.kind !== 'statement' || november.kind !== 'statement') throw new Error('expected statements');
    expect(october.statement.openingKop).toBe(12_000 + 30_000);
    expect(october.statement.chargedKop).toBe(32_000);
    expect(october.statement.paidKop).toBe(25_000);
    expect(october.statement.closingKop).toBe(november.statement.openingKop);
  });

  it('an overpayment is nothing to pay', async () => {
    const account = await anAccount(db, { balanceKop: -5_000 });
    await aCharge(db, account, { period: '2026-11-01', amountKop: 20_000 });
    const subscriber = await aSubscriber(db);
    await aLink(db, subscriber, account);
    const outcome = await statementOf(depsAt(db, NOW), { subscriberId: subscriber.id, accountId: account.id });
    if (outcome.kind !== 'statement') throw new Error(outcome.kind);
    expect(outcome.statement.closingKop).toBe(-5_000);
    expect(outcome.statement.toPayKop).toBe(0);
  });

  it('meters with the value known before the period and by its end, from accepted readings and billing’s last one', async () => {
    const { subscriber, account } = await anAccountWithHistory();
    const kitchen = await aMeter(db, account, { serial: 'A-1', place: 'кухня', lastReading: 100, lastReadingDate: '2026-10-20', verificationDue: '2029-03-01' });
    const bath = await aMeter(db, account, { serial: 'B-2', place: 'ванна', lastReading: 40, lastReadingDate: '2026-12-01' });
    await aReading(db, kitchen, { value: 107, localDate: '2026-11-24' });
    await aReading(db, kitchen, { value: 109, localDate: '2026-12-03' });
    await aReading(db, bath, { value: 35, localDate: '2026-10-25' });
    await aReading(db, bath, { value: 38, localDate: '2026-11-22' });
    const outcome = await statementOf(depsAt(db, NOW), { subscriberId: subscriber.id, accountId: account.id });
    if (outcome.kind !== 'statement') throw new Error(outcome.kind);
    expect(outcome.statement.meters).toEqual([
      { serial: 'A-1', service: 'водопостачання', place: 'кухня', startValue: 100, startDate: '2026-10-20', endValue: 107, endDate: '2026-11-24', verificationDue: '2029-03-01' },
      { serial: 'B-2', service: 'водопостачання', place: 'ванна', startValue: 35, startDate: '2026-10-25', endValue: 38, endDate: '2026-11-22', verificationDue: '2030-01-01' },
    ]);
  });

  it('never for an account the subscriber has not linked; says so when nothing was billed or the period was not', async () => {
    const { account } = await anAccountWithHistory();
    const stranger = await aSubscriber(db);
    const deps = depsAt(db, NOW);
    expect(await statementOf(deps, { subscriberId: stranger.id, accountId: account.id })).toEqual({ kind: 'not-linked' });
    expect(await statementPeriods(deps, { subscriberId: stranger.id, accountId: account.id })).toEqual({ kind: 'not-linked' });

    const empty = await anAccount(db);
    await aLink(db, stranger, empty);
    expect(await statementOf(deps, { subscriberId: stranger.id, accountId: empty.id })).toEqual({ kind: 'no-charges' });
    const { subscriber, account: billed } = await anAccountWithHistory();
    expect(await statementOf(deps, { subscriberId: subscriber.id, accountId: billed.id, period: '2026-05-01' })).toEqual({ kind: 'no-charges' });
    expect(await statementOf(deps, { subscriberId: subscriber.id, accountId: billed.id, period: '2026-11-15' })).toEqual({ kind: 'no-charges' });
  });
});

describe('statementPeriods', () => {
  it('the last 12 billed periods, newest first', async () => {
    const account = await anAccount(db);
    for (let month = 1; month <= 14; month++) {
      const year = month > 12 ? 2027 : 2026;
      const m = ((month - 1) % 12) + 1;
      await aCharge(db, account, { period: `${year}-${String(m).padStart(2, '0')}-01`, amountKop: 10_000 });
    }
    const subscriber = await aSubscriber(db);
    await aLink(db, subscriber, account);
    const outcome = await statementPeriods(depsAt(db, NOW), { subscriberId: subscriber.id, accountId: account.id });
    if (outcome.kind !== 'periods') throw new Error(outcome.kind);
    expect(outcome.periods).toHaveLength(12);
    expect(outcome.periods[0]).toBe('2027-02-01');
    expect(outcome.periods.at(-1)).toBe('2026-03-01');
  });
});
