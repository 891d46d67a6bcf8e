import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsFlow } from '../../../bots/flows/accounts.ts';
import { MESSAGE_MAX } from '../../../bots/flows/message-size.ts';
import { accounts } from '../../../bots/texts/accounts.ts';
import { issueChannelLinkCode, redeemChannelLinkCode } from '../../../core/identity.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLink, aMeter, anAccount, aSubscriber } from '../../support/builders.ts';
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

describe('my accounts', () => {
  it('shows the holder and each meter’s next verification, marking one past its date', async () => {
    const subscriber = await aSubscriber(db);
    const account = await anAccount(db, { surname: 'Коваленко', givenNames: 'Олена Петрівна' });
    await aMeter(db, account, { serial: 'OK-1', verificationDue: '2030-05-01' });
    await aMeter(db, account, { serial: 'OLD-2', verificationDue: '2026-11-30' });
    await aLink(db, subscriber, account);
    const driver = flowDriver(accountsFlow, flowDeps(db, NOW), { subscriberId: subscriber.id });
    await driver.start(null);
    const [list] = driver.take();
    expect(ids(list!)).toEqual([`a:${account.id}`, 'menu']);
    await driver.press(`a:${account.id}`);
    const [view] = driver.take();
    expect(view!.text).toContain(accounts.holder('Коваленко О. П.'));
    expect(view!.text).toContain('Наступна повірка: до 01.05.2030');
    expect(view!.text).toContain('⚠️ Строк повірки минув 30.11.2026');
    expect(view!.text.indexOf('OLD-2')).toBeLessThan(view!.text.indexOf('⚠️'));
    expect(ids(view!)).toEqual(['chart', 'statement', 'unlink', 'list', 'menu']);
  });

  it('pages a long list, 8 to a message, with «Ще…»', async () => {
    const subscriber = await aSubscriber(db);
    const linked = [];
    for (let i = 0; i < 11; i++) {
      const account = await anAccount(db, { address: `м. Кам'янське, вул. ${'Довга'.repeat(40)}, ${i}` });
      await aLink(db, subscriber, account);
      linked.push(account);
    }
    const driver = flowDriver(accountsFlow, flowDeps(db, NOW), { subscriberId: subscriber.id });
    await driver.start(null);
    const [first] = driver.take();
    expect(ids(first!)).toEqual([...linked.slice(0, 8).map((a) => `a:${a.id}`), 'more', 'menu']);
    expect(first!.text.length).toBeLessThanOrEqual(MESSAGE_MAX);
    await driver.press('more');
    expect(ids(driver.take()[0]!)).toEqual([...linked.slice(8).map((a) => `a:${a.id}`), 'more', 'menu']);
    await driver.press('menu');
    expect(driver.take().map((s) => s.options.keyboard)).toEqual(['menu']);
  });

  it('unlinks after a confirmation and says the account stays on the other messenger', async () => {
    const deps = flowDeps(db, NOW);
    const telegram = await aSubscriber(db, { channel: 'telegram' });
    const viber = await aSubscriber(db, { channel: 'viber' });
    const account = await anAccount(db);
    await aLink(db, viber, account);
    const issued = await issueChannelLinkCode(deps.core, viber.id);
    if (issued.kind !== 'issued') throw new Error('expected a code');
    await redeemChannelLinkCode(deps.core, { subscriberId: telegram.id, code: issued.code });

    const driver = flowDriver(accountsFlow, deps, { subscriberId: telegram.id });
    await driver.start(null);
    await driver.press(`a:${account.id}`);
    await driver.press('unlink');
    const [confirm] = driver.take().slice(-1);
    expect(confirm!.text).toBe(accounts.confirmUnlink(account.number, account.address));
    await driver.press('yes');
    expect(driver.take().map((s) => [s.text, s.options.keyboard])).toEqual([
      [`${accounts.unlinked(account.number)}\n\n${accounts.stillOnOtherChannel(['Viber'])}`, 'menu'],
    ]);
    expect(await db.models.Link.count({ where: { subscriberId: telegram.id } })).toBe(0);
    expect(await db.models.Link.count({ where: { subscriberId: viber.id } })).toBe(1);
  });

  it('keeps the account when the subscriber says no, and says there is none when there is none', async () => {
    const subscriber = await aSubscriber(db);
    const account = await anAccount(db);
    await aLink(db, subscriber, account);
    const driver = flowDriver(accountsFlow, flowDeps(db, NOW), { subscriberId: subscriber.id });
    await driver.start(null);
    await driver.press(`a:${account.id}`);
    await driver.press('unlink');
    await driver.press('no');
    expect(driver.take().at(-1)!.text).toBe(accounts.kept);
    expect(await db.models.Link.count({ where: { subscriberId: subscriber.id } })).toBe(1);

    const nobody = await aSubscriber(db);
    const empty = flowDriver(accountsFlow, flowDeps(db, NOW), { subscriberId: nobody.id });
    await empty.start(null);
    expect(empty.take().map((s) => [s.text, s.options.keyboard])).toEqual([[accounts.none, 'menu']]);
  });
});
