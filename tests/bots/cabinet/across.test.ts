import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_LINK_CODE_TTL_MS } from '../../../core/identity.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { readings } from '../../../bots/texts/readings.ts';
import { settings } from '../../../bots/texts/settings.ts';
import { letters } from '../../../bots/texts/letters.ts';
import { createTestDatabase } from '../../support/database.ts';
import { channels, choicesOf, keyboardOf, telegramChannel, textsOf, viberChannel } from '../../support/channels.ts';
import { aLink, anAccount } from '../../support/builders.ts';
import { aMember, aMemberWithMeter, useChannel, type Stage } from './scenario.ts';

// What crosses flows or channels: buttons on the messages the app starts on its own (a reminder's «Передати
// показники», «Вимкнути нагадування», an answer's «Мої листи»), even from inside another flow; and one identity
// across channels: «Підключити Viber» in Telegram gives a one-time link whose code, opened in Viber, offers the
// accounts with one button (and the other way round), on one database with both bots running.

describe.each(channels)('buttons of the messages the app starts, on $name', (kind) => {
  const stage = useChannel(kind, { at: '2026-11-25T10:00:00Z' });

  it('a reminder’s «Передати показники» starts the readings flow, even from inside another flow; «Вимкнути нагадування» turns them off', async () => {
    const { person, subscriber, meter } = await aMemberWithMeter(stage);
    await person.type(menu.letter);
    const reminder = await stage.world.notify(person, {
      text: 'Нагадуємо: час передати показники.',
      actions: [
        { label: menu.readings, action: 'readings:start' },
        { label: settings.remindersOffButton, action: 'reminders:off' },
      ],
    });
    expect(textsOf(reminder)).toEqual(['Нагадуємо: час передати показники.']);
    const ask = await person.press(menu.readings);
    expect(textsOf(ask)).toEqual([readings.askValue({ ...meter.get(), lastValue: 120, lastValueDate: '2026-10-25' })]);
    await person.type('125');
    await person.press(readings.sendButton);
    expect(await stage.db.models.Reading.count({ where: { meterId: meter.id } })).toBe(1);

    await stage.world.notify(person, { text: 'Нагадуємо ще раз.', actions: [{ label: settings.remindersOffButton, action: 'reminders:off' }] });
    const off = await person.press(settings.remindersOffButton);
    expect(textsOf(off)).toEqual([settings.remindersOff]);
    expect(keyboardOf(off)).toBe('menu');
    await subscriber.reload();
    expect(subscriber.remindersEnabled).toBe(false);
  });

  it('an answer’s «Мої листи» shows the list', async () => {
    const { person } = await aMember(stage);
    await stage.world.notify(person, { text: 'Відповідь на ваш лист.', actions: [{ label: menu.letters, action: 'letters:list' }] });
    const list = await person.press(menu.letters);
    expect(textsOf(list)).toEqual([letters.none]);
  });
});

describe('one identity across channels', () => {
  const stage = {} as { tg: Stage; vb: Stage };
  beforeAll(async () => {
    const db = await createTestDatabase();
    const links = { telegramUsername: 'vodokanal_test_bot', viberChatUri: 'vodokanal-test' };
    stage.tg = { db, channel: 'telegram', world: await telegramChannel.start({ db, at: '2026-11-25T10:00:00Z', links }) };
    stage.vb = { db, channel: 'viber', world: await viberChannel.start({ db, at: '2026-11-25T10:00:00Z', links }) };
  });
  afterAll(async () => {
    await stage.tg?.world.stop();
    await stage.vb?.world.stop();
    await stage.tg?.db.destroy();
  });

  const minutes = Math.round(CHANNEL_LINK_CODE_TTL_MS / 60_000);

  it('«Підключити Viber» gives a link; a newcomer opening it in Viber consents and takes the accounts with one button; the link works once', async () => {
    const telegram = await aMember(stage.tg);
    const account = await anAccount(stage.tg.db);
    await aLink(stage.tg.db, telegram.subscriber, account);
    const header = await telegram.person.type(menu.settings);
    expect(choicesOf(header)).toContain(linking.connectButton('Viber'));
    const given = await telegram.person.press(linking.connectButton('Viber'));
    const code = /context=([A-Za-z0-9_-]+)/.exec(textsOf(given)[0]!)?.[1];
    expect(code).toBeDefined();
    expect(textsOf(given)).toEqual([linking.connectLink('Viber', `viber://pa?chatURI=vodokanal-test&context=${code}`, minutes)]);

    const viber = stage.vb.world.person(990_001, 'Оксана');
    await viber.start(code);
    const offer = await viber.press(onboarding.consentButton);
    expect(textsOf(offer)).toEqual([`${onboarding.consentThanks}\n\n${linking.channelOffer('Telegram', [account])}`]);
    expect(choicesOf(offer)).toEqual([linking.channelLinkButton, linking.channelLinkNo]);
    const linked = await viber.press(linking.channelLinkButton);
    expect(textsOf(linked)).toEqual([linking.channelLinked('Telegram', [account.number])]);
    expect(keyboardOf(linked)).toBe('menu');
    const row = await stage.vb.db.models.Subscriber.findOne({ where: { channel: 'viber', channelUserId: viber.channelUserId }, rejectOnEmpty: true });
    expect(await stage.vb.db.models.Link.count({ where: { subscriberId: row.id, accountId: account.id } })).toBe(1);

    const again = await stage.vb.world.person(990_002, 'Петро').start(code);
    expect(textsOf(again)[0]).toContain(onboarding.agreement);
    const other = stage.vb.world.person(990_003, 'Петро');
    await other.start(code);
    const used = await other.press(onboarding.consentButton);
    expect(textsOf(used)).toEqual([`${onboarding.consentThanks}\n\n${linking.codeUsed}`]);
  });

  it('«Підключити Telegram» in Viber gives a t.me link; /start with its code in Telegram offers the accounts', async () => {
    const viber = await aMember(stage.vb);
    const account = await anAccount(stage.vb.db);
    await aLink(stage.vb.db, viber.subscriber, account);
    await viber.person.type(menu.settings);
    const given = await viber.person.press(linking.connectButton('Telegram'));
    const code = /start=([A-Za-z0-9_-]+)/.exec(textsOf(given)[0]!)?.[1];
    expect(textsOf(given)).toEqual([linking.connectLink('Telegram', `https://t.me/vodokanal_test_bot?start=${code}`, minutes)]);

    const telegram = await aMember(stage.tg);
    const offer = await telegram.person.start(code);
    expect(textsOf(offer)).toEqual([linking.channelOffer('Viber', [account])]);
    const declined = await telegram.person.press(linking.channelLinkNo);
    expect(textsOf(declined)).toEqual([linking.channelLinkDeclined]);
    expect(await stage.tg.db.models.Link.count({ where: { subscriberId: telegram.subscriber.id } })).toBe(0);
  });
});
