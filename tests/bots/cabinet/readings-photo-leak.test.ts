import { describe, expect, it } from 'vitest';
import { letters } from '../../../bots/texts/letters.ts';
import { LETTER_ATTACHMENTS_MAX } from '../../../core/letters/index.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { readings } from '../../../bots/texts/readings.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import { TINY_JPEG } from '../../support/fake-telegram/index.ts';
import { channels, choicesOf, keyboardOf, textsOf } from '../../support/channels.ts';
import { aReading } from '../../support/readings-builders.ts';
import { aMemberWithMeter, useChannel, type Stage } from './scenario.ts';

// The receipt's leak warning (and its letter at one button), and the meter photo that goes with a reading, played
// the same on both channels over the fakes: the photo is downloaded from the platform (Telegram's getFile and file
// URL; Viber's media URL) and kept in reading_photos. It is 2026-11-25 in Kyiv.

const MAX_BYTES = 10_000;
/** A JPEG's first bytes and then padding: a picture by its signature, too big for the limit. */
const BIG_JPEG = Buffer.concat([TINY_JPEG, Buffer.alloc(MAX_BYTES, 0)]);

/** Billing's 100 m³ on 2026-05-01, then a reading a month of 9 m³ (0.3 m³ a day): 154 m³ on 2026-10-28. */
async function aMeterWithHistory(stage: Stage) {
  const member = await aMemberWithMeter(stage, { lastReading: 100, lastReadingDate: '2026-05-01' });
  let value = 100;
  for (const localDate of ['2026-05-31', '2026-06-30', '2026-07-30', '2026-08-29', '2026-09-28', '2026-10-28']) {
    value += 9;
    await aReading(stage.db, member.meter, { value, localDate, subscriber: member.subscriber });
  }
  return member;
}

const photoOf = (stage: Stage, readingId: number) =>
  stage.db.sequelize.query<{ bytes: Buffer; mime: string; channel: string; subscriber_id: number }>(
    `SELECT bytes, mime, channel, subscriber_id FROM reading_photos WHERE reading_id = $1`,
    { bind: [readingId], type: 'SELECT' as never },
  ) as unknown as Promise<{ bytes: Buffer; mime: string; channel: string; subscriber_id: number }[]>;

