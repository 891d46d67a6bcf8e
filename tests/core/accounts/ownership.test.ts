import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { proveOwnership } from '../../../core/accounts/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLink, aMeter, anAccount, aPayment, aSubscriber } from '../../support/builders.ts';
import { depsAt } from './helpers.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const NOW = '2026-11-25T10:00:00Z';

async function accountWithPayments(amounts: number[], seed: Parameters<typeof anAccount>[1] = {}) {
  const account = await anAccount(db, seed);
  // Oldest first: the last amount is the latest payment.
  for (const [i, amount] of amounts.entries()) await aPayment(db, account, `2026-0${i + 1}-15`, amount);
  return account;
}

async function linksOf(accountId: number) {
  return db.models.Link.findAll({ where: { accountId } });
}

describe('proof by payment', () => {
  it.each(['1234,50', '1 234.5', '1234.50 грн', ' 1234.50 '])('accepts the latest payment typed as %j', async (typed) => {
    const deps = depsAt(db, NOW);
    const account = await accountWithPayments([50_000, 123_450]);
    const subscriber = await aSubscriber(db);
    const outcome = await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: account.number, method: 'payment', answer: typed });
    expect(outcome).toMatchObject({ kind: 'linked', account: { accountId: account.id, number: account.number }, noticesQueued: 0 });
    const links = await linksOf(account.id);
    expect(links.map((l) => [l.subscriberId, l.method])).toEqual([[subscriber.id, 'payment']]);
  });

  it('accepts the second-latest payment and refuses the third-latest', async () => {
    const deps = depsAt(db, NOW);
    const account = await accountWithPayments([30_000, 40_000, 50_000]);
    const third = await aSubscriber(db);
    const second = await aSubscriber(db);
    expect(
      await proveOwnership(deps, { subscriberId: third.id, accountNumber: account.number, method: 'payment', answer: '300' }),
    ).toMatchObject({ kind: 'mismatch' });
    expect(
      await proveOwnership(deps, { subscriberId: second.id, accountNumber: account.number, method: 'payment', answer: '400,00' }),
    ).toMatchObject({ kind: 'linked' });
  });

  it('wants the amount to the kopeck', async () => {
    const deps = depsAt(db, NOW);
    const account = await accountWithPayments([123_456]);
    const subscriber = await aSubscriber(db);
    const outcome = await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: account.number, method: 'payment', answer: '1234,5' });
    expect(outcome).toMatchObject({ kind: 'mismatch' });
  });

  it('is no proof for an account without payments', async () => {
    const deps = depsAt(db, NOW);
    const account = await anAccount(db);
    const subscriber = await aSubscriber(db);
    const outcome = await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: account.number, method: 'payment', answer: '0,01' });
    expect(outcome).toMatchObject({ kind: 'mismatch' });
  });

  it('says an answer that is not an amount is invalid, and counts no failure', async () => {
    const deps = depsAt(db, NOW);
    const account = await accountWithPayments([10_000]);
    const subscriber = await aSubscriber(db);
    const outcome = await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: account.number, method: 'payment', answer: 'сто гривень' });
    expect(outcome).toEqual({ kind: 'invalid-answer', method: 'payment' });
    expect(await db.models.OwnershipAttempt.count({ where: { subscriberId: subscriber.id } })).toBe(0);
  });
});

describe('proof by surname', () => {
  it.each([
    ['Шевченко', 'шев'],
    ['Шевченко', 'ШЕВЧЕНКО'],
    ["Мар'яненко", 'Марʼ'],
    ['Марʼяненко', "мар'яненко"],
    ['Мар’яненко', 'Map'], // Latin M, a, p
    ['Іваненко', 'iва'], // Latin i
    ['Ткаченко', 'TKA'], // Latin T, K, A
  ])('links %j when the subscriber types %j', async (surname, typed) => {
    const deps = depsAt(db, NOW);
    const account = await anAccount(db, { surname });
    const subscriber = await aSubscriber(db);
    const outcome = await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: account.number, method: 'surname', answer: typed });
    expect(outcome).toMatchObject({ kind: 'linked', account: { accountId: account.id } });
  });

  it('refuses other letters', async () => {
    const deps = depsAt(db, NOW);
    const account = await anAccount(db, { surname: 'Шевченко' });
    const subscriber = await aSubscriber(db);
    const outcome = await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: account.number, method: 'surname', answer: 'Шва' });
    expect(outcome).toMatchObject({ kind: 'mismatch', accountNumber: account.number });
    expect(await linksOf(account.id)).toEqual([]);
  });

  it('reads the account number as typed with spaces and dashes, and types it back normalized', async () => {
    const deps = depsAt(db, NOW);
    const account = await anAccount(db, { number: '0012345', surname: 'Коваль' });
    const subscriber = await aSubscriber(db);
    const wrong = await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: ' 00-123 45 ', method: 'surname', answer: 'Кот' });
    expect(wrong).toMatchObject({ kind: 'mismatch', accountNumber: '0012345' });
    const right = await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: '00-12345', method: 'surname', answer: 'Ков' });
    expect(right).toMatchObject({ kind: 'linked', account: { accountId: account.id } });
  });

  it('refuses an account number that cannot be one', async () => {
    const deps = depsAt(db, NOW);
    const subscriber = await aSubscriber(db);
    expect(await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: '12#45', method: 'surname', answer: 'Шев' })).toEqual({
      kind: 'invalid-number',
    });
  });
});

