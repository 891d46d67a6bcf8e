import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardingFlow } from '../../../bots/flows/onboarding.ts';
import { startCommandFlow } from '../../../bots/flows/start.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { CHANNEL_LINK_CODE_TTL_MS, issueChannelLinkCode } from '../../../core/identity.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
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

async function codeFromTelegram(deps: ReturnType<typeof flowDeps>) {
  const telegram = await aSubscriber(db, { channel: 'telegram' });
  const [home, dacha] = [await anAccount(db), await anAccount(db)];
  await aLink(db, telegram, home);
  await aLink(db, telegram, dacha);
  const issued = await issueChannelLinkCode(deps.core, telegram.id);
  if (issued.kind !== 'issued') throw new Error('expected a code');
  return { telegram, home, dacha, code: issued.code };
}

describe('start', () => {
  it('welcomes a subscriber back by name, in the vocative, with the menu', async () => {
    const subscriber = await aSubscriber(db, { name: 'Андрій', phone: '380671112233' });
    const driver = flowDriver(startCommandFlow, flowDeps(db, NOW), { subscriberId: subscriber.id });
    await driver.start({ payload: null });
    expect(driver.take().map((s) => [s.text, s.options.keyboard])).toEqual([[onboarding.welcomeBack('Андрію'), 'menu']]);
    expect(driver.state).toBeNull();
  });

  it('asks for the phone when it was never given nor put off', async () => {
    const subscriber = await aSubscriber(db, { name: 'Оксана' });
    const driver = flowDriver(startCommandFlow, flowDeps(db, NOW), { subscriberId: subscriber.id });
    await driver.start({ payload: null });
    const [ask] = driver.take();
    expect(ask!.options.keyboard).toBe('contact');
    expect(ids(ask!)).toEqual(['later']);
  });

  it('opens a one-time link from the other messenger: one button links every account there', async () => {
    const deps = flowDeps(db, NOW);
    const { home, dacha, code } = await codeFromTelegram(deps);
    const viber = await aSubscriber(db, { channel: 'viber', phone: null });
    const driver = flowDriver(startCommandFlow, deps, { subscriberId: viber.id, channel: 'viber' });
    await driver.start({ payload: code });
    const [offer] = driver.take();
    expect(offer!.text).toBe(linking.channelOffer('Telegram', [home, dacha]));
    expect(ids(offer!)).toEqual(['link', 'no']);
    await driver.press('link');
    const [done] = driver.take();
    expect(done!.text).toBe(linking.channelLinked('Telegram', [home.number, dacha.number]));
    expect(done!.options.keyboard).toBe('menu');
    const links = await db.models.Link.findAll({ where: { subscriberId: viber.id } });
    expect(links.map((l) => l.method)).toEqual(['channel-link', 'channel-link']);

    // The same link a second time: used.
    const again = flowDriver(startCommandFlow, deps, { subscriberId: viber.id, channel: 'viber' });
    await again.start({ payload: code });
    expect(again.take().map((s) => s.text)).toEqual([linking.codeUsed]);
  });

  it('says plainly when the link has expired, and links nothing', async () => {
    const deps = flowDeps(db, NOW);
    const { code } = await codeFromTelegram(deps);
    const viber = await aSubscriber(db, { channel: 'viber' });
    deps.core.clock.advance(CHANNEL_LINK_CODE_TTL_MS + 1);
    const driver = flowDriver(startCommandFlow, deps, { subscriberId: viber.id, channel: 'viber' });
    await driver.start({ payload: code });
    expect(driver.take().map((s) => [s.text, s.options.keyboard])).toEqual([[linking.codeExpired, 'menu']]);
    expect(await db.models.Link.count({ where: { subscriberId: viber.id } })).toBe(0);
  });

  it('takes the link after consent when a newcomer opens it first', async () => {
    const deps = flowDeps(db, NOW);
    const { home, dacha, code } = await codeFromTelegram(deps);
    const viber = await aSubscriber(db, { channel: 'viber', consented: false, name: 'Ольга' });
    const driver = flowDriver(onboardingFlow, deps, { subscriberId: viber.id, channel: 'viber' });
    await driver.start({ payload: code });
    await driver.press('agree');
    expect(driver.take().at(-1)!.text).toBe(`${onboarding.consentThanks}\n\n${linking.channelOffer('Telegram', [home, dacha])}`);
    await driver.press('no');
    expect(driver.take().map((s) => [s.text, s.options.keyboard])).toEqual([[linking.channelLinkDeclined, 'menu']]);
    expect(await db.models.Link.count({ where: { subscriberId: viber.id } })).toBe(0);
  });
});
