import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { FixedClock } from '../../../core/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startFakeViber, type FakeViber } from '../../support/fake-viber/index.ts';
import { startViberBotInstance, type RunningViberBot } from '../../support/fake-viber/bot-instance.ts';
import { aLetter, aWriter, startStaffHarness, type StaffHarness } from './harness.ts';

const STAFF = -1001000000004;
const VIBER_ID = 'viber-user-01==';

let db: TestDatabase;
let viber: FakeViber;
let instance: RunningViberBot;
let h: StaffHarness;
const clock = new FixedClock(new Date('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  db = await createTestDatabase();
  viber = await startFakeViber({ authToken: 'viber-staff-token' });
  instance = await startViberBotInstance({ db, clock, viber, remindersEnabled: false });
  h = await startStaffHarness({ db, staffChatId: STAFF, isForum: true, clock, extraNotifiers: { viber: instance.bot.notifier } });
});
afterAll(async () => {
  await h?.stop();
  await instance?.close();
  await viber?.close();
  await db?.destroy();
});

describe('a Viber subscriber at the staff desk', () => {
  it('gets the staff answer on Viber; staff are told the photo could not go to Viber', async () => {
    const writer = await aWriter(h, { userId: 0, name: 'Галина', channel: 'viber', channelUserId: VIBER_ID });
    await viber.user({ id: VIBER_ID, name: 'Галина' }).sendText('Привіт');
    const viberPhoto = { kind: 'photo' as const, ref: 'https://media.viber.example/photo-1.jpg', channel: 'viber' as const };
    const letterId = await aLetter(h.core, writer, { text: 'Немає гарячої води', attachments: [viberPhoto] });
    await h.drain();

    const topic = h.tg.topics(STAFF)[0]!;
    expect(topic.name).toBe(`Галина · ${writer.account.number}`);
    const card = h.tg.sent(STAFF).find((m) => (m.text ?? '').startsWith(`📨 Лист №${letterId} `))!;
    expect(card.text).toContain('Від: Галина · Viber');
    const photo = h.tg.sent(STAFF).find((m) => m.method === 'sendPhoto')!;
    expect(photo.params.photo).toBe(viberPhoto.ref);

    const before = viber.sent(VIBER_ID).length;
    h.group.member(h.tg.user({ id: 7003, first_name: 'Олег' }), 'administrator').sendPhoto({ caption: 'Подача відновиться о 15:00', threadId: topic.message_thread_id });
    for (let i = 0; i < 200; i++) {
      const rows = await db.sequelize.query(`SELECT id FROM letter_messages WHERE letter_id = :letterId AND author = 'staff'`, {
        replacements: { letterId },
        type: QueryTypes.SELECT,
      });
      if (rows.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await h.drain();
    const answer = await viber.waitForSent(VIBER_ID, (m) => (m.text ?? '').includes('Подача відновиться о 15:00'), { since: before });
    expect(answer.text).toBe(`Відповідь на ваш лист №${letterId}:\n\nПодача відновиться о 15:00`);
    expect(viber.sent(VIBER_ID).slice(before).filter((m) => m.type === 'picture')).toEqual([]);
    const status = await h.tg.waitForSent(STAFF, '✅ Доставлено абонентові.');
    expect(status.text).toContain('Фото не вдалося передати у Viber');
  });
});
