import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aMeter } from '../../support/builders.ts';
import { TINY_JPEG } from '../../support/fake-telegram/index.ts';
import { aLetter, aTelegramPhoto, aWriter, startStaffHarness, type StaffHarness, type Writer } from './harness.ts';

const STAFF = -1001000000001;

let db: TestDatabase;
let h: StaffHarness;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startStaffHarness({ db, staffChatId: STAFF, isForum: true });
});
afterAll(async () => {
  await h?.stop();
  await db?.destroy();
});

async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const messagesOf = (letterId: number) =>
  db.sequelize.query<{ author: string; text: string; staff_name: string | null; attachments: unknown[] }>(
    `SELECT author, text, staff_name, attachments FROM letter_messages WHERE letter_id = :letterId ORDER BY id`,
    { replacements: { letterId }, type: QueryTypes.SELECT },
  );

/** A subscriber's reading with its meter photo, as the readings flow stores them. */
async function aPhotographedReading(meterId: number, subscriberId: number, seed: { value: number; localDate: string; bytes: Buffer }): Promise<number> {
  const [reading] = await db.sequelize.query<{ id: number }>(
    `INSERT INTO readings (meter_id, value, local_date, subscriber_id, channel) VALUES (:meterId, :value, :localDate, :subscriberId, 'viber') RETURNING id`,
    { replacements: { meterId, value: seed.value, localDate: seed.localDate, subscriberId }, type: QueryTypes.SELECT },
  );
  await db.sequelize.query(
    `INSERT INTO reading_photos (reading_id, bytes, mime, sha256, channel, subscriber_id, created_at) VALUES (:id, :bytes, 'image/jpeg', 'x', 'viber', :subscriberId, now())`,
    { replacements: { id: reading!.id, bytes: seed.bytes, subscriberId } },
  );
  return reading!.id;
}

const cardOf = (letterId: number) => h.tg.sent(STAFF).find((m) => (m.text ?? '').startsWith(`📨 Лист №${letterId} `));

/** Lets the bot take every queued update (other chats are handled concurrently, so give them a moment too). */
async function settle() {
  await h.tg.waitFor(() => h.tg.pendingUpdates().length === 0);
  await new Promise((resolve) => setTimeout(resolve, 300));
}

