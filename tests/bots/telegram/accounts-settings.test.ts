import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../support/database.ts';
import { aCharge, aLink, aMeter, anAccount, aPayment, aSubscriber } from '../../support/builders.ts';
import { closeTelegramWorld, startTelegramWorld, type TelegramHarness } from '../../support/telegram-harness.ts';
import { accounts } from '../../../bots/texts/accounts.ts';
import { settings } from '../../../bots/texts/settings.ts';
import { help } from '../../../bots/texts/help.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { cb } from '../../../bots/telegram/callback-data.ts';
import { findSubscriber } from '../../../core/subscribers.ts';

let db: TestDatabase;
let h: TelegramHarness;

beforeAll(async () => {
  ({ db, h } = await startTelegramWorld());
});
afterAll(() => closeTelegramWorld({ db, h }));

describe('my accounts', () => {
  it('lists accounts with balance wording and meters, opens the history, unlinks after confirmation', async () => {
    const debt = await anAccount(db, { number: '520001', address: 'вул. Шевченка, 3, кв. 4', balanceKop: 25_050 });
    const credit = await anAccount(db, { number: '520002', address: 'вул. Лесі Українки, 8', balanceKop: -12_000 });
    await aMeter(db, debt, { serial: 'ХВ-77', service: 'холодна вода', place: 'кухня', lastReading: 345, lastReadingDate: '2026-10-25' });
    await aCharge(db, debt, { period: '2026-10-01', service: 'водопостачання', volumeM3: '5.500', amountKop: 14_025 });
    await aPayment(db, debt, '2026-10-20', 30_000);
    const subscriber = await aSubscriber(db, { channelUserId: '7201' });
    await aLink(db, subscriber, debt);
    await aLink(db, subscriber, credit);
    const user = h.tg.user({ id: 7201, first_name: 'Іван' });

    user.command('/accounts');
    const list = await h.tg.waitForSent(user.chatId, accounts.header);
    expect(list.text).toContain('Рахунок № 520001\nАдреса: вул. Шевченка, 3, кв. 4\nБорг: 250,50 грн');
    expect(list.text).toContain('• холодна вода, кухня (№ ХВ-77): 345 м³ на 25.10.2026');
    expect(list.text).toContain('Рахунок № 520002\nАдреса: вул. Лесі Українки, 8\nПереплата: 120,00 грн');

    user.pressButton(list, cb.openAccount(debt.id));
    const details = await h.tg.waitForSent(user.chatId, accounts.chargesHeader);
    expect(details.text).toContain('• жовтень 2026, водопостачання: 5,5 м³ — 140,25 грн');
    expect(details.text).toContain('• 20.10.2026: 300,00 грн');

    user.pressButton(details, cb.unlinkAsk(debt.id));
    const confirm = await h.tg.waitForSent(user.chatId, accounts.confirmUnlink('520001', 'вул. Шевченка, 3, кв. 4'));
    user.pressButton(confirm, cb.unlinkYes(debt.id));
    await h.tg.waitForSent(user.chatId, accounts.unlinked('520001'));
    expect((await db.models.Link.findAll({ where: { subscriberId: subscriber.id } })).map((l) => l.accountId)).toEqual([credit.id]);

    // The old "open" button of an unlinked account says so instead of showing it.
    const old = user.pressButton(list, cb.openAccount(debt.id));
    await h.tg.waitFor(() => h.tg.callbackAnswer(old));
    expect(h.tg.callbackAnswer(old)?.text).toBe(accounts.notLinked);
  });
});

describe('settings and help', () => {
  it('toggles reminders on the same message, shows help, and deletes the data after confirmation', async () => {
    const account = await anAccount(db, { number: '530001' });
    const subscriber = await aSubscriber(db, { channelUserId: '7202', phone: '380661234567' });
    await aLink(db, subscriber, account);
    const user = h.tg.user({ id: 7202, first_name: 'Софія' });

    user.sendText(menu.settings);
    const panel = await h.tg.waitForSent(user.chatId, 'Нагадування про показники: увімкнено');
    expect(panel.text).toContain('Телефон: +380661234567');
    const off = user.pressButton(panel, cb.remindersSet(false));
    await h.tg.waitFor(() => h.tg.callbackAnswer(off));
    expect(h.tg.callbackAnswer(off)?.text).toBe(settings.remindersOff);
    expect((await findSubscriber(h.core, 'telegram', '7202'))?.remindersEnabled).toBe(false);
    await h.tg.waitFor(() => h.tg.sent(user.chatId).find((m) => m.message_id === panel.message_id)?.text?.includes('вимкнено'));
    user.pressButton(panel, cb.remindersSet(true));
    await h.tg.waitFor(() => h.tg.sent(user.chatId).find((m) => m.message_id === panel.message_id)?.text?.includes('увімкнено'));
    expect((await findSubscriber(h.core, 'telegram', '7202'))?.remindersEnabled).toBe(true);

    user.command('/help');
    await h.tg.waitForSent(user.chatId, help.text);

    user.pressButton(panel, cb.deleteAsk);
    const confirm = await h.tg.waitForSent(user.chatId, settings.confirmDelete);
    user.pressButton(confirm, cb.deleteNo);
    await h.tg.waitForSent(user.chatId, settings.notDeleted);
    expect(await db.models.Link.count({ where: { subscriberId: subscriber.id } })).toBe(1);

    user.pressButton(panel, cb.deleteAsk);
    const again = await h.tg.waitForSent(user.chatId, settings.confirmDelete);
    user.pressButton(again, cb.deleteYes);
    await h.tg.waitForSent(user.chatId, settings.deleted);
    const erased = await findSubscriber(h.core, 'telegram', '7202');
    expect(erased).toMatchObject({ phone: null, consented: false });
    expect(await db.models.Link.count({ where: { subscriberId: subscriber.id } })).toBe(0);

    // /start begins anew, with the agreement.
    user.command('/start');
    await h.tg.waitForSent(user.chatId, 'Вітаємо, Софія');
    await h.tg.waitForSent(user.chatId, onboarding.consentButton);
  });

  it('changes the phone through the contact button', async () => {
    await aSubscriber(db, { channelUserId: '7203', phone: '380661111111' });
    const user = h.tg.user({ id: 7203, first_name: 'Тарас' });
    user.command('/settings');
    const panel = await h.tg.waitForSent(user.chatId, 'Налаштування');
    user.pressButton(panel, cb.changePhone);
    await h.tg.waitForSent(user.chatId, onboarding.askPhone);
    user.shareContact({ phone_number: '380672222222' });
    await h.tg.waitForSent(user.chatId, onboarding.phoneSaved);
    expect((await findSubscriber(h.core, 'telegram', '7203'))?.phone).toBe('380672222222');
  });
});
