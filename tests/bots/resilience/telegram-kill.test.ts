import type { Message, Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { letters } from '../../../bots/texts/letters.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeTelegram, type FakeUser } from '../../support/fake-telegram/index.ts';
import { deliver, deliverByHand, killAll, postUpdate, sleep, startCabinet, TELEGRAM_PATH, TELEGRAM_SECRET, until, type Cabinet } from './support/harness.ts';

// Issue 12's second repro on the real app in a process: 15 subscribers at the letter's confirm step press
// «Так, надіслати» at once (Telegram POSTs them in parallel); the process is killed with SIGKILL 150 ms later
// (once the first letter is stored);
// it is started again and Telegram delivers each of the 15 updates 3 times (at once, each resent until 2xx).
// Exactly 15 letters are stored, each forwarded to the staff group once, and every subscriber is answered.

const STAFF_CHAT_ID = -1001230000012;
const SUBSCRIBERS = 15;

let db: TestDatabase;
let tg: FakeTelegram;
const env = () => ({
  DATABASE_URL: db.url,
  TELEGRAM_BOT_TOKEN: tg.token,
  TELEGRAM_API_ROOT: tg.apiRoot,
  TELEGRAM_WEBHOOK_URL: `{base}${TELEGRAM_PATH}`,
  TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
  TELEGRAM_STAFF_CHAT_ID: String(STAFF_CHAT_ID),
  TEST_CLAIM_LEASE_MS: '5000',
  TEST_OUTBOX_LEASE_MS: '2000',
  // The desk paces cards to a group (Telegram: 20 a minute); the fake does not limit, so 15 go in seconds.
  TELEGRAM_GROUP_PER_MINUTE: '1200',
});

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 10 });
  tg = await FakeTelegram.start();
  tg.group({ id: STAFF_CHAT_ID, title: 'Водоканал — працівники', isForum: false });
}, 30_000);
afterAll(async () => {
  killAll();
  await tg?.stop();
  await db?.destroy();
});

const letterText = (i: number) => `Лист ${i}: на вул. Соборній немає води з ранку`;

function lastWithButton(user: FakeUser, label: string): Message {
  const found = tg.sent(user.chatId).findLast((m) => (m.reply_markup && 'inline_keyboard' in m.reply_markup ? m.reply_markup.inline_keyboard.flat() : []).some((b) => b.text === label));
  if (!found) throw new Error(`no message with «${label}» in chat ${user.chatId}: ${tg.sentTexts(user.chatId).join(' | ')}`);
  return found as Message;
}

/** Walks a subscriber (one linked account) to the confirm step of «Написати листа», one update after another. */
async function toConfirm(app: Cabinet, user: FakeUser, i: number): Promise<Message> {
  await deliver(app.base, user.sendText(menu.letter));
  await deliver(app.base, user.pressButton(lastWithButton(user, letters.categories.question), letters.categories.question));
  await deliver(app.base, user.sendText(letterText(i)));
  await deliver(app.base, user.pressButton(lastWithButton(user, letters.noPhotosButton), letters.noPhotosButton));
  return lastWithButton(user, letters.sendButton);
}

async function letterCount(): Promise<number> {
  const [rows] = await db.sequelize.query('SELECT count(*)::int AS n FROM letters');
  return (rows[0] as { n: number }).n;
}

// Concurrency between processes needs a server: the embedded database runs one transaction at a time (and is too
// slow on a shared machine for these to stay within a minute); the embedded run reports them as skipped.
describe.runIf(inject('testDatabase').kind === 'server')('kill -9 150 ms into 15 simultaneous «Так, надіслати», restart, each update delivered 3 times', () => {
  it('stores 15 letters, forwards each once, answers every subscriber', async () => {
    const first = await startCabinet(env());
    await deliverByHand(tg);
    const users: FakeUser[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const subscriber = await aSubscriber(db, { channelUserId: String(82_000 + i) });
      await aLink(db, subscriber, await anAccount(db, { number: `66000${10 + i}`, address: `вул. Соборна, ${i + 1}` }));
      users.push(tg.user({ id: 82_000 + i, first_name: 'Марія' }));
    }
    const confirms = await Promise.all(users.map((user, i) => toConfirm(first, user, i)));
    const presses: Update[] = users.map((user, i) => user.pressButton(confirms[i]!, letters.sendButton));
    const firstAnswers = presses.map((p) => postUpdate(first.base, p));
    // 150 ms as in the issue, or later when the machine is slow: not before the first letter is stored, so the
    // kill lands among the work (letters stored, answers sent, claims not committed), not before all of it.
    await sleep(150);
    await until(async () => (await letterCount()) > 0, 'the first letter stored', 10_000);
    await first.kill();
    const beforeRestart = { letters: await letterCount(), answered: (await Promise.all(firstAnswers)).filter((s) => s === 200).length };

    await deliverByHand(tg);
    const second = await startCabinet(env());
    await deliverByHand(tg);
    const statuses = await Promise.all(presses.flatMap((p) => [0, 1, 2].map(() => deliver(second.base, p, 30_000))));

    expect(await letterCount()).toBe(SUBSCRIBERS);
    const [perSubscriber] = await db.sequelize.query('SELECT subscriber_id, count(*)::int AS n FROM letters GROUP BY subscriber_id');
    expect(perSubscriber.map((r) => (r as { n: number }).n)).toEqual(Array(SUBSCRIBERS).fill(1));
    const answers = users.map((user) => tg.sentTexts(user.chatId).filter((t) => /Ваш лист №\d+/.test(t)));
    // Every subscriber answered; a second answer only when the first process had sent one and died before its commit.
    for (const answer of answers) expect(answer.length).toBeGreaterThanOrEqual(1);
    const staffCards = await until(
      () => {
        const texts = tg.sentTexts(STAFF_CHAT_ID);
        const counts = users.map((_, i) => texts.filter((t) => t.includes(letterText(i))).length);
        return counts.every((n) => n >= 1) && counts;
      },
      'every letter forwarded to the staff group',
      20_000,
    );
    await sleep(1500);
    const finalCounts = users.map((_, i) => tg.sentTexts(STAFF_CHAT_ID).filter((t) => t.includes(letterText(i))).length);
    console.info(
      JSON.stringify({
        beforeRestart,
        statusesAfterRestart: statuses.flat().reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {}),
        answersPerSubscriber: answers.map((a) => a.length),
        staffCards: staffCards,
      }),
    );
    expect(finalCounts).toEqual(Array(SUBSCRIBERS).fill(1));
    const [open] = await db.sequelize.query(`SELECT count(*)::int AS n FROM telegram_processed_updates WHERE NOT done`);
    expect(open).toEqual([{ n: 0 }]);
    await second.kill();
  }, 58_000);
});