describe.each(channels)('a leak warning and a meter photo on $name', (kind) => {
  const stage = useChannel(kind, {
    at: '2026-11-25T10:00:00Z',
    settings: { readings: { ...defaultCoreSettings.readings, photoMaxBytes: MAX_BYTES, photoRequiredAboveJump: true } },
  });
  const readingOf = async (meterId: number) => stage.db.models.Reading.findOne({ where: { meterId }, order: [['id', 'DESC']], rejectOnEmpty: true });

  it('a month far above the meter’s own: the receipt says what to check, and one button prepares a letter', async () => {
    const { person, meter, subscriber, account } = await aMeterWithHistory(stage);
    await person.type(menu.readings);
    // 42 m³ in 28 days: 1.5 m³ a day against the usual 0.3 — not a jump (3 m³ a day), but five times the usual.
    await person.type('196');
    const receipt = await person.press(readings.sendButton);
    const reading = await readingOf(meter.id);
    expect(textsOf(receipt).at(-1)).toContain(`Квитанція № ${reading.id}`);
    expect(textsOf(receipt).at(-1)).toContain(readings.leak({ perDay: 1.5, usualPerDay: 0.3 }));
    expect(textsOf(receipt).at(-1)).toContain('бачок унітаза');
    expect(textsOf(receipt).at(-1)).toContain(readings.photoOffer);
    expect(choicesOf(receipt)).toEqual([readings.leakLetterButton]);

    const prepared = readings.leakLetterText({ meterSerial: meter.serial, value: 196, localDate: '2026-11-25', leak: { perDay: 1.5, usualPerDay: 0.3 } });
    const letter = await person.press(readings.leakLetterButton);
    expect(textsOf(letter)).toEqual([letters.prefilled(prepared), letters.askPhotos(LETTER_ATTACHMENTS_MAX)]);
    const confirm = await person.press(letters.noPhotosButton);
    expect(textsOf(confirm)[0]).toContain(prepared);
    const sent = await person.press(letters.sendButton);
    const stored = await stage.db.models.Letter.findOne({ where: { subscriberId: subscriber.id }, rejectOnEmpty: true });
    expect(stored).toMatchObject({ category: 'service-request', accountId: account.id, text: prepared, channel: stage.channel });
    expect(textsOf(sent)).toEqual([letters.stored(stored.id)]);
    expect(keyboardOf(sent)).toBe('menu');
  });

  it('an ordinary month: no warning, no letter button; a photo sent after the receipt is downloaded and kept with the reading', async () => {
    const { person, meter, subscriber } = await aMeterWithHistory(stage);
    await person.type(menu.readings);
    await person.type('163');
    const receipt = await person.press(readings.sendButton);
    expect(textsOf(receipt).at(-1)).not.toContain('⚠️');
    expect(textsOf(receipt).at(-1)).toContain(readings.photoOffer);
    expect(choicesOf(receipt)).toEqual([]);
    expect(keyboardOf(receipt)).toBe('menu');

    const reading = await readingOf(meter.id);
    const added = await person.sendPhoto();
    expect(textsOf(added)).toEqual([readings.photoAdded(reading.id)]);
    expect(keyboardOf(added)).toBe('menu');
    const [photo] = await photoOf(stage, reading.id);
    expect(photo!.bytes.equals(TINY_JPEG)).toBe(true);
    expect(photo).toMatchObject({ mime: 'image/jpeg', channel: stage.channel, subscriber_id: subscriber.id });
  });

  it('a photo over the limit is refused in plain words and nothing is kept; a smaller one then goes in', async () => {
    const { person, meter } = await aMeterWithHistory(stage);
    await person.type(menu.readings);
    await person.type('160');
    await person.press(readings.sendButton);
    const reading = await readingOf(meter.id);
    const refused = await person.sendPhoto(undefined, BIG_JPEG);
    expect(textsOf(refused)).toEqual([readings.photoTooBig(MAX_BYTES)]);
    expect(await photoOf(stage, reading.id)).toHaveLength(0);
    // Not a picture at all (a text file sent as a photo): refused too.
    const notPicture = await person.sendPhoto(undefined, Buffer.from('це не фото'));
    expect(textsOf(notPicture)).toEqual([readings.photoUnreadable]);
    expect(textsOf(await person.sendPhoto())).toEqual([readings.photoAdded(reading.id)]);
    expect(await photoOf(stage, reading.id)).toHaveLength(1);
  });

  it('a confirmed jump is taken only with a photo: asked for first, then the reading and the photo are stored together', async () => {
    const { person, meter } = await aMemberWithMeter(stage);
    await person.type(menu.readings);
    await person.type('220');
    const ask = await person.press(readings.jumpYesButton);
    expect(textsOf(ask)).toEqual([readings.photoRequired]);
    expect(await stage.db.models.Reading.count({ where: { meterId: meter.id } })).toBe(0);
    expect(textsOf(await person.type('ось'))).toEqual([readings.photoRequired]);
    expect(textsOf(await person.sendPhoto(undefined, BIG_JPEG))).toEqual([readings.photoTooBig(MAX_BYTES)]);
    expect(await stage.db.models.Reading.count({ where: { meterId: meter.id } })).toBe(0);

    const receipt = await person.sendPhoto();
    const reading = await readingOf(meter.id);
    expect(reading.value).toBe(220);
    expect(textsOf(receipt).at(-1)).toContain(`Квитанція № ${reading.id}`);
    expect(textsOf(receipt).at(-1)).not.toContain(readings.photoOffer);
    expect(keyboardOf(receipt)).toBe('menu');
    expect(await photoOf(stage, reading.id)).toHaveLength(1);
  });
});
