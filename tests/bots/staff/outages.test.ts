import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { outageDesk } from '../../../bots/texts/outages.ts';
import { staff as staffTexts } from '../../../bots/texts/staff.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLink, aSubscriber } from '../../support/builders.ts';
import { anAccountAt } from '../../support/outages-builders.ts';
import type { FakeMember, SentMessage } from '../../support/fake-telegram/index.ts';
import { startStaffHarness, type StaffHarness } from './harness.ts';

// The staff group's /outage form end to end over the fake Telegram: bad answers are explained, the preview counts
// who is reached on which channel, the form survives a restart, «Надіслати» pressed twice announces once, and the
// card's buttons update the end time and close the outage. Only the staff group is served.

const STAFF = -1001000000080;
const OTHER_GROUP = -1001000000081;

let db: TestDatabase;
let h: StaffHarness;
let iryna: FakeMember;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startStaffHarness({ db, staffChatId: STAFF, isForum: false });
  iryna = h.group.member(h.tg.user({ id: 7801, first_name: 'Ірина', last_name: 'Коваль' }), 'administrator');
  // Соборна 12 (Telegram) and Садова 3 (Viber) are in the outage; Соборна 40 is not.
  const inRange = await aSubscriber(db, { channel: 'telegram', channelUserId: '5801', name: 'Олена' });
  const onSadova = await aSubscriber(db, { channel: 'viber', channelUserId: 'viber-5802', name: 'Петро' });
  const outside = await aSubscriber(db, { channel: 'telegram', channelUserId: '5803', name: 'Марко' });
  await aLink(db, inRange, await anAccountAt(db, "м. Кам'янське, вул. Соборна, 12, кв. 5"));
  await aLink(db, onSadova, await anAccountAt(db, "м. Кам'янське, вул. Садова, 3"));
  await aLink(db, outside, await anAccountAt(db, "м. Кам'янське, вул. Соборна, 40, кв. 1"));
});
afterAll(async () => {
  await h?.stop();
  await db?.destroy();
});

const reply = (match: string | RegExp) => h.tg.waitForSent(STAFF, match);
const buttonsOf = (message: SentMessage) => {
  const markup = message.reply_markup;
  return markup && 'inline_keyboard' in markup ? markup.inline_keyboard.flat() : [];
};
const buttonData = (message: SentMessage, label: string) => {
  const button = buttonsOf(message).find((b) => b.text === label || b.text.endsWith(label));
  if (!button || !('callback_data' in button)) throw new Error(`no button ${label}`);
  return button.callback_data!;
};
const outages = () =>
  db.sequelize.query<{ id: number; kind: string; status: string; starts_at: Date; ends_at: Date | null; affects: string[]; text: string; created_by: string }>(
    `SELECT id, kind, status, starts_at, ends_at, affects, text, created_by FROM outages ORDER BY id`,
    { type: QueryTypes.SELECT },
  );

