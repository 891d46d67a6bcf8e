import { describe, expect, it } from 'vitest';
import { common } from '../../../bots/texts/common.ts';
import { letters } from '../../../bots/texts/letters.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { readings } from '../../../bots/texts/readings.ts';
import { channels, choicesOf, keyboardOf, textsOf } from '../../support/channels.ts';
import { aLink, aMeter, anAccount } from '../../support/builders.ts';
import { aReading } from '../../support/readings-builders.ts';
import { aMember, aMemberWithMeter, useChannel } from './scenario.ts';

// «Передати показники», played the same on both channels. Billing knows 120 m³ on 2026-10-25 (the builder's
// default); it is 2026-11-25 in Kyiv.

describe.each(channels)('submitting a reading on $name', (kind) => {
  const stage = useChannel(kind, { at: '2026-11-25T10:00:00Z' });
  const stored = (meterId: number) => stage.db.models.Reading.findAll({ where: { meterId }, order: [['id', 'ASC']] });

  it('one meter: straight to the value; bad text asked again; «Так, надіслати»; the receipt in м³; then the same day is refused', async () => {
    const { person, meter } = await aMemberWithMeter(stage);
    const ask = await person.type(menu.readings);
    expect(textsOf(ask)).toEqual([readings.askValue({ ...meter.get(), lastValue: 120, lastValueDate: '2026-10-25' })]);
    expect(keyboardOf(ask)).toBe('flow');
    expect(textsOf(await person.type('сто'))).toEqual([readings.invalidValue]);

    const confirm = await person.type('125');
    expect(textsOf(confirm)).toEqual([readings.confirmValue(meter.serial, '125')]);
    expect(choicesOf(confirm)).toEqual([readings.sendButton, readings.changeButton]);
    const receipt = await person.press(readings.sendButton);
    expect(textsOf(receipt)).toHaveLength(1);
    expect(textsOf(receipt)[0]).toContain('Показник: 125 м³ (попередній: 120 м³)');
    expect(textsOf(receipt)[0]).toContain('Споживання: 5 м³');
    expect(keyboardOf(receipt)).toBe('menu');
    const rows = await stored(meter.id);
    expect(rows.map((r) => [r.value, r.channel, r.localDate])).toEqual([[125, stage.channel, '2026-11-25']]);
    expect(textsOf(receipt)[0]).toContain(`Квитанція № ${rows[0]!.id}`);

    const again = await person.type(menu.readings);
    expect(textsOf(again)).toEqual([readings.sameDay('2026-11-26')]);
    expect(keyboardOf(again)).toBe('menu');
    expect(await stored(meter.id)).toHaveLength(1);
  });

  it('too many digits and a value below the last one are answered before «Так, надіслати»; a number typed at the confirm step is the new value', async () => {
    const { person, meter } = await aMemberWithMeter(stage, { digits: 4 });
    await person.type(menu.readings);
    expect(textsOf(await person.type('10000'))).toEqual([readings.overCapacity(9999)]);
    const lower = await person.type('100');
    expect(textsOf(lower)).toEqual([readings.lower(100, 120)]);
    expect(choicesOf(lower)).toEqual([readings.correctionLetterButton, readings.retypeButton]);
    expect(textsOf(await person.type('130'))).toEqual([readings.confirmValue(meter.serial, '130')]);
    // Typed, not pressed: the number is the value now.
    const retyped = await person.type('131');
    expect(textsOf(retyped)).toEqual([readings.confirmValue(meter.serial, '131')]);
    // Something that is neither a button nor a number: the hint, and the step waits.
    expect(textsOf(await person.type('так'))).toEqual([readings.typedNumberHint]);
    const receipt = await person.type(readings.sendButton);
    expect(textsOf(receipt)[0]).toContain('Показник: 131 м³');
    expect((await stored(meter.id)).map((r) => r.value)).toEqual([131]);
  });

  it('a large consumption asks once instead of the plain confirmation, and is stored when confirmed', async () => {
    const { person, meter } = await aMemberWithMeter(stage);
    await person.type(menu.readings);
    const jump = await person.type('220');
    expect(textsOf(jump)).toEqual([readings.jump({ value: 220, consumption: 100, days: 31, perDay: 3.23 })]);
    expect(choicesOf(jump)).toEqual([readings.jumpYesButton, readings.changeButton]);
    const receipt = await person.press(readings.jumpYesButton);
    expect(textsOf(receipt)[0]).toContain('Показник: 220 м³');
    expect((await stored(meter.id)).map((r) => r.value)).toEqual([220]);
  });

  it('a value below the last goes to staff as a correction letter with a comment and a photo; no reading is stored', async () => {
    const { person, meter, account, subscriber } = await aMemberWithMeter(stage);
    await person.type(menu.readings);
    await person.type('90');
    const ask = await person.press(readings.correctionLetterButton);
    expect(textsOf(ask)).toEqual([readings.correctionAsk]);
    expect(choicesOf(ask)).toEqual([readings.correctionSendButton]);
    expect(textsOf(await person.type('Лічильник замінили 10.11'))).toEqual([readings.correctionAdded(0, 5)]);
    const photo = await person.sendPhoto();
    expect(textsOf(photo)[0]).toContain('фото: 1');
    const sent = await person.press(readings.correctionSendButton);
    const letter = await stage.db.models.Letter.findOne({ where: { subscriberId: subscriber.id }, rejectOnEmpty: true });
    expect(letter.category).toBe('reading-correction');
    expect(letter.accountId).toBe(account.id);
    expect(letter.channel).toBe(stage.channel);
    expect(letter.text).toBe(readings.correctionWithComment(readings.correctionLetterText(meter.serial, 120, 90), 'Лічильник замінили 10.11'));
    expect(letter.attachments).toHaveLength(1);
    expect(letter.attachments[0]).toMatchObject({ kind: 'photo', channel: stage.channel });
    expect(letter.correction).toMatchObject({ meterId: meter.id, lastValue: 120, requestedValue: 90 });
    expect(textsOf(sent)).toEqual([letters.stored(letter.id)]);
    expect(keyboardOf(sent)).toBe('menu');
    expect(await stored(meter.id)).toHaveLength(0);
  });

  it('two accounts: the account, then the meter; a meter past its verification is explained before anything is typed', async () => {
    const { person, subscriber } = await aMember(stage);
    const first = await anAccount(stage.db);
    const second = await anAccount(stage.db);
    await aMeter(stage.db, first, { serial: 'A-1' });
    const kitchen = await aMeter(stage.db, second, { serial: 'B-1', place: 'кухня' });
    const old = await aMeter(stage.db, second, { serial: 'B-2', place: 'ванна', verificationDue: '2026-11-01' });
    await aLink(stage.db, subscriber, first);
    await aLink(stage.db, subscriber, second);

    const which = await person.type(menu.readings);
    expect(textsOf(which)).toEqual([readings.chooseAccount]);
    expect(choicesOf(which)).toEqual([readings.accountButton(first.number, first.address), readings.accountButton(second.number, second.address)]);
    const meters = await person.press(readings.accountButton(second.number, second.address));
    expect(choicesOf(meters)).toEqual([readings.meterButton(kitchen), readings.meterButton(old)]);
    const refused = await person.press(readings.meterButton(old));
    // Another meter still takes a reading today: the same choice again.
    expect(textsOf(refused)[0]).toBe(readings.verificationOverdue('2026-11-01'));
    expect(choicesOf(refused).length).toBeGreaterThan(0);
    expect(await stage.db.models.Reading.count({ where: { meterId: old.id } })).toBe(0);
  });

  it('continues on a new bot instance after a restart at «Так, надіслати», and stores one reading', async () => {
    const { person, meter } = await aMemberWithMeter(stage);
    await person.type(menu.readings);
    await person.type('126');
    await stage.world.restart();
    const receipt = await person.press(readings.sendButton);
    expect(textsOf(receipt)[0]).toContain('Показник: 126 м³');
    expect((await stored(meter.id)).map((r) => r.value)).toEqual([126]);
  });

  it('«Скасувати» at the value leaves the flow: nothing stored, the menu back; «Так, надіслати» of before is stale', async () => {
    const { person, meter } = await aMemberWithMeter(stage);
    await aReading(stage.db, meter, { value: 110, localDate: '2026-10-01' });
    await person.type(menu.readings);
    await person.type('127');
    const old = person.markButton(readings.sendButton);
    const cancelled = await person.press(common.cancelButton);
    expect(textsOf(cancelled)).toEqual([common.cancelled]);
    expect(keyboardOf(cancelled)).toBe('menu');
    const stale = await person.pressMarked(readings.sendButton, old);
    expect(textsOf(stale)).toEqual([stage.channel === 'telegram' ? common.staleButton : common.unknownText]);
    expect(await stored(meter.id)).toHaveLength(1);
  });

  it('without accounts says how to add one, with the menu', async () => {
    const { person } = await aMember(stage);
    const none = await person.type(menu.readings);
    expect(textsOf(none)).toEqual([readings.noAccounts]);
    expect(keyboardOf(none)).toBe('menu');
  });

  it('a menu item typed in the middle leaves the flow and does its own job; nothing is stored', async () => {
    const { person, meter } = await aMemberWithMeter(stage);
    await person.type(menu.readings);
    await person.type('128');
    const help = await person.type(menu.help);
    expect(textsOf(help)).toHaveLength(1);
    expect(keyboardOf(help)).toBe('menu');
    expect(textsOf(await person.type(readings.sendButton))).toEqual([common.unknownText]);
    expect(await stored(meter.id)).toHaveLength(0);
  });
});
