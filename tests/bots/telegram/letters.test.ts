import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../support/database.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { closeTelegramWorld, startTelegramWorld, type TelegramHarness } from '../../support/telegram-harness.ts';
import { common } from '../../../bots/texts/common.ts';
import { letters } from '../../../bots/texts/letters.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { actionData, cb } from '../../../bots/telegram/callback-data.ts';
import { addNote, answerLetter, LETTER_ATTACHMENTS_MAX, LETTER_TEXT_MAX, writeLetter } from '../../../core/letters/index.ts';

let db: TestDatabase;
let h: TelegramHarness;

beforeAll(async () => {
  ({ db, h } = await startTelegramWorld());
});
afterAll(() => closeTelegramWorld({ db, h }));

describe('writing a letter', () => {
  it('with two photos: stored with the largest sizes as attachments, its number shown', async () => {
    const account = await anAccount(db, { number: '750001' });
    const subscriber = await aSubscriber(db, { channelUserId: '7601' });
    await aLink(db, subscriber, account);
    const user = h.tg.user({ id: 7601, first_name: 'Марія' });

    user.command('/letter');
    const categories = await h.tg.waitForSent(user.chatId, letters.chooseCategory);
    // Text where a category button is expected.
    user.sendText('питання');
    await h.tg.waitForSent(user.chatId, common.pressAButton);
    user.pressButton(categories, cb.letterCategory('emergency'));
    // One linked account: no account question.
    await h.tg.waitForSent(user.chatId, letters.askText(LETTER_TEXT_MAX));
    // A photo where the text is asked: explained, the flow waits for the text.
    user.sendPhoto();
    await h.tg.waitForSent(user.chatId, common.notUnderstoodMedia);
    user.sendText('Тече труба в підвалі будинку.');
    await h.tg.waitForSent(user.chatId, letters.askPhotos(LETTER_ATTACHMENTS_MAX));

    const first = user.sendPhoto();
    await h.tg.waitForSent(user.chatId, letters.photoAdded(1, LETTER_ATTACHMENTS_MAX));
    user.sendVoice();
    await h.tg.waitForSent(user.chatId, letters.photosExpected);
    const second = user.sendPhoto();
    const added = await h.tg.waitForSent(user.chatId, letters.photoAdded(2, LETTER_ATTACHMENTS_MAX));
    user.pressButton(added, cb.letterPhotosDone);
    const confirm = await h.tg.waitForSent(user.chatId, 'Перевірте, будь ласка, ваш лист');
    expect(confirm.text).toContain('Тема: Аварія');
    expect(confirm.text).toContain('Рахунок: № 750001');
    expect(confirm.text).toContain('Фото: 2');
    user.pressButton(confirm, cb.letterSend);
    const stored = await h.tg.waitForSent(user.chatId, /Ваш лист №\d+ прийнято/);

    const letter = await db.models.Letter.findOne({ where: { subscriberId: subscriber.id } });
    expect(stored.text).toBe(letters.stored(letter!.id));
    expect(letter).toMatchObject({ category: 'emergency', accountId: account.id, channel: 'telegram', text: 'Тече труба в підвалі будинку.' });
    const largest = (u: typeof first) => u.message!.photo!.at(-1)!.file_id;
    expect(first.message!.photo!.length).toBeGreaterThan(1);
    expect(letter!.attachments).toEqual([
      { kind: 'photo', ref: largest(first), channel: 'telegram' },
      { kind: 'photo', ref: largest(second), channel: 'telegram' },
    ]);
    const outbox = await db.models.OutboxMessage.findAll({ where: { kind: 'letter-to-staff' } });
    expect(outbox.filter((o) => o.payload.letterId === letter!.id)).toHaveLength(1);
  });

  it('asks for the account when several are linked, and asks again for a text over the limit', async () => {
    const first = await anAccount(db, { number: '750011', address: 'вул. Садова, 1' });
    const second = await anAccount(db, { number: '750012', address: 'вул. Садова, 2' });
    const subscriber = await aSubscriber(db, { channelUserId: '7602' });
    await aLink(db, subscriber, first);
    await aLink(db, subscriber, second);
    const user = h.tg.user({ id: 7602, first_name: 'Борис' });

    user.sendText(menu.letter);
    const categories = await h.tg.waitForSent(user.chatId, letters.chooseCategory);
    user.pressButton(categories, cb.letterCategory('data-correction'));
    const choose = await h.tg.waitForSent(user.chatId, letters.chooseAccount);
    user.pressButton(choose, cb.letterAccount(second.id));
    await h.tg.waitForSent(user.chatId, letters.askText(LETTER_TEXT_MAX));

    user.sendText('а'.repeat(LETTER_TEXT_MAX + 1));
    await h.tg.waitForSent(user.chatId, letters.tooLong(LETTER_TEXT_MAX, LETTER_TEXT_MAX + 1));
    user.sendText('Прошу змінити прізвище власника.');
    const photos = await h.tg.waitForSent(user.chatId, letters.askPhotos(LETTER_ATTACHMENTS_MAX));
    user.pressButton(photos, cb.letterNoPhotos);
    const confirm = await h.tg.waitForSent(user.chatId, 'Перевірте, будь ласка, ваш лист');
    expect(confirm.text).toContain('Рахунок: № 750012');
    expect(confirm.text).not.toContain('Фото');

    // "Change" asks for the text again; photos are asked again after it.
    user.pressButton(confirm, cb.letterChange);
    await h.tg.waitForSent(user.chatId, letters.changeText);
    user.sendText('Прошу змінити прізвище власника на Коваленко.');
    const photosAgain = await h.tg.waitForSent(user.chatId, letters.askPhotos(LETTER_ATTACHMENTS_MAX));
    user.pressButton(photosAgain, cb.letterNoPhotos);
    const confirmAgain = await h.tg.waitForSent(user.chatId, 'Перевірте, будь ласка, ваш лист');
    user.pressButton(confirmAgain, cb.letterSend);
    await h.tg.waitForSent(user.chatId, /Ваш лист №\d+ прийнято/);

    const stored = await db.models.Letter.findAll({ where: { subscriberId: subscriber.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      category: 'data-correction',
      accountId: second.id,
      text: 'Прошу змінити прізвище власника на Коваленко.',
      attachments: [],
    });
  });

  it('/cancel leaves the flow and nothing is stored; a menu button leaves it too', async () => {
    const subscriber = await aSubscriber(db, { channelUserId: '7603' });
    const user = h.tg.user({ id: 7603, first_name: 'Ліна' });
    user.command('/letter');
    const categories = await h.tg.waitForSent(user.chatId, letters.chooseCategory);
    user.pressButton(categories, cb.letterCategory('question'));
    // No linked account: a letter is still fine, without one.
    await h.tg.waitForSent(user.chatId, letters.askText(LETTER_TEXT_MAX));
    user.command('/cancel');
    await h.tg.waitForSent(user.chatId, common.cancelled);

    user.command('/letter');
    const again = await h.tg.waitForSent(user.chatId, letters.chooseCategory);
    user.pressButton(again, cb.letterCategory('question'));
    await h.tg.waitForSent(user.chatId, letters.askText(LETTER_TEXT_MAX));
    user.sendText(menu.letters);
    await h.tg.waitForSent(user.chatId, letters.none);
    user.sendText('Коли буде вода?');
    await h.tg.waitForSent(user.chatId, common.unknownText);
    expect(await db.models.Letter.count({ where: { subscriberId: subscriber.id } })).toBe(0);
  });
});

describe('my letters', () => {
  it('lists letters newest first with status and the staff answer, never a note; opens one for its history', async () => {
    const subscriber = await aSubscriber(db, { channelUserId: '7604' });
    const user = h.tg.user({ id: 7604, first_name: 'Дарина' });
    const older = await writeLetter(h.core, { subscriberId: subscriber.id, category: 'question', text: 'Коли перерахунок?', attachments: [] });
    if (older.kind !== 'stored') throw new Error(older.kind);
    const answered = await answerLetter(h.core, { letterId: older.letterId, staffName: 'Оператор', text: 'Перерахунок буде в грудні.' });
    expect(answered.kind).toBe('answered');
    const noted = await addNote(h.core, { letterId: older.letterId, staffName: 'Оператор', text: 'ВНУТРІШНЯ НОТАТКА' });
    expect(noted.kind).toBe('noted');
    h.clock.advance(60_000);
    const newer = await writeLetter(h.core, { subscriberId: subscriber.id, category: 'service-request', text: 'Прошу повірити лічильник.', attachments: [] });
    if (newer.kind !== 'stored') throw new Error(newer.kind);

    user.command('/letters');
    const list = await h.tg.waitForSent(user.chatId, letters.listHeader);
    const text = list.text!;
    expect(text.indexOf(`Лист №${newer.number}`)).toBeGreaterThan(-1);
    expect(text.indexOf(`Лист №${newer.number}`)).toBeLessThan(text.indexOf(`Лист №${older.number}`));
    expect(text).toContain('Статус: нове');
    expect(text).toContain('Статус: є відповідь');
    expect(text).toContain('Відповідь: Перерахунок буде в грудні.');
    expect(text).not.toContain('ВНУТРІШНЯ НОТАТКА');

    user.pressButton(list, cb.openLetter(older.letterId));
    const history = await h.tg.waitForSent(user.chatId, `Лист №${older.number} — Запитання`);
    expect(history.text).toContain('Коли перерахунок?');
    expect(history.text).toContain('Відповідь водоканалу');
    expect(history.text).toContain('Перерахунок буде в грудні.');
    expect(history.text).not.toContain('ВНУТРІШНЯ НОТАТКА');

    // Another subscriber's letter does not open.
    const stranger = await aSubscriber(db, { channelUserId: '7605' });
    const theirs = await writeLetter(h.core, { subscriberId: stranger.id, category: 'question', text: 'Чуже', attachments: [] });
    if (theirs.kind !== 'stored') throw new Error(theirs.kind);
    const press = user.pressButton(list, cb.openLetter(theirs.letterId), { force: true });
    await h.tg.waitFor(() => h.tg.callbackAnswer(press));
    expect(h.tg.callbackAnswer(press)?.text).toBe(letters.notFound);
  });

  it('the letters:list button of a notice shows the list, even from inside another flow', async () => {
    const subscriber = await aSubscriber(db, { channelUserId: '7606' });
    const user = h.tg.user({ id: 7606, first_name: 'Ярема' });
    const letter = await writeLetter(h.core, { subscriberId: subscriber.id, category: 'question', text: 'Питання', attachments: [] });
    if (letter.kind !== 'stored') throw new Error(letter.kind);
    await h.app.notifier.send(
      { channel: 'telegram', channelUserId: '7606' },
      { text: 'На ваш лист надійшла відповідь.', actions: [{ label: menu.letters, action: 'letters:list' }] },
    );
    const notice = await h.tg.waitForSent(user.chatId, 'надійшла відповідь');

    user.command('/letter');
    await h.tg.waitForSent(user.chatId, letters.chooseCategory);
    user.pressButton(notice, actionData['letters:list']);
    const list = await h.tg.waitForSent(user.chatId, letters.listHeader);
    expect(list.text).toContain(`Лист №${letter.number}`);
    expect(list.text).toContain('Статус: нове');
  });
});
