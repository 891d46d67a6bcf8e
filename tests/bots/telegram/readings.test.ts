import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../support/database.ts';
import { aLink, aMeter, anAccount, aSubscriber } from '../../support/builders.ts';
import { closeTelegramWorld, startTelegramWorld, type TelegramHarness } from '../../support/telegram-harness.ts';
import { accounts } from '../../../bots/texts/accounts.ts';
import { common } from '../../../bots/texts/common.ts';
import { letters } from '../../../bots/texts/letters.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { readings } from '../../../bots/texts/readings.ts';
import { actionData, cb } from '../../../bots/telegram/callback-data.ts';
import type { Meter } from '../../../models/models.ts';

let db: TestDatabase;
let h: TelegramHarness;

beforeAll(async () => {
  // The harness clock: 25.11.2026, 11:00 in Kyiv.
  ({ db, h } = await startTelegramWorld());
});
afterAll(() => closeTelegramWorld({ db, h }));

/** A consented subscriber with one linked account holding the given meters. */
async function subscriberWithMeters(userId: number, meters: Parameters<typeof aMeter>[2][] = [{}]) {
  const account = await anAccount(db);
  const created: Meter[] = [];
  for (const seed of meters) created.push(await aMeter(db, account, seed));
  const subscriber = await aSubscriber(db, { channelUserId: String(userId) });
  await aLink(db, subscriber, account);
  const user = h.tg.user({ id: userId, first_name: 'Ганна' });
  return { account, meters: created, subscriber, user };
}

const askValuePart = 'Введіть, будь ласка, поточний показник';

