import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { writeLetter } from '../../../core/letters/index.ts';
import { TELEGRAM_TEXT_MAX } from '../../../bots/telegram/staff/card.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLink, anAccount } from '../../support/builders.ts';
import { aLetter, aWriter, startStaffHarness, type StaffHarness, type Writer } from './harness.ts';

// Letters that do not fit in one Telegram message reach the staff group whole, within Telegram's limits (the fake
// refuses a text over 4096 UTF-16 units or with a lone surrogate, as Telegram does); what Telegram still refuses is
// replaced by a notice at once instead of being retried for hours; emergencies stand out; /help; the card follows
// the answer's delivery.

const STAFF = -1001000000077;

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

const operator = { id: 7101, first_name: 'Ірина', last_name: 'Коваль' };
const cardOf = (letterId: number) => h.tg.sent(STAFF).find((m) => /^(📨|🚨 ТЕРМІНОВО ·) Лист №(\d+) /.exec(m.text ?? '')?.[2] === String(letterId));
const partsOf = (letterId: number) => h.tg.sent(STAFF).filter((m) => (m.text ?? '').startsWith(`📨 Лист №${letterId}, продовження`));
/** The letter's text as the group has it: the card's middle block, then each continuation's body. */
const textInGroup = (letterId: number) =>
  [cardOf(letterId)!.text!.split('\n\n')[1], ...partsOf(letterId).map((m) => m.text!.split('\n\n').slice(1).join('\n\n'))].join('');

/** Emoji (two UTF-16 units), a flag (four), and a letter with a combining mark, with no space to cut at. */
const hard = (units: number) => {
  const pattern = 'я👍🇺🇦й̆ї';
  let text = '';
  while (text.length < units) text += pattern;
  return text;
};

async function outboxOf(letterId: number) {
  const [row] = await db.sequelize.query<{ status: string; attempts: number }>(
    `SELECT status, attempts FROM outbox WHERE kind = 'letter-to-staff' AND (payload->>'letterId')::int = :letterId`,
    { replacements: { letterId }, type: QueryTypes.SELECT },
  );
  return row;
}