describe('/outage in the staff group', () => {
  it('walks staff through the form, explaining every answer it cannot take, and previews the reach', async () => {
    iryna.command('/outage');
    await reply('Нове відключення, крок 1 з 5');

    iryna.sendText('Соборна 1-2x; 30');
    const refused = await reply('Не вдалося прочитати адреси');
    expect(refused.text).toContain('не номери будинків');
    expect(refused.text).toContain('«30» — немає назви вулиці');

    iryna.sendText('Соборна 1-25, 30; Садова');
    const kind = await reply(outageDesk.askKind);
    iryna.pressButton(kind.message_id, buttonData(kind, outageDesk.kindButtons.emergency));

    await reply('Крок 3 з 5');
    iryna.sendText('завтра зранку');
    await reply(outageDesk.periodRefused.unreadable);
    // 11:00 in Kyiv now: an emergency that began at 10:00 and runs until 18:00.
    iryna.sendText('10:00-18:00');

    const affects = await reply('Крок 4 з 5');
    iryna.pressButton(affects.message_id, buttonData(affects, outageDesk.nextButton));
    const none = await reply(outageDesk.affectsNone);
    iryna.pressButton(none.message_id, buttonData(none, 'Холодна вода'));
    const ticked = await reply('Крок 4 з 5');
    expect(buttonsOf(ticked).map((b) => b.text)).toContain('✅ Холодна вода');
    iryna.pressButton(ticked.message_id, buttonData(ticked, outageDesk.nextButton));

    await reply('Крок 5 з 5');
    iryna.sendText('x'.repeat(1001));
    await reply('Текст задовгий: 1001 символів');
    iryna.sendText('Пошкодження водогону, бригада на місці.');

    const preview = await reply('Перевірте відключення (аварійне)');
    expect(preview.text).toContain('Адреси: Соборна: 1-25, 30; Садова (вся вулиця)');
    expect(preview.text).toContain('Час: з 25.11.2026 о 10:00 до 25.11.2026 о 18:00');
    expect(preview.text).toContain('Відсутні: холодне водопостачання');
    expect(preview.text).toContain('Особових рахунків за цими адресами: 2.');
    expect(preview.text).toContain('Отримають: 2 абоненти (Telegram 1, Viber 1).');
    expect(await outages()).toEqual([]);
  });

  it('keeps the form through a restart, and «Надіслати» pressed twice announces once', async () => {
    const preview = h.tg.sent(STAFF).filter((m) => (m.text ?? '').startsWith('Перевірте відключення')).at(-1)!;
    await h.restart();
    const send = buttonData(preview, outageDesk.sendButton);
    iryna.pressButton(preview.message_id, send);
    await reply(/✅ Відключення №\d+ оголошено/);
    iryna.pressButton(preview.message_id, send, { force: true });
    await h.tg.waitFor(() => h.tg.pendingUpdates().length === 0);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const [outage, ...more] = await outages();
    expect(more).toEqual([]);
    expect(outage).toMatchObject({ kind: 'emergency', status: 'announced', affects: ['cold-water'], text: 'Пошкодження водогону, бригада на місці.', created_by: 'Ірина Коваль' });
    expect(new Date(outage!.starts_at).toISOString()).toBe('2026-11-25T08:00:00.000Z');
    expect(new Date(outage!.ends_at!).toISOString()).toBe('2026-11-25T16:00:00.000Z');
    const card = await reply(`🚨 Відключення №${outage!.id} (аварійне)`);
    expect(buttonsOf(card).map((b) => b.text)).toEqual([outageDesk.newEndButton, outageDesk.closeButton]);
    // The second press found no form: it was answered as a stale button, nothing more was said.
    expect(h.tg.sentTexts(STAFF).filter((t) => t.includes('оголошено'))).toHaveLength(1);
  });

  it('takes a new end time from the card, refusing one before the start', async () => {
    const [outage] = await outages();
    const card = h.tg.sent(STAFF).find((m) => (m.text ?? '').startsWith(`🚨 Відключення №${outage!.id}`))!;
    iryna.pressButton(card.message_id, buttonData(card, outageDesk.newEndButton));
    await reply(`Відключення №${outage!.id} (зараз до 25.11.2026 о 18:00): до якого часу тепер?`);
    iryna.sendText('25.11 09:00');
    await reply(outageDesk.endRefused['end-before-start']);
    iryna.sendText('20:30');
    await reply(`✅ Відключення №${outage!.id}: нове завершення 25.11.2026 о 20:30`);
    const [after] = await outages();
    expect(new Date(after!.ends_at!).toISOString()).toBe('2026-11-25T18:30:00.000Z');
    // The card it was changed from shows the new end.
    await h.tg.waitFor(() => (h.tg.sent(STAFF).find((m) => m.message_id === card.message_id)!.text ?? '').includes('до 25.11.2026 о 20:30'));
  });

  it('lists the active outages with their buttons, and closes one after a confirmation', async () => {
    const [outage] = await outages();
    iryna.command('/outages');
    await reply(outageDesk.activeHeader(1));
    const card = await reply(`🚨 Відключення №${outage!.id} (аварійне)`);
    expect(card.text).toContain('до 25.11.2026 о 20:30');

    iryna.pressButton(card.message_id, buttonData(card, outageDesk.closeButton));
    const confirm = await reply(outageDesk.confirmClose(outage!.id));
    iryna.pressButton(confirm.message_id, buttonData(confirm, outageDesk.keepOpenButton));
    await reply(outageDesk.keptOpen(outage!.id));
    expect((await outages())[0]!.status).toBe('announced');

    iryna.pressButton(card.message_id, buttonData(card, outageDesk.closeButton));
    const again = await reply(outageDesk.confirmClose(outage!.id));
    iryna.pressButton(again.message_id, buttonData(again, outageDesk.confirmCloseButton));
    await reply(outageDesk.closed(outage!.id));
    expect((await outages())[0]!.status).toBe('closed');
    // The card says so and has no buttons left; the first card, pressed, loses its buttons too.
    const closedCard = await h.tg.waitFor(() => {
      const now = h.tg.sent(STAFF).find((m) => m.message_id === card.message_id)!;
      return (now.text ?? '').includes('закрито, воду відновлено') ? now : undefined;
    });
    expect(buttonsOf(closedCard)).toEqual([]);
    const first = h.tg.sent(STAFF).find((m) => (m.text ?? '').startsWith(`🚨 Відключення №${outage!.id}`) && buttonsOf(m).length > 0)!;
    const press = iryna.pressButton(first.message_id, buttonData(first, outageDesk.closeButton));
    await h.tg.waitFor(() => h.tg.callbackAnswer(press)?.text === outageDesk.alreadyClosed(outage!.id));
    await h.tg.waitFor(() => buttonsOf(h.tg.sent(STAFF).find((m) => m.message_id === first.message_id)!).length === 0);

    iryna.command('/outages');
    await reply(outageDesk.noActive);
  });

  it('cancels a form on «Скасувати» or /cancel, and lists /outage in /help', async () => {
    iryna.command('/outage');
    await reply('Нове відключення');
    iryna.sendText('Скасувати');
    await reply(outageDesk.cancelled);
    iryna.command('/cancel');
    await reply(outageDesk.nothingToCancel);
    iryna.command('/help');
    const help = await reply(staffTexts.help.slice(0, 30));
    expect(help.text).toContain('/outage');
  });

  it('keeps each staff member to their own form, and answers nothing outside the staff group', async () => {
    const petro = h.group.member(h.tg.user({ id: 7802, first_name: 'Петро' }), 'member');
    iryna.command('/outage');
    const prompt = await reply('Нове відключення');
    // Another staff member talking meanwhile is not the form's answer.
    petro.sendText('Соборна 5');
    iryna.sendText('Соборна 5');
    const kind = await reply(outageDesk.askKind);
    petro.pressButton(kind.message_id, buttonData(kind, outageDesk.kindButtons.planned));
    await h.tg.waitFor(() => h.tg.pendingUpdates().length === 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.tg.sent(STAFF).filter((m) => m.message_id > prompt.message_id).map((m) => m.text)).toEqual([outageDesk.askKind]);
    iryna.sendText('Скасувати');
    await reply(outageDesk.cancelled);

    const other = h.tg.group({ id: OTHER_GROUP, title: 'Інша група', isForum: false });
    const stranger = other.member(h.tg.user({ id: 7803, first_name: 'Хтось' }), 'member');
    stranger.command('/outage');
    stranger.command('/outages');
    await h.tg.waitFor(() => h.tg.pendingUpdates().length === 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.tg.sent(OTHER_GROUP)).toEqual([]);
  });
});

