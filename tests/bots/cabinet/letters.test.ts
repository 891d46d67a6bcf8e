import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { addNote, answerLetter, LETTER_ATTACHMENTS_MAX, LETTER_TEXT_MAX, letterCategories, writeLetter } from '../../../core/letters/index.ts';
import { common } from '../../../bots/texts/common.ts';
import { letters } from '../../../bots/texts/letters.ts';
import { menu, menuTexts } from '../../../bots/texts/menu.ts';
import { channels, choicesOf, keyboardOf, textsOf } from '../../support/channels.ts';
import { aLink, anAccount } from '../../support/builders.ts';
import { aMember, useChannel, type Stage } from './scenario.ts';

// «Написати листа» and «Мої листи», played the same on both channels.

const EMERGENCY_PHONE = '+380 56 000 10 40';
const categoryLabels = letterCategories.map((c) => letters.categories[c]);

describe.each(channels)('writing a letter on $name', (kind) => {
  const stage = useChannel(kind, { at: '2026-11-25T10:00:00Z', settings: { emergencyPhone: EMERGENCY_PHONE } });
  const lettersOf = (subscriberId: number) => stage.db.models.Letter.findAll({ where: { subscriberId }, order: [['id', 'ASC']] });

  it('the subject, the account of several, a photo with a caption at the text step taken as the text and a photo, a look at it, «Так, надіслати»', async () => {
    const { person, subscriber } = await aMember(stage);
    const home = await anAccount(stage.db);
    const dacha = await anAccount(stage.db);
    await aLink(stage.db, subscriber, home);
    await aLink(stage.db, subscriber, dacha);

    const subjects = await person.type(menu.letter);
    expect(textsOf(subjects)).toEqual([letters.chooseCategory]);
    expect(choicesOf(subjects)).toEqual(categoryLabels);
    const which = await person.press(letters.categories.question);
    expect(textsOf(which)).toEqual([letters.chooseAccount]);
    expect(choicesOf(which)).toEqual([letters.accountButton(home.number, home.address), letters.accountButton(dacha.number, dacha.address), letters.noAccountButton]);
    const ask = await person.press(letters.accountButton(dacha.number, dacha.address));
    expect(textsOf(ask)).toEqual([letters.askText(LETTER_TEXT_MAX)]);
    expect(keyboardOf(ask)).toBe('flow');

    const photos = await person.sendPhoto('Тече труба під раковиною');
    expect(textsOf(photos)).toEqual([letters.photoAdded(1, LETTER_ATTACHMENTS_MAX)]);
    expect(choicesOf(photos)).toEqual([letters.doneButton]);
    const look = await person.press(letters.doneButton);
    expect(textsOf(look)).toEqual([letters.confirm({ category: 'question', accountNumber: dacha.number, text: 'Тече труба під раковиною', photos: 1 })]);
    expect(choicesOf(look)).toEqual([letters.sendButton, letters.changeButton]);
    expect(await lettersOf(subscriber.id)).toHaveLength(0);

    const sent = await person.press(letters.sendButton);
    const [letter] = await lettersOf(subscriber.id);
    expect(letter).toMatchObject({ category: 'question', accountId: dacha.id, channel: stage.channel, text: 'Тече труба під раковиною', status: 'new' });
    expect(letter!.attachments).toHaveLength(1);
    expect(letter!.attachments[0]).toMatchObject({ kind: 'photo', channel: stage.channel });
    expect(textsOf(sent)).toEqual([letters.stored(letter!.id)]);
    expect(keyboardOf(sent)).toBe('menu');
  });

  it('«Аварія» tells the emergency phone at once; a photo without a caption at the text step asks for the text first; a text over the limit is refused', async () => {
    const { person, subscriber } = await aMember(stage);
    await person.type(menu.letter);
    const emergency = await person.press(letters.categories.emergency);
    // No account linked: straight to the text, after the phone.
    expect(textsOf(emergency)).toEqual([letters.emergencyPhone(EMERGENCY_PHONE), letters.askText(LETTER_TEXT_MAX)]);
    expect(textsOf(await person.sendPhoto())).toEqual([letters.textFirst]);
    const long = 'в'.repeat(LETTER_TEXT_MAX + 1);
    expect(textsOf(await person.type(long))).toEqual([letters.tooLong(LETTER_TEXT_MAX, LETTER_TEXT_MAX + 1)]);
    const photos = await person.type('Затоплює підвал');
    expect(textsOf(photos)).toEqual([letters.askPhotos(LETTER_ATTACHMENTS_MAX)]);
    expect(choicesOf(photos)).toEqual([letters.noPhotosButton]);
    // A sticker at the photos: explained, and «Без фото» still on offer.
    const sticker = await person.sendSticker();
    expect(textsOf(sticker)).toEqual([common.notUnderstoodMedia]);
    expect(choicesOf(sticker)).toEqual([letters.noPhotosButton]);
    await person.press(letters.noPhotosButton);
    await stage.world.restart();
    const sent = await person.press(letters.sendButton);
    const stored = await lettersOf(subscriber.id);
    expect(stored.map((l) => [l.category, l.accountId, l.text, l.attachments.length])).toEqual([['emergency', null, 'Затоплює підвал', 0]]);
    expect(textsOf(sent)).toEqual([letters.stored(stored[0]!.id)]);
  });

  it('«Скасувати» at the look leaves the flow: nothing stored; its «Так, надіслати» is stale then', async () => {
    const { person, subscriber } = await aMember(stage);
    await person.type(menu.letter);
    await person.press(letters.categories['service-request']);
    await person.type('Прошу повірити лічильник');
    await person.press(letters.noPhotosButton);
    const old = person.markButton(letters.sendButton);
    const cancelled = await person.press(common.cancelButton);
    expect(textsOf(cancelled)).toEqual([common.cancelled]);
    expect(keyboardOf(cancelled)).toBe('menu');
    const stale = await person.pressMarked(letters.sendButton, old);
    expect(textsOf(stale)).toEqual([stage.channel === 'telegram' ? common.staleButton : common.unknownText]);
    expect(await lettersOf(subscriber.id)).toHaveLength(0);
  });
});