async function untilAnswered(letterId: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await db.sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM letter_messages WHERE letter_id = :letterId AND author = 'staff'`, {
      replacements: { letterId },
      type: QueryTypes.SELECT,
    });
    if (Number(row!.n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the answer was not stored');
}

describe('letters that do not fit in one message', () => {
  let writer: Writer;

  beforeAll(async () => {
    writer = await aWriter(h, { userId: 5301, name: 'Оксана Мельник', phone: '380671234567' });
    for (let i = 0; i < 13; i++) await aLink(db, writer.subscriber, await anAccount(db));
  });

  it('a subscriber with 14 accounts and a 3,500-character letter: a card within the limit, five accounts and a count, the letter whole', async () => {
    const text = hard(3500);
    const outcome = await writeLetter(h.core, { subscriberId: writer.subscriber.id, accountId: null, category: 'question', text, attachments: [] });
    if (outcome.kind !== 'stored') throw new Error(outcome.kind);
    await h.drain();

    const card = cardOf(outcome.letterId)!;
    expect(card.text!.length).toBeLessThanOrEqual(TELEGRAM_TEXT_MAX);
    expect(card.text!.match(/^Рахунок № /gm)).toHaveLength(5);
    expect(card.text).toContain('…і ще 9 рахунків');
    expect(card.text).toContain('(далі — ще 1 повідомлення з текстом листа)');
    const parts = partsOf(outcome.letterId);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.reply_to_message?.message_id).toBe(card.message_id);
    expect(parts[0]!.message_thread_id).toBe(card.message_thread_id);
    expect(textInGroup(outcome.letterId)).toBe(text);
    expect(h.tg.sent(STAFF).every((m) => (m.text ?? '').isWellFormed())).toBe(true);
    expect(await outboxOf(outcome.letterId)).toEqual({ status: 'sent', attempts: 1 });
  });

  it('a 4,000-character letter of emoji and flags reaches the group whole, and /letter N shows it whole too', async () => {
    // 4,000 code points at most (core's rule): far more UTF-16 units with emoji and flags.
    const stored = `${[...hard(7900)].slice(0, 3990).join('')}КІНЕЦЬ🇺🇦`;
    const letterId = await aLetter(h.core, writer, { text: stored });
    await h.drain();
    expect(textInGroup(letterId)).toBe(stored);
    expect(partsOf(letterId).length).toBeGreaterThanOrEqual(2);

    const staffMember = h.group.member(h.tg.user(operator), 'administrator');
    const before = h.tg.sent(STAFF).length;
    staffMember.command(`/letter ${letterId}`);
    const shownText = () => h.tg.sent(STAFF).slice(before).map((m) => m.text ?? '');
    // Split at grapheme boundaries: every flag and accented letter arrives whole, to the letter's last one.
    await h.tg.waitFor(() => shownText().join('').replace(/\s/g, '').includes(stored.slice(-100)));
    expect(shownText().length).toBeGreaterThanOrEqual(2);
    expect(shownText().every((t) => t.length <= TELEGRAM_TEXT_MAX)).toBe(true);
  });

  it('a card Telegram still refuses is replaced at once by a notice in the topic, not retried for hours', async () => {
    await aLetter(h.core, writer, { text: 'Перший лист: тема вже є' });
    await h.drain();
    h.tg.failNext('sendMessage', { code: 400, description: 'Bad Request: message is too long' }, { chatId: STAFF });
    const letterId = await aLetter(h.core, writer, { text: 'Лист, який Telegram не прийняв' });
    await h.drain();

    const notice = await h.tg.waitForSent(STAFF, `⚠️ Лист №${letterId} не вдалося показати тут`);
    expect(notice.text).toContain(`/letter ${letterId}`);
    expect(notice.text).toContain('message is too long');
    expect(notice.message_thread_id).toBe(cardOf(letterId - 1)?.message_thread_id);
    expect(await outboxOf(letterId)).toEqual({ status: 'sent', attempts: 1 });
    expect(h.logs.join('')).toContain('Telegram refused a letter part');

    // A reply to the notice answers that letter.
    h.group.member(h.tg.user(operator), 'administrator').replyTo(notice.message_id, 'Отримали, розбираємось', { threadId: notice.message_thread_id! });
    await untilAnswered(letterId);
  });
});

describe('the staff desk', () => {
  it('marks an emergency letter as urgent and pins its card', async () => {
    const writer = await aWriter(h, { userId: 5302, name: 'Петро' });
    const outcome = await writeLetter(h.core, { subscriberId: writer.subscriber.id, accountId: writer.account.id, category: 'emergency', text: 'Прорвало трубу в підвалі', attachments: [] });
    if (outcome.kind !== 'stored') throw new Error(outcome.kind);
    await h.drain();
    const card = cardOf(outcome.letterId)!;
    expect(card.text!.startsWith(`🚨 ТЕРМІНОВО · Лист №${outcome.letterId} · Аварія`)).toBe(true);
    const pins = h.tg.calls('pinChatMessage').filter((c) => c.params.message_id === card.message_id);
    expect(pins).toHaveLength(1);
    expect(pins[0]!.params.disable_notification).toBeUndefined();
  });

  it('lists its commands on /help', async () => {
    h.group.member(h.tg.user(operator), 'administrator').command('/help');
    const help = await h.tg.waitForSent(STAFF, 'Працівникам у цій групі');
    for (const command of ['/note', '/letters', '/letter НОМЕР', '/account НОМЕР', '/reminders']) expect(help.text).toContain(command);
  });

  it("changes the letter card's status when an answer is delivered", async () => {
    const writer = await aWriter(h, { userId: 5303, name: 'Галина' });
    const letterId = await aLetter(h.core, writer, { text: 'Коли повірка?' });
    await h.drain();
    const card = cardOf(letterId)!;
    expect(card.text).toContain('Статус: нове');
    h.group.member(h.tg.user(operator), 'administrator').sendText('У грудні', { threadId: card.message_thread_id! });
    await untilAnswered(letterId);
    await h.drain();
    await h.tg.waitForSent(STAFF, '✅ Доставлено абонентові.');
    const edited = cardOf(letterId)!;
    expect(edited.edits).toBe(1);
    expect(edited.text).toContain('Статус: є відповідь');
    expect(edited.text).toMatch(/Остання відповідь: доставлено абонентові, /);
    expect(edited.reply_markup).toEqual(card.reply_markup);
  });

  it('tells the group at once when the messenger refuses an answer, instead of retrying it for hours', async () => {
    const writer = await aWriter(h, { userId: 5304, name: 'Любов' });
    const letterId = await aLetter(h.core, writer, { text: 'Питання' });
    await h.drain();
    const card = cardOf(letterId)!;
    h.tg.failNext('sendMessage', { code: 400, description: 'Bad Request: message is too long' }, { chatId: 5304 });
    h.group.member(h.tg.user(operator), 'administrator').sendText('Відповідь, яку Telegram не прийняв', { threadId: card.message_thread_id! });
    await untilAnswered(letterId);
    await h.drain();

    const report = await h.tg.waitForSent(STAFF, '⚠️ Не доставлено: месенджер абонента не прийняв');
    expect(report.reply_to_message?.text).toBe('Відповідь, яку Telegram не прийняв');
    const [entry] = await db.sequelize.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM outbox WHERE kind = 'staff-answer' AND (payload->>'letterId')::int = :letterId`,
      { replacements: { letterId }, type: QueryTypes.SELECT },
    );
    expect(entry).toEqual({ status: 'sent', attempts: 1 });
    expect(cardOf(letterId)!.text).toMatch(/Остання відповідь: не доставлено, месенджер не прийняв повідомлення/);
  });
});
