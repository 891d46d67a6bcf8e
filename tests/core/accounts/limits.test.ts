import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proveOwnership, type ProofOutcome } from '../../../core/accounts/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { anAccount, aSubscriber } from '../../support/builders.ts';
import { DAY, depsAt, HOUR, MINUTE, type TestDeps } from './helpers.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

// Each test starts in a month of its own, so the windows of one never hold another's failures.
const limits = { pairFailuresPerDay: 3, subscriberAccountsPerDay: 3, subscriberAccountsPerMonth: 5, accountFailuresPerDay: 4 };

function prove(deps: TestDeps, subscriberId: number, accountNumber: string, answer: string): Promise<ProofOutcome> {
  return proveOwnership(deps, { subscriberId, accountNumber, method: 'surname', answer });
}

const iso = (deps: TestDeps, plusMs = 0) => new Date(deps.clock.now().getTime() + plusMs).toISOString();

describe('per subscriber and account', () => {
  it('locks the pair for 24 h at the third failure; even the right answer is refused meanwhile', async () => {
    const deps = depsAt(db, '2027-01-10T10:00:00Z', limits);
    const account = await anAccount(db, { surname: 'Шевченко' });
    const subscriber = await aSubscriber(db);
    expect(await prove(deps, subscriber.id, account.number, 'Коз')).toMatchObject({
      kind: 'mismatch', attemptsLeft: 2, lockedUntil: null, lockedBy: null, next: 'ask-number-again',
    });
    deps.clock.advance(MINUTE);
    expect(await prove(deps, subscriber.id, account.number, 'Коз')).toMatchObject({ kind: 'mismatch', attemptsLeft: 1 });
    deps.clock.advance(MINUTE);
    const lockedUntil = iso(deps, DAY);
    expect(await prove(deps, subscriber.id, account.number, 'Коз')).toEqual({
      kind: 'mismatch', accountNumber: account.number, attemptsLeft: 0, lockedUntil, lockedBy: 'pair', next: 'stop',
    });

    deps.clock.advance(DAY - MINUTE);
    expect(await prove(deps, subscriber.id, account.number, 'Шев')).toEqual({ kind: 'locked', until: lockedUntil, limit: 'pair' });
    expect(await db.models.Link.count({ where: { accountId: account.id } })).toBe(0);
    const refused = await db.models.OwnershipAttempt.findAll({ where: { subscriberId: subscriber.id, result: 'refused' } });
    expect(refused.map((a) => a.limitFired)).toEqual(['pair']);

    deps.clock.advance(MINUTE);
    expect(await prove(deps, subscriber.id, account.number, 'Шев')).toMatchObject({ kind: 'linked' });
  });

  it('leaves the same subscriber free to prove another account', async () => {
    const deps = depsAt(db, '2027-02-10T10:00:00Z', limits);
    const [locked, other] = [await anAccount(db), await anAccount(db, { surname: 'Олійник' })];
    const subscriber = await aSubscriber(db);
    for (let i = 0; i < 3; i++) await prove(deps, subscriber.id, locked.number, 'Коз');
    expect(await prove(deps, subscriber.id, other.number, 'Олі')).toMatchObject({ kind: 'linked' });
  });

  it('lets no two parallel wrong answers slip under the limit', async () => {
    const deps = depsAt(db, '2027-03-10T10:00:00Z', limits);
    const account = await anAccount(db);
    const subscriber = await aSubscriber(db);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => prove(deps, subscriber.id, account.number, 'Коз')));
    expect(outcomes.filter((o) => o.kind === 'mismatch')).toHaveLength(3);
    expect(outcomes.filter((o) => o.kind === 'locked')).toHaveLength(3);
    expect(await db.models.OwnershipAttempt.count({ where: { subscriberId: subscriber.id, result: 'mismatch' } })).toBe(3);
    expect(await db.models.OwnershipLock.count({ where: { subscriberId: subscriber.id, scope: 'pair' } })).toBe(1);
  });
});