describe('/outage in a forum topic', () => {
  const FORUM = -1001000000082;
  let forum: StaffHarness;
  let forumDb: TestDatabase;

  beforeAll(async () => {
    forumDb = await createTestDatabase();
    forum = await startStaffHarness({ db: forumDb, staffChatId: FORUM, isForum: true });
  });
  afterAll(async () => {
    await forum?.stop();
    await forumDb?.destroy();
  });

  it('answers in the topic it was started in, and takes only that topic’s messages as its answers', async () => {
    const topic = await forum.adminApi.createForumTopic(FORUM, 'Відключення');
    const thread = topic.message_thread_id;
    const olha = forum.group.member(forum.tg.user({ id: 7901, first_name: 'Ольга' }), 'administrator');
    olha.command('/outage', { threadId: thread });
    const prompt = await forum.tg.waitForSent(FORUM, 'Нове відключення');
    expect(prompt.message_thread_id).toBe(thread);
    // Written in General, it is not the form's answer (and, about no letter, nobody's).
    olha.sendText('Садова');
    await forum.tg.waitFor(() => forum.tg.pendingUpdates().length === 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    olha.sendText('Соборна 1-3', { threadId: thread });
    const kind = await forum.tg.waitForSent(FORUM, outageDesk.askKind);
    expect(kind.message_thread_id).toBe(thread);
    expect(forum.tg.sent(FORUM).filter((m) => m.message_id > prompt.message_id).map((m) => m.text)).toEqual([outageDesk.askKind]);
  });
});