describe('submitting a reading', () => {
  it('one account, one meter: straight to the value; invalid text is asked again; the receipt; then same-day', async () => {
    const { meters, subscriber, user } = await subscriberWithMeters(7501, [{ serial: 'ХВ-1', lastReading: 120, lastReadingDate: '2026-10-25' }]);
    const meter = meters[0]!;

    user.command('/readings');
    const ask = await h.tg.waitForSent(user.chatId, askValuePart);
    expect(ask.text).toContain('Останній показник: 120 м³ на 25.10.2026');

    user.sendText('сто тридцять');
    await h.tg.waitForSent(user.chatId, readings.invalidValue);
    user.sendSticker();
    await h.tg.waitForSent(user.chatId, common.notUnderstoodMedia);

    user.sendText('130');
    const confirm = await h.tg.waitForSent(user.chatId, readings.confirmValue('ХВ-1', '130'));
    // Text where a button is expected: told to press one, the flow waits on.
    user.sendText('так');
    await h.tg.waitForSent(user.chatId, common.pressAButton);
    user.pressButton(confirm, cb.readingSend);
    const receipt = await h.tg.waitForSent(user.chatId, 'Показник прийнято');
    const [row] = await db.models.Reading.findAll({ where: { meterId: meter.id } });
    expect(row).toMatchObject({ value: 130, localDate: '2026-11-25', subscriberId: subscriber.id, channel: 'telegram', kind: 'subscriber' });
    expect(receipt.text).toBe(
      readings.accepted({
        readingId: row!.id,
        meterSerial: 'ХВ-1',
        value: 130,
        previousValue: 120,
        consumption: 10,
        period: '2026-11',
        localDate: '2026-11-25',
      }),
    );
    expect(receipt.text).toContain('Споживання: 10 м³');
    expect(receipt.text).toContain('Період: листопад 2026');

    // The second submission the same day is refused before a value is asked, naming the day to come back.
    const asksBefore = h.tg.sentTexts(user.chatId).filter((t) => t.includes(askValuePart)).length;
    user.sendText(menu.readings);
    await h.tg.waitForSent(user.chatId, readings.sameDay('2026-11-26'));
    expect(readings.sameDay('2026-11-26')).toContain('26.11.2026');
    expect(h.tg.sentTexts(user.chatId).filter((t) => t.includes(askValuePart))).toHaveLength(asksBefore);
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(1);
  });

  it('two accounts and two meters: the account, then the meter with its last reading and date', async () => {
    const first = await anAccount(db, { number: '740001', address: 'вул. Миру, 1' });
    const second = await anAccount(db, { number: '740002', address: 'вул. Миру, 2' });
    const kitchen = await aMeter(db, first, { serial: 'К-1', service: 'холодна вода', place: 'кухня', lastReading: 50, lastReadingDate: '2026-10-20' });
    const bath = await aMeter(db, first, { serial: 'В-2', service: 'гаряча вода', place: 'ванна', lastReading: 70, lastReadingDate: '2026-10-21' });
    await aMeter(db, second, { serial: 'Д-3' });
    const subscriber = await aSubscriber(db, { channelUserId: '7502' });
    await aLink(db, subscriber, first);
    await aLink(db, subscriber, second);
    const user = h.tg.user({ id: 7502, first_name: 'Петро' });

    user.sendText(menu.readings);
    const chooseAccount = await h.tg.waitForSent(user.chatId, readings.chooseAccount);
    user.pressButton(chooseAccount, cb.readingAccount(first.id));
    const chooseMeter = await h.tg.waitForSent(user.chatId, 'Оберіть лічильник');
    expect(chooseMeter.text).toContain('холодна вода, кухня (№ К-1): останній показник 50 м³ на 20.10.2026');
    expect(chooseMeter.text).toContain('гаряча вода, ванна (№ В-2): останній показник 70 м³ на 21.10.2026');
    user.pressButton(chooseMeter, cb.readingMeter(bath.id));
    const ask = await h.tg.waitForSent(user.chatId, askValuePart);
    expect(ask.text).toContain('№ В-2');

    // "Change" goes back to the value.
    user.sendText('75');
    const confirm = await h.tg.waitForSent(user.chatId, readings.confirmValue('В-2', '75'));
    user.pressButton(confirm, cb.readingChange);
    await h.tg.waitForSent(user.chatId, readings.askAgain);
    user.sendText('76');
    const again = await h.tg.waitForSent(user.chatId, readings.confirmValue('В-2', '76'));
    user.pressButton(again, cb.readingSend);
    await h.tg.waitForSent(user.chatId, 'Показник прийнято');
    expect((await db.models.Reading.findAll({ where: { meterId: bath.id } })).map((r) => r.value)).toEqual([76]);
    expect(await db.models.Reading.count({ where: { meterId: kitchen.id } })).toBe(0);
  });

  it('a lower value offers the correction letter, stored as reading-correction with its outbox entry', async () => {
    const { account, meters, subscriber, user } = await subscriberWithMeters(7503, [{ serial: 'Н-5', lastReading: 120 }]);
    const meter = meters[0]!;
    user.command('/readings');
    await h.tg.waitForSent(user.chatId, askValuePart);
    user.sendText('100');
    const confirm = await h.tg.waitForSent(user.chatId, readings.confirmValue('Н-5', '100'));
    user.pressButton(confirm, cb.readingSend);
    const lower = await h.tg.waitForSent(user.chatId, readings.lower(100, 120));
    user.pressButton(lower, cb.readingCorrectionLetter);
    const stored = await h.tg.waitForSent(user.chatId, /Ваш лист №\d+ прийнято/);

    const letter = await db.models.Letter.findOne({ where: { subscriberId: subscriber.id } });
    expect(letter).not.toBeNull();
    expect(stored.text).toBe(letters.stored(letter!.id));
    expect(letter).toMatchObject({ category: 'reading-correction', accountId: account.id, channel: 'telegram', status: 'new' });
    expect(letter!.correction).toEqual({ meterId: meter.id, meterSerial: 'Н-5', lastValue: 120, requestedValue: 100 });
    expect(letter!.text).toContain('120 м³');
    expect(letter!.text).toContain('100 м³');
    const outbox = await db.models.OutboxMessage.findAll({ where: { kind: 'letter-to-staff' } });
    expect(outbox.filter((o) => o.payload.letterId === letter!.id)).toHaveLength(1);
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(0);
  });

  it('an implausible jump asks to confirm, then submits it', async () => {
    const { meters, user } = await subscriberWithMeters(7504, [{ serial: 'С-7', lastReading: 120, lastReadingDate: '2026-10-25' }]);
    user.command('/readings');
    await h.tg.waitForSent(user.chatId, askValuePart);
    user.sendText('420');
    const confirm = await h.tg.waitForSent(user.chatId, readings.confirmValue('С-7', '420'));
    user.pressButton(confirm, cb.readingSend);
    const jump = await h.tg.waitForSent(user.chatId, 'значно більше, ніж зазвичай');
    expect(jump.text).toContain('споживання 300 м³ за 31 день');
    expect(await db.models.Reading.count({ where: { meterId: meters[0]!.id } })).toBe(0);
    user.pressButton(jump, cb.readingJumpYes);
    const receipt = await h.tg.waitForSent(user.chatId, 'Показник прийнято');
    expect(receipt.text).toContain('Споживання: 300 м³');
    expect((await db.models.Reading.findAll({ where: { meterId: meters[0]!.id } })).map((r) => r.value)).toEqual([420]);
  });

  it('a value the meter cannot show is explained and asked again', async () => {
    const { meters, user } = await subscriberWithMeters(7505, [{ serial: 'Т-3', lastReading: 120, digits: 3 }]);
    user.command('/readings');
    await h.tg.waitForSent(user.chatId, askValuePart);
    user.sendText('1 500');
    const confirm = await h.tg.waitForSent(user.chatId, readings.confirmValue('Т-3', '1500'));
    user.pressButton(confirm, cb.readingSend);
    await h.tg.waitForSent(user.chatId, readings.overCapacity(999));
    user.sendText('150');
    const again = await h.tg.waitForSent(user.chatId, readings.confirmValue('Т-3', '150'));
    user.pressButton(again, cb.readingSend);
    await h.tg.waitForSent(user.chatId, 'Показник прийнято');
    expect((await db.models.Reading.findAll({ where: { meterId: meters[0]!.id } })).map((r) => r.value)).toEqual([150]);
  });

  it('an overdue verification is explained before a value is asked', async () => {
    const { user } = await subscriberWithMeters(7506, [{ verificationDue: '2026-09-30' }]);
    user.command('/readings');
    const told = await h.tg.waitForSent(user.chatId, readings.verificationOverdue('2026-09-30'));
    expect(told.text).toContain('30.09.2026');
    expect(told.text).toContain('повірку');
    expect(h.tg.sentTexts(user.chatId).some((t) => t.includes(askValuePart))).toBe(false);
    // The flow is over: a number now is just a message.
    user.sendText('130');
    await h.tg.waitForSent(user.chatId, common.unknownText);
  });

  it('no linked accounts: says so and offers to add one', async () => {
    await aSubscriber(db, { channelUserId: '7507' });
    const user = h.tg.user({ id: 7507, first_name: 'Олег' });
    user.command('/readings');
    const none = await h.tg.waitForSent(user.chatId, readings.noAccounts);
    user.pressButton(none, readings.addAccountButton);
    await h.tg.waitForSent(user.chatId, linking.askNumber);
  });

  it("the reminder's inline button starts the flow", async () => {
    const { user } = await subscriberWithMeters(7508, [{ serial: 'Р-8' }]);
    const result = await h.app.notifier.send(
      { channel: 'telegram', channelUserId: '7508' },
      { text: 'Нагадуємо: час передати показники.', actions: [{ label: menu.readings, action: 'readings:start' }] },
    );
    expect(result.kind).toBe('delivered');
    const notice = await h.tg.waitForSent(user.chatId, 'Нагадуємо');
    const press = user.pressButton(notice, actionData['readings:start']);
    const ask = await h.tg.waitForSent(user.chatId, askValuePart);
    expect(ask.text).toContain('№ Р-8');
    expect(h.tg.callbackAnswer(press)).toBeDefined();
  });

  it('continues on a new bot instance after a restart in the middle of the flow', async () => {
    const first = await anAccount(db);
    const second = await anAccount(db);
    const meter = await aMeter(db, first, { serial: 'П-1', lastReading: 10 });
    await aMeter(db, second);
    const subscriber = await aSubscriber(db, { channelUserId: '7509' });
    await aLink(db, subscriber, first);
    await aLink(db, subscriber, second);
    const user = h.tg.user({ id: 7509, first_name: 'Іра' });

    user.command('/readings');
    const choose = await h.tg.waitForSent(user.chatId, readings.chooseAccount);
    user.pressButton(choose, cb.readingAccount(first.id));
    await h.tg.waitForSent(user.chatId, askValuePart);
    user.sendText('15');
    const confirm = await h.tg.waitForSent(user.chatId, readings.confirmValue('П-1', '15'));

    const before = h.app;
    await h.restart();
    expect(h.app).not.toBe(before);

    user.pressButton(confirm, cb.readingSend);
    await h.tg.waitForSent(user.chatId, 'Показник прийнято');
    expect((await db.models.Reading.findAll({ where: { meterId: meter.id } })).map((r) => r.value)).toEqual([15]);
  });

  it('/cancel and a menu button leave the flow', async () => {
    const { meters, user } = await subscriberWithMeters(7510, [{ serial: 'Х-10' }]);
    user.command('/readings');
    await h.tg.waitForSent(user.chatId, askValuePart);
    user.command('/cancel');
    await h.tg.waitForSent(user.chatId, common.cancelled);

    user.command('/readings');
    await h.tg.waitForSent(user.chatId, askValuePart);
    user.sendText(menu.accounts);
    await h.tg.waitForSent(user.chatId, accounts.header);
    user.sendText('130');
    await h.tg.waitForSent(user.chatId, common.unknownText);
    expect(await db.models.Reading.count({ where: { meterId: meters[0]!.id } })).toBe(0);
  });
});
