import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { enqueue } from '../../../core/outbox.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLetter, aTelegramPhoto, aWriter, startStaffHarness, type StaffHarness } from './harness.ts';

const STAFF = -1001000000002;

let db: TestDatabase;
let h: StaffHarness;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startStaffHarness({ db, staffChatId: STAFF, isForum: false });
});
afterAll(async () => {
  await h?.stop();
  await db?.destroy();
});

const cardsOf = (letterId: number) => h.tg.sent(STAFF).filter((m) => (m.text ?? '').startsWith(`📨 Лист №${letterId} `));

describe('the staff desk in a group without topics', () => {
  it('posts the card into the group and takes a reply to one of its photos as the answer', async () => {
    const writer = await aWriter(h, { userId: 5201, name: 'Марія' });
    const photo = aTelegramPhoto(h.tg);
    const letterId = await aLetter(h.core, writer, { text: 'Лічильник пошкоджено', attachments: [photo] });
    await h.drain();
    expect(h.tg.calls('createForumTopic')).toEqual([]);
    const [card] = cardsOf(letterId);
    expect(card!.message_thread_id).toBeUndefined();
    const sentPhoto = h.tg.sent(STAFF).find((m) => m.method === 'sendPhoto')!;
    expect(sentPhoto.reply_to_message?.message_id).toBe(card!.message_id);

    const staff = h.group.member(h.tg.user({ id: 7002, first_name: 'Петро' }), 'administrator');
    staff.replyTo(sentPhoto.message_id, 'Замінимо у четвер');
    await h.tg.waitFor(() => h.tg.pendingUpdates().length === 0);
    for (let i = 0; i < 100; i++) {
      const [row] = await db.sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM letter_messages WHERE letter_id = :letterId AND author = 'staff'`, {
        replacements: { letterId },
        type: QueryTypes.SELECT,
      });
      if (Number(row!.n) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await h.drain();
    const delivered = await h.tg.waitForSent(5201, 'Замінимо у четвер');
    expect(delivered.text).toBe(`Відповідь на ваш лист №${letterId}:\n\nЗамінимо у четвер`);
    const status = await h.tg.waitForSent(STAFF, '✅ Доставлено абонентові.');
    expect(status.reply_to_message?.text).toBe('Замінимо у четвер');
    // A staff photo answer reaches a Telegram subscriber as the photo itself.
    staff.sendPhoto({ caption: 'Ось схема', replyTo: card!.message_id });
    await h.tg.waitFor(() => h.tg.pendingUpdates().length === 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await h.drain();
    await h.tg.waitForSent(5201, (m) => m.method === 'sendPhoto');
    await h.tg.waitForSent(5201, 'Ось схема');
  });

  it('forwards a letter stored before a crash exactly once after the restart', async () => {
    const writer = await aWriter(h, { userId: 5202, name: 'Андрій' });
    const letterId = await aLetter(h.core, writer, { text: 'Лист перед падінням' });
    // The process dies here: the letter is stored with its outbox entry, nothing was forwarded.
    expect(cardsOf(letterId)).toHaveLength(0);
    await h.restart();
    await h.drain();
    expect(cardsOf(letterId)).toHaveLength(1);
    await h.restart();
    await h.drain();
    await h.outbox.runOnce();
    expect(cardsOf(letterId)).toHaveLength(1);
  });

  it('does not send a card twice when a photo fails after it (429 for two minutes), and finishes on the retry', async () => {
    const writer = await aWriter(h, { userId: 5203, name: 'Віра' });
    h.tg.failNext('sendPhoto', { code: 429, retryAfter: 120 });
    const letterId = await aLetter(h.core, writer, { text: 'З фото', attachments: [aTelegramPhoto(h.tg)] });
    await h.outbox.runOnce();
    expect(cardsOf(letterId)).toHaveLength(1);
    await h.drain();
    expect(cardsOf(letterId)).toHaveLength(1);
    const photos = h.tg.sent(STAFF).filter((m) => m.method === 'sendPhoto' && m.reply_to_message?.message_id === cardsOf(letterId)[0]!.message_id);
    expect(photos).toHaveLength(1);
  });

  it('posts security alerts and tells a subscriber that someone else linked their account', async () => {
    const owner = await aWriter(h, { userId: 5204, name: 'Богдан' });
    await db.sequelize.transaction(async (transaction) => {
      await enqueue(db.models, { kind: 'security-alert', payload: { failures: 42, sinceIso: '2026-11-25T08:00:00.000Z' } }, { transaction, at: h.clock.now() });
      await enqueue(
        db.models,
        { kind: 'account-linked', payload: { subscriberId: owner.subscriber.id, accountNumber: owner.account.number, address: owner.account.address } },
        { transaction, at: h.clock.now() },
      );
    });
    await h.drain();
    const alert = await h.tg.waitForSent(STAFF, '🚨');
    expect(alert.text).toContain('42 невдалих спроб');
    expect(alert.text).toContain('25.11.2026 о 10:00');
    const notice = await h.tg.waitForSent(5204, 'щойно приєднався ще один абонент');
    expect(notice.text).toContain(`№ ${owner.account.number}`);
  });
});
