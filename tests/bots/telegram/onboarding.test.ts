import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../support/database.ts';
import { anAccount } from '../../support/builders.ts';
import { closeTelegramWorld, startTelegramWorld, type TelegramHarness } from '../../support/telegram-harness.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { help } from '../../../bots/texts/help.ts';
import { cb } from '../../../bots/telegram/callback-data.ts';
import { findSubscriber } from '../../../core/subscribers.ts';

let db: TestDatabase;
let h: TelegramHarness;

beforeAll(async () => {
  ({ db, h } = await startTelegramWorld());
});
afterAll(() => closeTelegramWorld({ db, h }));

describe('onboarding', () => {
  it('registers the commands in Ukrainian on start', async () => {
    const call = await h.tg.waitForCall('setMyCommands');
    const names = (call.params.commands as { command: string; description: string }[]).map((c) => c.command);
    expect(names).toEqual(['start', 'readings', 'accounts', 'add', 'letter', 'letters', 'settings', 'help', 'cancel']);
  });

  it('lets nothing through before consent, then takes the own phone and goes straight to linking', async () => {
    const user = h.tg.user({ id: 7001, first_name: 'Ганна' });
    user.command('/start');
    await h.tg.waitForSent(user.chatId, 'Вітаємо, Ганна');
    const agreement = await h.tg.waitForSent(user.chatId, 'Погоджуюсь');

    // Anything else before consent re-shows the agreement.
    user.sendText('Мої рахунки');
    await h.tg.waitForSent(user.chatId, onboarding.consentNeeded);
    await h.tg.waitForSent(user.chatId, 'Натисніть «Погоджуюсь»');
    user.command('/help');
    await h.tg.waitForSent(user.chatId, onboarding.consentNeeded);
    await h.tg.waitForSent(user.chatId, 'Натисніть «Погоджуюсь»');
    expect(h.tg.sentTexts(user.chatId)).not.toContain(help.text);
    expect((await findSubscriber(h.core, 'telegram', '7001'))?.consented).toBe(false);

    const press = user.pressButton(agreement, cb.consent);
    await h.tg.waitForSent(user.chatId, onboarding.consentThanks);
    const ask = await h.tg.waitForSent(user.chatId, onboarding.askPhone);
    expect(h.tg.callbackAnswer(press)).toBeDefined();
    expect(JSON.stringify(ask.reply_markup)).toContain('request_contact');
    expect((await findSubscriber(h.core, 'telegram', '7001'))?.consented).toBe(true);

    // Someone else's contact is refused; the own one is taken.
    user.shareContact({ phone_number: '+380501112233', user_id: 9999, first_name: 'Сусід' });
    await h.tg.waitForSent(user.chatId, onboarding.foreignContact);
    expect((await findSubscriber(h.core, 'telegram', '7001'))?.phone).toBeNull();

    user.shareContact({ phone_number: '+380671234567' });
    await h.tg.waitForSent(user.chatId, onboarding.phoneSaved);
    await h.tg.waitForSent(user.chatId, linking.askNumber);
    expect((await findSubscriber(h.core, 'telegram', '7001'))?.phone).toBe('380671234567');

    // /start again leaves the open flow and greets a returning subscriber with the menu.
    user.command('/start');
    const back = await h.tg.waitForSent(user.chatId, onboarding.welcomeBack('Ганна'));
    expect(JSON.stringify(back.reply_markup)).toContain('Передати показники');
  });

  it('"later" skips the phone and goes on to linking', async () => {
    const user = h.tg.user({ id: 7002, first_name: 'Петро' });
    user.command('/start');
    const agreement = await h.tg.waitForSent(user.chatId, 'Погоджуюсь');
    user.pressButton(agreement, cb.consent);
    await h.tg.waitForSent(user.chatId, onboarding.askPhone);
    user.sendSticker();
    await h.tg.waitForSent(user.chatId, onboarding.usePhoneButton);
    user.sendText(onboarding.laterButton);
    await h.tg.waitForSent(user.chatId, onboarding.phoneLater);
    await h.tg.waitForSent(user.chatId, linking.askNumber);
    expect((await findSubscriber(h.core, 'telegram', '7002'))?.phone).toBeNull();
  });

  it('offers the accounts billing knows under the shared phone, linked with one tap', async () => {
    const account = await anAccount(db, { number: '300111', phone: '380931112233', address: 'вул. Дніпровська, 5, кв. 7' });
    const user = h.tg.user({ id: 7003, first_name: 'Олена' });
    user.command('/start');
    const agreement = await h.tg.waitForSent(user.chatId, 'Погоджуюсь');
    user.pressButton(agreement, cb.consent);
    await h.tg.waitForSent(user.chatId, onboarding.askPhone);
    user.shareContact({ phone_number: '0931112233' });
    const offer = await h.tg.waitForSent(user.chatId, linking.offersFound(1));
    user.pressButton(offer, cb.offer(account.id));
    await h.tg.waitForSent(user.chatId, linking.linked('300111', 'вул. Дніпровська, 5, кв. 7'));
    const subscriber = await findSubscriber(h.core, 'telegram', '7003');
    expect(await db.models.Link.count({ where: { subscriberId: subscriber!.id, accountId: account.id, method: 'phone' } })).toBe(1);
  });
});
