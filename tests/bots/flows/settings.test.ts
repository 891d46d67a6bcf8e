import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFlow, remindersOffFlow } from '../../../bots/flows/settings.ts';
import { startCommandFlow } from '../../../bots/flows/start.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { settings } from '../../../bots/texts/settings.ts';
import { outageCabinet } from '../../../bots/texts/outages.ts';
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
const CHANNELS = { telegramUsername: 'vodokanal_bot', viberChatUri: 'vodokanal' };

describe('settings', () => {
  it('turns reminders off and on', async () => {
    const subscriber = await aSubscriber(db);
    const deps = flowDeps(db, NOW);
    const off = flowDriver(settingsFlow, deps, { subscriberId: subscriber.id });
    await off.start(null);
    const [menu] = off.take();
    expect(menu!.text).toBe(`${settings.headerShared({ remindersEnabled: true, phone: null, phoneUnverified: null })}\n${outageCabinet.plannedLine(true)}`);
    expect(ids(menu!)).toEqual(['rem:off', 'out:off', 'phone', 'delete']);
    await off.press('rem:off');
    expect(off.take().map((s) => [s.text, s.options.keyboard])).toEqual([[settings.remindersOff, 'menu']]);
    expect((await db.models.Subscriber.findByPk(subscriber.id))?.remindersEnabled).toBe(false);

    const on = flowDriver(settingsFlow, deps, { subscriberId: subscriber.id });
    await on.start(null);
    expect(ids(on.take()[0]!)[0]).toBe('rem:on');
    await on.press('rem:on');
    expect((await db.models.Subscriber.findByPk(subscriber.id))?.remindersEnabled).toBe(true);
  });

  it('a reminder’s button turns reminders off and shows the menu', async () => {
    const subscriber = await aSubscriber(db);
    const driver = flowDriver(remindersOffFlow, flowDeps(db, NOW), { subscriberId: subscriber.id });
    await driver.start(null);
    expect(driver.take().map((s) => [s.text, s.options.keyboard])).toEqual([[settings.remindersOff, 'menu']]);
    expect((await db.models.Subscriber.findByPk(subscriber.id))?.remindersEnabled).toBe(false);
  });

  it('changes the phone through the same phone step, offering what the new phone matches', async () => {
    const subscriber = await aSubscriber(db, { phone: '380501112233' });
    const account = await anAccount(db, { phone: '380671230009' });
    const driver = flowDriver(settingsFlow, flowDeps(db, NOW), { subscriberId: subscriber.id });
    await driver.start(null);
    await driver.press('phone');
    expect(driver.take().at(-1)!.options.keyboard).toBe('contact');
    await driver.send({ kind: 'contact', phone: '380671230009', verified: true });
    expect(ids(driver.take()[0]!)).toEqual([`o:${account.id}`, 'other', 'done']);
    await driver.press(`o:${account.id}`);
    expect(driver.take().at(-1)!.options.keyboard).toBe('menu');
    expect((await db.models.Subscriber.findByPk(subscriber.id))?.phone).toBe('380671230009');
  });

  it('gives a one-time Viber link in Telegram that the Viber chat opens with one button', async () => {
    const deps = flowDeps(db, NOW, CHANNELS);
    const telegram = await aSubscriber(db, { channel: 'telegram' });
    const account = await anAccount(db);
    await aLink(db, telegram, account);
    const driver = flowDriver(settingsFlow, deps, { subscriberId: telegram.id, channel: 'telegram' });
    await driver.start(null);
    const [menu] = driver.take();
    expect(menu!.options.choices!.flat().find((c) => c.id === 'connect')?.label).toBe(linking.connectButton('Viber'));
    await driver.press('connect');
    const [link] = driver.take();
    const code = /context=(link_[A-Za-z0-9_-]{20})/.exec(link!.text)?.[1];
    expect(link!.text).toContain('viber://pa?chatURI=vodokanal&context=link_');
    expect(link!.options.keyboard).toBe('menu');

    const viber = await aSubscriber(db, { channel: 'viber' });
    const open = flowDriver(startCommandFlow, deps, { subscriberId: viber.id, channel: 'viber' });
    await open.start({ payload: code });
    await open.press('link');
    expect(open.take().at(-1)!.text).toBe(linking.channelLinked('Telegram', [account.number]));
  });

  it('gives a Telegram link in Viber, offers nothing without the other channel’s address, and nothing to carry without accounts', async () => {
    const viber = await aSubscriber(db, { channel: 'viber' });
    const driver = flowDriver(settingsFlow, flowDeps(db, NOW, CHANNELS), { subscriberId: viber.id, channel: 'viber' });
    await driver.start(null);
    expect(driver.take()[0]!.options.choices!.flat().find((c) => c.id === 'connect')?.label).toBe(linking.connectButton('Telegram'));
    await driver.press('connect');
    expect(driver.take().map((s) => s.text)).toEqual([linking.connectNoAccounts]);

    const account = await anAccount(db);
    await aLink(db, viber, account);
    const again = flowDriver(settingsFlow, flowDeps(db, NOW, CHANNELS), { subscriberId: viber.id, channel: 'viber' });
    await again.start(null);
    await again.press('connect');
    expect(again.take().at(-1)!.text).toMatch(/https:\/\/t\.me\/vodokanal_bot\?start=link_[A-Za-z0-9_-]{20}\n/);

    const noAddress = flowDriver(settingsFlow, flowDeps(db, NOW, { telegramUsername: 'vodokanal_bot' }), { subscriberId: viber.id, channel: 'telegram' });
    await noAddress.start(null);
    expect(ids(noAddress.take()[0]!)).not.toContain('connect');
  });

  it('erases the data after a confirmation and says what stays on the other messenger', async () => {
    const deps = flowDeps(db, NOW, CHANNELS);
    const telegram = await aSubscriber(db, { channel: 'telegram', phone: '380671234567' });
    const account = await anAccount(db);
    await aLink(db, telegram, account);
    const connect = flowDriver(settingsFlow, deps, { subscriberId: telegram.id, channel: 'telegram' });
    await connect.start(null);
    await connect.press('connect');
    const code = /context=(link_[A-Za-z0-9_-]{20})/.exec(connect.take().at(-1)!.text)![1]!;
    const viber = await aSubscriber(db, { channel: 'viber' });
    const open = flowDriver(startCommandFlow, deps, { subscriberId: viber.id, channel: 'viber' });
    await open.start({ payload: code });
    await open.press('link');

    const driver = flowDriver(settingsFlow, deps, { subscriberId: telegram.id, channel: 'telegram' });
    await driver.start(null);
    await driver.press('delete');
    const stays = settings.otherChannelStays([{ name: 'Viber', accounts: 1 }]);
    expect(driver.take().at(-1)!.text).toBe(`${settings.confirmDelete}\n\n${stays}`);
    await driver.press('yes');
    expect(driver.take().map((s) => [s.text, s.options.keyboard])).toEqual([[`${settings.deleted}\n\n${stays}`, 'menu']]);
    const row = await db.models.Subscriber.findByPk(telegram.id);
    expect(row).toMatchObject({ phone: null, consentedAt: null });
    expect(await db.models.Link.count({ where: { subscriberId: telegram.id } })).toBe(0);
    expect(await db.models.Link.count({ where: { subscriberId: viber.id } })).toBe(1);
  });

  it('keeps the data when the subscriber says no; a verified-less phone shows as such', async () => {
    const subscriber = await aSubscriber(db, { channel: 'viber' });
    await db.models.Subscriber.update({ phoneUnverified: '380501112233' }, { where: { id: subscriber.id } });
    const driver = flowDriver(settingsFlow, flowDeps(db, NOW), { subscriberId: subscriber.id, channel: 'viber' });
    await driver.start(null);
    expect(driver.take()[0]!.text).toContain('+380501112233 (месенджер не підтвердив, що він ваш)');
    await driver.press('delete');
    await driver.press('no');
    expect(driver.take().at(-1)!.text).toBe(settings.notDeleted);
    expect((await db.models.Subscriber.findByPk(subscriber.id))?.consentedAt).not.toBeNull();
  });

  it('leaves the phone as it was after «Пізніше» in settings', async () => {
    const subscriber = await aSubscriber(db, { phone: '380501112233' });
    const driver = flowDriver(settingsFlow, flowDeps(db, NOW), { subscriberId: subscriber.id });
    await driver.start(null);
    await driver.press('phone');
    await driver.press('later');
    expect(driver.take().at(-1)!.text).toBe(settings.phoneUnchanged);
    expect((await db.models.Subscriber.findByPk(subscriber.id))?.phoneDeferredAt).toBeNull();
    expect(onboarding.laterButton).toBe('Пізніше');
  });
});