describe('what a failure reveals and keeps', () => {
  it('answers an unknown account number exactly as a wrong answer', async () => {
    const deps = depsAt(db, NOW);
    const account = await accountWithPayments([77_700], { surname: 'Бондар' });
    const [a, b, c, d] = [await aSubscriber(db), await aSubscriber(db), await aSubscriber(db), await aSubscriber(db)];
    const wrongSurname = await proveOwnership(deps, { subscriberId: a.id, accountNumber: account.number, method: 'surname', answer: 'Кот' });
    const unknownSurname = await proveOwnership(deps, { subscriberId: b.id, accountNumber: '99999001', method: 'surname', answer: 'Бон' });
    const wrongPayment = await proveOwnership(deps, { subscriberId: c.id, accountNumber: account.number, method: 'payment', answer: '1' });
    const unknownPayment = await proveOwnership(deps, { subscriberId: d.id, accountNumber: '99999002', method: 'payment', answer: '777' });
    const withoutNumber = (o: object) => ({ ...o, accountNumber: '…' });
    expect(wrongSurname.kind).toBe('mismatch');
    expect(withoutNumber(unknownSurname)).toEqual(withoutNumber(wrongSurname));
    expect(withoutNumber(unknownPayment)).toEqual(withoutNumber(wrongPayment));
    expect(withoutNumber(wrongPayment)).toEqual(withoutNumber(wrongSurname));
    expect(unknownSurname).toMatchObject({ accountNumber: '99999001' });
  });

  it('records every attempt without the answer', async () => {
    const deps = depsAt(db, NOW);
    const account = await accountWithPayments([98_765], { surname: 'Зеленський' });
    const subscriber = await aSubscriber(db);
    await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: account.number, method: 'surname', answer: 'Жов' });
    await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: account.number, method: 'payment', answer: '987,65' });
    const rows = await db.sequelize.query<Record<string, unknown>>(
      `SELECT * FROM ownership_attempts WHERE subscriber_id = :id ORDER BY id`,
      { replacements: { id: subscriber.id }, type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => [r.account_number, r.method, r.result, r.limit_fired])).toEqual([
      [account.number, 'surname', 'mismatch', null],
      [account.number, 'payment', 'success', null],
    ]);
    const stored = JSON.stringify(rows).toLowerCase();
    for (const answer of ['жов', '987', '98765']) expect(stored).not.toContain(answer);
  });
});

describe('linking', () => {
  it('tells every other subscriber of that account, in the outbox', async () => {
    const deps = depsAt(db, NOW);
    const account = await anAccount(db, { surname: 'Лисенко' });
    await aMeter(db, account, { serial: 'LS-1' });
    const [first, second, newcomer] = [await aSubscriber(db), await aSubscriber(db), await aSubscriber(db)];
    await aLink(db, first, account);
    await aLink(db, second, account);
    const outcome = await proveOwnership(deps, { subscriberId: newcomer.id, accountNumber: account.number, method: 'surname', answer: 'лис' });
    expect(outcome).toMatchObject({ kind: 'linked', noticesQueued: 2, account: { meters: [{ serial: 'LS-1' }] } });
    const notices = await db.models.OutboxMessage.findAll({ where: { kind: 'account-linked' } });
    const forThisAccount = notices.filter((n) => n.payload.accountNumber === account.number);
    expect(forThisAccount.map((n) => n.payload).sort((x, y) => Number(x.subscriberId) - Number(y.subscriberId))).toEqual([
      { subscriberId: first.id, accountNumber: account.number, address: account.address },
      { subscriberId: second.id, accountNumber: account.number, address: account.address },
    ]);
  });

  it('answers a second proof of a linked account with already-linked, and tells nobody again', async () => {
    const deps = depsAt(db, NOW);
    const account = await anAccount(db, { surname: 'Гончар' });
    const [other, subscriber] = [await aSubscriber(db), await aSubscriber(db)];
    await aLink(db, other, account);
    await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: account.number, method: 'surname', answer: 'Гон' });
    const again = await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: account.number, method: 'surname', answer: 'Гон' });
    expect(again).toMatchObject({ kind: 'already-linked', account: { accountId: account.id } });
    const notices = (await db.models.OutboxMessage.findAll({ where: { kind: 'account-linked' } })).filter(
      (n) => n.payload.accountNumber === account.number,
    );
    expect(notices).toHaveLength(1);
  });

  it('links once when two right answers race', async () => {
    const deps = depsAt(db, NOW);
    const account = await accountWithPayments([55_000], { surname: 'Кравець' });
    const subscriber = await aSubscriber(db);
    const outcomes = await Promise.all([
      proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: account.number, method: 'surname', answer: 'Кра' }),
      proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: account.number, method: 'payment', answer: '550' }),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['already-linked', 'linked']);
    expect(await linksOf(account.id)).toHaveLength(1);
  });
});