describe('the staff desk in a forum group', () => {
  let olena: Writer;
  let firstLetter: number;
  let secondLetter: number;
  const operator = { id: 7001, first_name: 'Ірина', last_name: 'Коваль' };

  beforeAll(async () => {
    olena = await aWriter(h, { userId: 5101, name: 'Олена Петренко', phone: '380671112233' });
  });

  it('forwards a letter with photos into a new topic titled with the name and account, opened by a pinned card', async () => {
    const photos = [aTelegramPhoto(h.tg), aTelegramPhoto(h.tg)];
    firstLetter = await aLetter(h.core, olena, { text: 'Тече кран у підвалі', attachments: photos });
    await h.drain();

    const topics = h.tg.topics(STAFF);
    expect(topics).toHaveLength(1);
    expect(topics[0]!.name).toBe(`Олена Петренко · ${olena.account.number}`);
    const thread = topics[0]!.message_thread_id;

    const inTopic = h.tg.sent(STAFF).filter((m) => m.message_thread_id === thread);
    const subscriberCard = inTopic[0]!;
    expect(subscriberCard.text).toContain('👤 Олена Петренко · Telegram');
    const chat = await h.adminApi.getChat(STAFF);
    expect(chat.pinned_message?.message_id).toBe(subscriberCard.message_id);

    const card = cardOf(firstLetter)!;
    expect(card.message_thread_id).toBe(thread);
    expect(card.text).toContain('Запитання');
    expect(card.text).toContain('Від: Олена Петренко · Telegram');
    expect(card.text).toContain('Телефон: +380671112233 (підтверджений)');
    expect(card.text).toContain(`Рахунок № ${olena.account.number} · ${olena.account.address} · борг 123,45 грн`);
    expect(card.text).toContain('фото: 2');
    expect(card.text).toContain('Тече кран у підвалі');
    const buttons = (card.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard.flat().map((b) => b.text);
    expect(buttons).toEqual(['Закрити']);

    const sentPhotos = inTopic.filter((m) => m.method === 'sendPhoto');
    expect(sentPhotos.map((m) => m.params.photo)).toEqual(photos.map((p) => p.ref));
    expect(sentPhotos.every((m) => m.reply_to_message?.message_id === card.message_id)).toBe(true);
  });

  it('reuses the topic for the next letter of the same subscriber', async () => {
    secondLetter = await aLetter(h.core, olena, { text: 'І ще питання про рахунок' });
    await h.drain();
    expect(h.tg.topics(STAFF)).toHaveLength(1);
    expect(cardOf(secondLetter)!.message_thread_id).toBe(h.tg.topics(STAFF)[0]!.message_thread_id);
    expect(h.tg.calls('createForumTopic')).toHaveLength(1);
  });

  it("sends a staff message in the subscriber's topic to the subscriber, and reports the delivery", async () => {
    const thread = h.tg.topics(STAFF)[0]!.message_thread_id;
    const staffMember = h.group.member(h.tg.user(operator), 'administrator');
    staffMember.sendText('Добрий день! Майстер прийде завтра.', { threadId: thread });

    const reply = await h.tg.waitForSent(Number(olena.subscriber.channelUserId), 'Майстер прийде завтра', { timeout: 1 }).catch(() => null);
    expect(reply).toBeNull(); // nothing leaves before the outbox runs it

    await eventually(async () => (await messagesOf(secondLetter)).some((m) => m.author === 'staff'));
    await h.drain();
    const delivered = await h.tg.waitForSent(Number(olena.subscriber.channelUserId), 'Майстер прийде завтра');
    // The newest open letter of the topic is the one answered.
    expect(delivered.text).toBe(`Відповідь на ваш лист №${secondLetter}:\n\nДобрий день! Майстер прийде завтра.`);
    const staffRows = (await messagesOf(secondLetter)).filter((m) => m.author === 'staff');
    expect(staffRows).toEqual([expect.objectContaining({ staff_name: 'Ірина Коваль', text: 'Добрий день! Майстер прийде завтра.' })]);
    const status = await h.tg.waitForSent(STAFF, '✅ Доставлено абонентові.');
    expect(status.message_thread_id).toBe(thread);
  });

  it('keeps /note inside the group: stored as a note, never sent to the subscriber', async () => {
    const before = h.tg.sent(Number(olena.subscriber.channelUserId)).length;
    const card = cardOf(firstLetter)!;
    const staffMember = h.group.member(h.tg.user(operator), 'administrator');
    staffMember.command('/note Абонент дзвонив, просив не турбувати до обіду', { threadId: card.message_thread_id!, replyTo: card.message_id });
    await h.tg.waitForSent(STAFF, `📝 Нотатку додано до листа №${firstLetter}`);
    await h.drain();
    expect(h.tg.sent(Number(olena.subscriber.channelUserId))).toHaveLength(before);
    expect((await messagesOf(firstLetter)).filter((m) => m.author === 'note').map((m) => m.text)).toEqual([
      'Абонент дзвонив, просив не турбувати до обіду',
    ]);
  });

  it('closes a letter with its button, tells the subscriber once, and a second press is harmless', async () => {
    const card = cardOf(firstLetter)!;
    const staffMember = h.group.member(h.tg.user(operator), 'administrator');
    const first = staffMember.pressButton(card, 'Закрити');
    await h.tg.waitFor(() => h.tg.callbackAnswer(first));
    expect(h.tg.callbackAnswer(first)!.text).toBe(`Лист №${firstLetter} закрито.`);
    const second = staffMember.pressButton(card.message_id, `sd:close:${firstLetter}`, { force: true });
    await h.tg.waitFor(() => h.tg.callbackAnswer(second));
    expect(h.tg.callbackAnswer(second)!.text).toBe('Цей лист уже закрито.');

    await h.drain();
    const closedNotices = h.tg.sentTexts(Number(olena.subscriber.channelUserId)).filter((t) => t.includes(`Ваш лист №${firstLetter} закрито`));
    expect(closedNotices).toHaveLength(1);
    const [letter] = await db.sequelize.query<{ status: string; closed_by: string }>(`SELECT status, closed_by FROM letters WHERE id = :id`, {
      replacements: { id: firstLetter },
      type: QueryTypes.SELECT,
    });
    expect(letter).toEqual({ status: 'closed', closed_by: 'Ірина Коваль' });
    expect(cardOf(firstLetter)!.text).toContain('Статус: закрите (Ірина Коваль)');
  });

  it('applies a reading correction with one button (down is allowed), records who did it, and tells the subscriber', async () => {
    const meter = await aMeter(db, olena.account, { serial: 'KV-77', lastReading: 530 });
    const letterId = await aLetter(h.core, olena, {
      text: 'Помилилася: правильно 503',
      category: 'reading-correction',
      correction: { meterId: meter.id, meterSerial: meter.serial, lastValue: 530, requestedValue: 503 },
    });
    await h.drain();
    const card = cardOf(letterId)!;
    expect(card.text).toContain('Лічильник KV-77: останній показник 530, абонент просить 503');
    const staffMember = h.group.member(h.tg.user(operator), 'administrator');
    const press = staffMember.pressButton(card, 'Виправити показник');
    await h.tg.waitFor(() => h.tg.callbackAnswer(press));
    expect(h.tg.callbackAnswer(press)!.text).toBe('Показник KV-77: 503 внесено, лист закрито.');
    const again = staffMember.pressButton(card.message_id, `sd:fix:${letterId}`, { force: true });
    await h.tg.waitFor(() => h.tg.callbackAnswer(again));
    expect(h.tg.callbackAnswer(again)!.text).toBe('Цей показник уже внесено.');

    const readings = await db.sequelize.query<{ value: number; kind: string; staff_name: string }>(
      `SELECT value, kind, staff_name FROM readings WHERE meter_id = :meterId`,
      { replacements: { meterId: meter.id }, type: QueryTypes.SELECT },
    );
    expect(readings).toEqual([{ value: 503, kind: 'staff-correction', staff_name: 'Ірина Коваль' }]);
    await h.drain();
    const told = h.tg.sentTexts(Number(olena.subscriber.channelUserId)).filter((t) => t.includes('показник лічильника KV-77 виправлено: 503'));
    expect(told).toHaveLength(1);
  });

  it('makes a new topic when staff deleted the old one, and the letter still arrives', async () => {
    const old = h.tg.topics(STAFF)[0]!.message_thread_id;
    await h.adminApi.deleteForumTopic(STAFF, old);
    const letterId = await aLetter(h.core, olena, { text: 'Пишу знову' });
    await h.drain();
    const open = h.tg.topics(STAFF).filter((t) => !t.deleted);
    expect(open).toHaveLength(1);
    expect(open[0]!.message_thread_id).not.toBe(old);
    const card = cardOf(letterId)!;
    expect(card.message_thread_id).toBe(open[0]!.message_thread_id);
    const [row] = await db.sequelize.query<{ thread_id: number }>(`SELECT thread_id FROM staff_topics WHERE chat_id = :chatId`, {
      replacements: { chatId: STAFF },
      type: QueryTypes.SELECT,
    });
    expect(row!.thread_id).toBe(open[0]!.message_thread_id);
  });

  it('reports in the group when the subscriber blocked the bot', async () => {
    const blocked = await aWriter(h, { userId: 5102, name: 'Степан' });
    const letterId = await aLetter(h.core, blocked, { text: 'Коли буде вода?' });
    await h.drain();
    h.tg.blockedBy(5102);
    const card = cardOf(letterId)!;
    h.group.member(h.tg.user(operator), 'administrator').replyTo(card.message_id, 'Вода буде о 18:00', { threadId: card.message_thread_id! });
    await eventually(async () => (await messagesOf(letterId)).some((m) => m.author === 'staff'));
    await h.drain();
    const report = await h.tg.waitForSent(STAFF, 'абонент заблокував бота');
    expect(report.reply_to_message?.text).toBe('Вода буде о 18:00');
  });

  it('answers /account, /letters and /letter N in the group', async () => {
    const staffMember = h.group.member(h.tg.user(operator), 'administrator');
    staffMember.command(`/account ${olena.account.number}`);
    const account = await h.tg.waitForSent(STAFF, `🏠 Рахунок № ${olena.account.number}`);
    expect(account.text).toContain('Власник: Шевченко Тарас Григорович');
    expect(account.text).toContain('KV-77 (водопостачання, кухня): останній показник 503');
    expect(account.text).toContain('Олена Петренко · Telegram · +380*****2233 · за прізвищем');
    expect(account.text).not.toContain('380671112233');

    staffMember.command('/letters');
    const list = await h.tg.waitForSent(STAFF, 'Відкриті листи');
    const numbers = [...(list.text ?? '').matchAll(/^№(\d+) /gm)].map((m) => Number(m[1]));
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers).not.toContain(firstLetter);

    staffMember.command(`/letter ${firstLetter}`);
    const one = await h.tg.waitForSent(STAFF, `📨 Лист №${firstLetter} `);
    expect(one.text).toContain('Історія:');
    expect(one.text).toContain('Нотатка (Ірина Коваль)');
  });

  it('sends the newest meter photo of each meter with /account, from the bytes the app keeps', async () => {
    const writer = await aWriter(h, { userId: 5109, name: 'Марія Бойко' });
    const meter = await aMeter(db, writer.account, { serial: 'PH-1' });
    const other = await aMeter(db, writer.account, { serial: 'PH-2' });
    const older = Buffer.concat([TINY_JPEG, Buffer.from('older')]);
    const newer = Buffer.concat([TINY_JPEG, Buffer.from('newer')]);
    await aPhotographedReading(meter.id, writer.subscriber.id, { value: 130, localDate: '2026-10-20', bytes: older });
    await aPhotographedReading(meter.id, writer.subscriber.id, { value: 140, localDate: '2026-11-20', bytes: newer });
    const staffMember = h.group.member(h.tg.user(operator), 'administrator');
    staffMember.command(`/account ${writer.account.number}`);
    await h.tg.waitForSent(STAFF, `🏠 Рахунок № ${writer.account.number}`);
    const photo = await h.tg.waitForSent(STAFF, '📷 Лічильник № PH-1');
    expect(photo.caption).toContain('показник 140 м³ від 20.11.2026');
    expect(h.tg.fileBytes(photo.photo!.at(-1)!.file_id)!.equals(newer)).toBe(true);
    // A meter without a photo sends none.
    await settle();
    expect(h.tg.sent(STAFF).some((m) => (m.caption ?? '').includes(other.serial))).toBe(false);
  });

  it('shows the meter’s newest photo under a correction letter about that meter', async () => {
    const writer = await aWriter(h, { userId: 5110, name: 'Іван Дуб' });
    const meter = await aMeter(db, writer.account, { serial: 'PH-7', lastReading: 200 });
    const bytes = Buffer.concat([TINY_JPEG, Buffer.from('correction')]);
    const readingId = await aPhotographedReading(meter.id, writer.subscriber.id, { value: 200, localDate: '2026-11-20', bytes });
    const letterId = await aLetter(h.core, writer, {
      text: 'Помилився: правильно 150',
      category: 'reading-correction',
      correction: { meterId: meter.id, meterSerial: meter.serial, lastValue: 200, requestedValue: 150 },
    });
    await h.drain();
    const photo = await h.tg.waitForSent(STAFF, '📷 Лічильник № PH-7');
    expect(photo.caption).toContain(`квитанція № ${readingId}`);
    expect(photo.reply_to_message?.message_id).toBe(cardOf(letterId)!.message_id);
    expect(h.tg.fileBytes(photo.photo!.at(-1)!.file_id)!.equals(bytes)).toBe(true);
  });

  it('shows the last reminders run on /reminders', async () => {
    const staffMember = h.group.member(h.tg.user(operator), 'administrator');
    staffMember.command('/reminders');
    await h.tg.waitForSent(STAFF, 'Нагадування ще не надсилалися.');

    await db.sequelize.query(
      `INSERT INTO reminder_runs (slot, period, started_at, finished_at, outcome, due, sent, failed, blocked, skipped, already_done)
       VALUES ('2026-11-20T10:00', '2026-11-01', '2026-11-20T08:00:00Z', '2026-11-20T08:05:00Z', 'completed', 10, 9, 0, 1, 0, 0),
              ('2026-11-21T10:00', '2026-11-01', '2026-11-21T08:00:00Z', '2026-11-21T08:02:00Z', 'completed', 4, 2, 1, 1, 0, 0)`,
    );
    staffMember.command('/reminders');
    const report = await h.tg.waitForSent(STAFF, /Останнє розсилання нагадувань/);
    expect(report.text).toContain('2026-11-21T10:00');
    expect(report.text).toContain('Мали отримати: 4. Надіслано: 2. Не вдалося: 1. Заблокували бота: 1.');
  });

  it('ignores staff commands and replies from anywhere but the staff group', async () => {
    const stranger = h.tg.user({ id: 5999, first_name: 'Хтось' });
    stranger.command(`/account ${olena.account.number}`);
    const other = h.tg.group({ id: -1009999999999, title: 'Інша група' });
    const member = other.member(stranger);
    member.command(`/account ${olena.account.number}`);
    member.command('/letters');
    member.command(`/letter ${firstLetter}`);
    await settle();
    expect(h.tg.sentTexts(-1009999999999)).toEqual([]);
    expect(h.tg.sentTexts(5999).join('\n')).not.toContain(olena.account.address);
    expect(h.tg.sentTexts(5999).join('\n')).not.toContain('Рахунок №');
  });
});