describe.each(channels)('my letters on $name', (kind) => {
  const stage = useChannel(kind, { at: '2026-11-25T10:00:00Z' });

  async function aLetter(s: Stage, subscriberId: number, text: string, at: string): Promise<number> {
    const outcome = await writeLetter({ ...s.world.core, clock: new FixedClock(new Date(at)) }, { subscriberId, category: 'question', text, attachments: [] });
    if (outcome.kind !== 'stored') throw new Error(outcome.kind);
    return outcome.letterId;
  }

  it('with none, says how to write one', async () => {
    const { person } = await aMember(stage);
    const none = await person.type(menu.letters);
    expect(textsOf(none)).toEqual([letters.none]);
    expect(keyboardOf(none)).toBe('menu');
  });

  it('lists letters newest first with the answer and the same "no answer yet" as the letter, never a note; opens one; continues after a restart', async () => {
    const { person, subscriber } = await aMember(stage);
    const answered = await aLetter(stage, subscriber.id, 'Чому такий рахунок?', '2026-11-20T10:00:00Z');
    const core = stage.world.core;
    await addNote(core, { letterId: answered, staffName: 'Марія', text: 'Внутрішня примітка' });
    await answerLetter(core, { letterId: answered, staffName: 'Марія', text: 'Перерахунок зроблено' });
    const waiting = await aLetter(stage, subscriber.id, 'Коли буде вода?', '2026-11-21T10:00:00Z');

    const list = await person.type(menu.letters);
    expect(textsOf(list)).toHaveLength(1);
    const text = textsOf(list)[0]!;
    expect(text.startsWith(letters.listHeader)).toBe(true);
    expect(text.indexOf(`Лист №${waiting}`)).toBeLessThan(text.indexOf(`Лист №${answered}`));
    expect(text).toContain('Відповідь: Перерахунок зроблено');
    expect(text.split(letters.noAnswerYet)).toHaveLength(2);
    expect(text).not.toContain('Внутрішня примітка');
    expect(choicesOf(list)).toEqual([letters.openButton(waiting), letters.openButton(answered), letters.toMenuButton]);

    const history = await person.press(letters.openButton(answered));
    expect(textsOf(history)[0]).toContain('Перерахунок зроблено');
    expect(textsOf(history)[0]).not.toContain('Внутрішня примітка');
    expect(textsOf(history)[0]).not.toContain(letters.noAnswerYet);
    expect(choicesOf(history)).toEqual([letters.backToListButton, letters.toMenuButton]);

    await stage.world.restart();
    await person.press(letters.backToListButton);
    const open = await person.press(letters.openButton(waiting));
    expect(textsOf(open)[0]).toContain('Коли буде вода?');
    expect(textsOf(open)[0]).toContain(letters.noAnswerYet);
    const menuBack = await person.press(letters.toMenuButton);
    expect(textsOf(menuBack)).toEqual([menuTexts.shown]);
    expect(keyboardOf(menuBack)).toBe('menu');
  });
});
