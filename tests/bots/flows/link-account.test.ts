import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkAccountFlow } from '../../../bots/flows/link-account.ts';
import { count, moment, plural } from '../../../bots/texts/format.ts';
import { common } from '../../../bots/texts/common.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { anAccount, aPayment, aSubscriber } from '../../support/builders.ts';
import { flowDriver } from '../../support/flow-driver.ts';
import { flowDeps, ids } from './flow-deps.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const NOW = '2026-12-04T10:00:00Z';
const DAY = 86_400_000;
const KYIV = 'Europe/Kyiv';

async function linking_(at = NOW) {
  const subscriber = await aSubscriber(db);
  const deps = flowDeps(db, at);
  const driver = flowDriver(linkAccountFlow, deps, { subscriberId: subscriber.id });
  await driver.start(null);
  driver.take();
  return { subscriber, deps, driver };
}

async function attempt(driver: ReturnType<typeof flowDriver>, number: string, method: 'pay' | 'sur', answer: string) {
  await driver.type(number);
  await driver.press(method);
  await driver.type(answer);
}

describe('plural forms through Intl.PluralRules', () => {
  it('agrees with the count as people write it', () => {
    const forms = ['спроба', 'спроби', 'спроб'] as const;
    expect([1, 2, 4, 5, 11, 14, 21, 22, 25, 101].map((n) => count(n, forms))).toEqual([
      '1 спроба', '2 спроби', '4 спроби', '5 спроб', '11 спроб', '14 спроб', '21 спроба', '22 спроби', '25 спроб', '101 спроба',
    ]);
    expect(plural(1, ['Залишилася', 'Залишилося', 'Залишилося'])).toBe('Залишилася');
  });
});

describe('link-account', () => {
  it('links by the amount of one of the last two payments', async () => {
    const account = await anAccount(db, { number: '880001' });
    await aPayment(db, account, '2026-10-20', 25_050);
    await aPayment(db, account, '2026-11-20', 31_000);
    const { subscriber, driver } = await linking_();
    await driver.type('88 00 01');
    const [proof] = driver.take();
    expect(proof!.text).toBe(linking.chooseProof('880001'));
    expect(ids(proof!)).toEqual(['pay', 'sur']);
    await driver.press('pay');
    expect(driver.take().map((s) => s.text)).toEqual([linking.askPayment]);
    await driver.type('250,5');
    const [done] = driver.take();
    expect(done!.text).toBe(linking.linked('880001', account.address));
    expect(done!.options.keyboard).toBe('menu');
    expect(driver.state).toBeNull();
    expect(await db.models.Link.count({ where: { subscriberId: subscriber.id, accountId: account.id } })).toBe(1);
  });

  it('after a failure with attempts left asks for the number again, counting what is left', async () => {
    const account = await anAccount(db, { number: '880002', surname: 'Коваль' });
    const { driver } = await linking_();
    await attempt(driver, '880002', 'sur', 'Жук');
    // The flow goes on, replayed from its stored state, but the answer given is not in that state.
    expect(JSON.stringify(driver.state)).not.toContain('Жук');
    const said = driver.take().at(-1)!;
    expect(said.text).toBe(linking.mismatchRetry('880002', 2));
    expect(said.text).toContain('Залишилося 2 спроби');
    expect(said.options.keyboard).toBeUndefined();

    await attempt(driver, '880002', 'sur', 'Шев');
    expect(driver.take().at(-1)!.text).toContain('Залишилася 1 спроба');

    await attempt(driver, '880002', 'sur', 'ков');
    expect(driver.take().at(-1)!.text).toBe(linking.linked('880002', account.address));
  });

  it('names the pair lock and its real end when the third failure locks this account', async () => {
    await anAccount(db, { number: '880003', surname: 'Коваль' });
    const { subscriber, deps, driver } = await linking_();
    for (let i = 0; i < 3; i++) await attempt(driver, '880003', 'sur', 'Шев');
    const last = driver.take().at(-1)!;
    const until = new Date(Date.parse(NOW) + DAY).toISOString();
    expect(last.text).toBe(
      `${linking.mismatchFinal('880003')}\n\n${linking.lockedPair('880003', until, KYIV)}\n\n${linking.lockedHelp}`,
    );
    expect(last.text).toContain(moment(until, KYIV));
    expect(last.options.keyboard).toBe('menu');
    expect(driver.state).toBeNull();

    // Next time the lock is named before anything is checked.
    const again = flowDriver(linkAccountFlow, deps, { subscriberId: subscriber.id });
    await again.start(null);
    await attempt(again, '880003', 'sur', 'Ков');
    expect(again.take().at(-1)!.text).toBe(`${linking.lockedPair('880003', until, KYIV)}\n\n${linking.lockedHelp}`);
  });

  it('names the lock on new accounts for this subscriber when too many numbers failed', async () => {
    const { driver } = await linking_();
    for (const n of ['881001', '881002']) {
      await attempt(driver, n, 'sur', 'Шев');
      expect(driver.take().at(-1)!.text).toBe(linking.mismatchRetry(n, 2));
    }
    await attempt(driver, '881003', 'sur', 'Шев');
    const until = new Date(Date.parse(NOW) + DAY).toISOString();
    expect(driver.take().at(-1)!.text).toBe(
      `${linking.mismatchFinal('881003')}\n\n${linking.lockedSubscriber(until, KYIV)}\n\n${linking.lockedHelp}`,
    );
  });

  it('names a suspended account and its end', async () => {
    await anAccount(db, { number: '880005' });
    const until = new Date(Date.parse(NOW) + 5 * 3_600_000);
    await db.models.OwnershipLock.create({ scope: 'account', subscriberId: null, accountNumber: '880005', lockedUntil: until });
    const { driver } = await linking_();
    await attempt(driver, '880005', 'sur', 'Шев');
    expect(driver.take().at(-1)!.text).toBe(`${linking.lockedAccount('880005', until.toISOString(), KYIV)}\n\n${linking.lockedHelp}`);
  });

  it('explains a bad number, a bad answer and a sticker without moving on', async () => {
    const { driver } = await linking_();
    await driver.type('12345678901234567890123');
    expect(driver.take().map((s) => s.text)).toEqual([linking.invalidNumber]);
    await driver.type('880009');
    await driver.type('сума');
    expect(driver.take().map((s) => s.text)).toEqual([linking.chooseProof('880009'), common.pressAButton]);
    await driver.press('pay');
    await driver.type('багато');
    await driver.send({ kind: 'other' });
    const said = driver.take().map((s) => s.text);
    expect(said[0]).toBe(linking.askPayment);
    expect(said[1]).toBe(linking.invalidAnswer.payment);
    expect(said[2]).toBe(common.notUnderstoodMedia);
  });
});