describe('per subscriber, distinct accounts', () => {
  it('stops all proofs after failures on three account numbers in 24 h, until the first ages out', async () => {
    const deps = depsAt(db, '2027-04-10T10:00:00Z', limits);
    const subscriber = await aSubscriber(db);
    const mine = await anAccount(db, { surname: 'Мельник' });
    const firstFailure = iso(deps);
    expect(await prove(deps, subscriber.id, '80000001', 'Мел')).toMatchObject({ kind: 'mismatch', lockedUntil: null });
    deps.clock.advance(MINUTE);
    expect(await prove(deps, subscriber.id, '80000002', 'Мел')).toMatchObject({ kind: 'mismatch', lockedUntil: null });
    deps.clock.advance(MINUTE);
    const until = new Date(Date.parse(firstFailure) + DAY).toISOString();
    expect(await prove(deps, subscriber.id, '80000003', 'Мел')).toMatchObject({
      kind: 'mismatch', attemptsLeft: 0, lockedUntil: until, lockedBy: 'subscriber-day', next: 'stop',
    });

    deps.clock.advance(HOUR);
    expect(await prove(deps, subscriber.id, mine.number, 'Мел')).toEqual({ kind: 'locked', until, limit: 'subscriber-day' });
    deps.clock.set(until);
    expect(await prove(deps, subscriber.id, mine.number, 'Мел')).toMatchObject({ kind: 'linked' });
  });

  it('stops all proofs after failures on five account numbers in 30 days', async () => {
    const deps = depsAt(db, '2027-05-01T10:00:00Z', { ...limits, subscriberAccountsPerMonth: 5 });
    const subscriber = await aSubscriber(db);
    const mine = await anAccount(db, { surname: 'Ковальчук' });
    const firstFailure = iso(deps);
    await prove(deps, subscriber.id, '81000001', 'Ков');
    await prove(deps, subscriber.id, '81000002', 'Ков');
    deps.clock.advance(2 * DAY);
    await prove(deps, subscriber.id, '81000003', 'Ков');
    await prove(deps, subscriber.id, '81000004', 'Ков');
    deps.clock.advance(2 * DAY);
    const until = new Date(Date.parse(firstFailure) + 30 * DAY).toISOString();
    expect(await prove(deps, subscriber.id, '81000005', 'Ков')).toMatchObject({ kind: 'mismatch', lockedUntil: until });

    deps.clock.advance(10 * DAY);
    expect(await prove(deps, subscriber.id, mine.number, 'Ков')).toEqual({ kind: 'locked', until, limit: 'subscriber-month' });
    deps.clock.set(new Date(Date.parse(until) - MINUTE));
    expect(await prove(deps, subscriber.id, mine.number, 'Ков')).toMatchObject({ kind: 'locked', limit: 'subscriber-month' });
    deps.clock.set(until);
    expect(await prove(deps, subscriber.id, mine.number, 'Ков')).toMatchObject({ kind: 'linked' });
  });
});

describe('per account, across subscribers', () => {
  it('suspends self-service linking of the account for 24 h at the fourth failure by anyone', async () => {
    const deps = depsAt(db, '2027-06-10T10:00:00Z', limits);
    const account = await anAccount(db, { surname: 'Бойко' });
    const sprayers = [await aSubscriber(db), await aSubscriber(db), await aSubscriber(db), await aSubscriber(db)];
    const holder = await aSubscriber(db);
    const outcomes: ProofOutcome[] = [];
    for (const sprayer of sprayers) {
      outcomes.push(await prove(deps, sprayer.id, account.number, 'Бон'));
      deps.clock.advance(MINUTE);
    }
    // The tighter limit speaks: three failures left for each pair, but fewer for the account.
    expect(outcomes.map((o) => (o.kind === 'mismatch' ? o.attemptsLeft : -1))).toEqual([2, 2, 1, 0]);
    const until = new Date(deps.clock.now().getTime() - MINUTE + DAY).toISOString();
    expect(outcomes[3]).toMatchObject({ lockedUntil: until });

    expect(await prove(deps, holder.id, account.number, 'Бой')).toEqual({ kind: 'locked', until, limit: 'account' });
    deps.clock.set(until);
    expect(await prove(deps, holder.id, account.number, 'Бой')).toMatchObject({ kind: 'linked' });
  });

  it('counts failures on an account number that does not exist the same way', async () => {
    const deps = depsAt(db, '2027-07-10T10:00:00Z', limits);
    const outcomes: ProofOutcome[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await prove(deps, (await aSubscriber(db)).id, '82000001', 'Бон'));
    expect(outcomes.map((o) => o.kind)).toEqual(['mismatch', 'mismatch', 'mismatch', 'mismatch', 'locked']);
    expect(outcomes[4]).toMatchObject({ limit: 'account' });
  });
});

describe('burst alert', () => {
  it('raises one alert per clock hour, with one outbox entry', async () => {
    const deps = depsAt(db, '2027-08-10T10:05:00Z', { ...limits, burstAlertPerHour: 5 });
    let sprayed = 0;
    const fail = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await prove(deps, (await aSubscriber(db)).id, `83${String(++sprayed).padStart(6, '0')}`, 'Бон');
        deps.clock.advance(MINUTE);
      }
    };
    const alerts = async () =>
      (await db.models.OutboxMessage.findAll({ where: { kind: 'security-alert' }, order: [['id', 'ASC']] })).map((m) => m.payload);

    await fail(4);
    expect(await alerts()).toEqual([]);
    await fail(3); // the fifth failure raises it, the sixth and seventh do not again
    expect(await alerts()).toEqual([{ failures: 5, sinceIso: '2027-08-10T09:09:00.000Z' }]);
    expect(await db.models.SecurityAlert.count()).toBe(1);

    deps.clock.set('2027-08-10T11:30:00Z');
    await fail(5);
    expect(await alerts()).toHaveLength(2);
    const buckets = (await db.models.SecurityAlert.findAll({ order: [['bucket', 'ASC']] })).map((a) => a.bucket.toISOString());
    expect(buckets).toEqual(['2027-08-10T10:00:00.000Z', '2027-08-10T11:00:00.000Z']);
  });
});
