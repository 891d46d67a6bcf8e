import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../../core/calendar.ts';
import { FixedClock } from '../../../core/clock.ts';
import { answerInboxSms, smsParts, SMS_MAX_PARTS, type SmsAnswer, type SmsLimits } from '../../../core/sms/index.ts';
import { aMeter, anAccount } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { coreDeps } from '../../support/readings-builders.ts';

// The channel's rules decided in core: the per-phone daily limit, one reply a day to an unknown number, the part
// limit of a reply, SMS_REPLIES, and that an SMS is handled whole or not at all.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

let seq = 0;
let phoneSeq = 502220000;
const newPhone = () => `380${++phoneSeq}`;
const day1 = new FixedClock(new Date('2026-11-20T10:00:00Z'));
const day2 = new FixedClock(new Date('2026-11-21T10:00:00Z'));
const limits: SmsLimits = { perPhonePerDay: 2, replies: true };
/** Words an answer by its kind, so a test sees what core decided to answer. */
const word = (answer: SmsAnswer) => `answer:${answer.kind}`;

/** An SMS as the channel keeps it before handling. */
async function kept(clock: FixedClock, phone: string, text: string): Promise<number> {
  seq += 1;
  const [row] = await db.sequelize.query<{ id: string }>(
    `INSERT INTO sms_inbox (dedupe_key, phone, text_hash, text, kind, received_at, local_date)
     VALUES (:key, :phone, :hash, :text, 'message', :now, :day) RETURNING id`,
    {
      replacements: { key: `core-test:${seq}`, phone, hash: `h${seq}`, text, now: clock.now(), day: localDate(clock.now(), 'Europe/Kyiv') },
      type: QueryTypes.SELECT,
    },
  );
  return Number(row!.id);
}

const answer = (clock: FixedClock, id: number, options: { limits?: SmsLimits; word?: (a: SmsAnswer) => string } = {}) =>
  answerInboxSms(coreDeps(db, clock), id, { limits: options.limits ?? limits, word: options.word ?? word });

const repliesTo = (phone: string) =>
  db.sequelize.query<{ text: string }>(`SELECT payload->>'text' AS text FROM outbox WHERE kind = 'sms-reply' AND payload->>'phone' = :phone ORDER BY id`, {
    replacements: { phone },
    type: QueryTypes.SELECT,
  });
const inboxRow = (id: number) =>
  db.sequelize
    .query<{ done: boolean; outcome: string | null; replied: string | null }>(`SELECT done_at IS NOT NULL AS done, outcome, replied FROM sms_inbox WHERE id = :id`, {
      replacements: { id },
      type: QueryTypes.SELECT,
    })
    .then((rows) => rows[0]);

async function household(lastReading = 100) {
  const phone = newPhone();
  const account = await anAccount(db, { phone });
  const meter = await aMeter(db, account, { serial: `ЛМ-${phoneSeq}`, lastReading });
  return { phone, meter };
}

describe('the per-phone daily limit (SMS_PER_PHONE_PER_DAY)', () => {
  it('reads that many SMS a day, tells the phone once at the first one over, then is silent until the next day', async () => {
    const { phone } = await household();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await answer(day1, await kept(day1, phone, 'допомога')));
    expect(results.map((r) => r?.outcome)).toEqual(['help', 'help', 'over-limit', 'over-limit']);
    expect(results.map((r) => r?.reply)).toEqual(['answer:help', 'answer:help', 'answer:limit-reached', null]);
    expect((await repliesTo(phone)).map((r) => r.text)).toEqual(['answer:help', 'answer:help', 'answer:limit-reached']);

    const nextDay = await answer(day2, await kept(day2, phone, 'допомога'));
    expect(nextDay).toMatchObject({ outcome: 'help', reply: 'answer:help' });
  });

  it('an SMS over the limit is not read: its reading is not stored', async () => {
    const { phone, meter } = await household(100);
    for (const text of ['допомога', 'допомога']) await answer(day1, await kept(day1, phone, text));
    const id = await kept(day1, phone, '110');
    expect(await answer(day1, id)).toMatchObject({ outcome: 'over-limit' });
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(0);
    expect(await inboxRow(id)).toEqual({ done: true, outcome: 'over-limit', replied: 'over-limit' });
  });
});

describe('unknown numbers', () => {
  it('get one reply a day, however often they write', async () => {
    const stranger = newPhone();
    const first = await answer(day1, await kept(day1, stranger, '1540'));
    const second = await answer(day1, await kept(day1, stranger, '1541'));
    expect(first).toMatchObject({ outcome: 'unknown-phone', reply: 'answer:unknown-phone' });
    expect(second).toMatchObject({ outcome: 'unknown-phone', reply: null });
    expect(await answer(day2, await kept(day2, stranger, '1542'))).toMatchObject({ reply: 'answer:unknown-phone' });
    expect(await repliesTo(stranger)).toHaveLength(2);
  });
});

describe('the reply', () => {
  it('never takes more than the part limit, whatever the wording', async () => {
    const { phone } = await household();
    const answered = await answer(day1, await kept(day1, phone, 'допомога'), { word: () => 'я'.repeat(500) });
    expect(smsParts(answered!.reply!)).toBe(SMS_MAX_PARTS);
    expect(answered!.reply!.endsWith('…')).toBe(true);
  });

  it('SMS_REPLIES=false: the reading is taken, nothing is queued', async () => {
    const { phone, meter } = await household(100);
    const answered = await answer(day1, await kept(day1, phone, '104'), { limits: { perPhonePerDay: 10, replies: false } });
    expect(answered).toEqual({ phone, outcome: 'readings', reply: null });
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(1);
    expect(await repliesTo(phone)).toHaveLength(0);
  });
});

describe('an SMS is handled once, whole', () => {
  it('a second handling of the same SMS does nothing', async () => {
    const { phone, meter } = await household(100);
    const id = await kept(day1, phone, '105');
    expect(await answer(day1, id)).toMatchObject({ outcome: 'readings' });
    expect(await answer(day1, id)).toBeNull();
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(1);
    expect(await repliesTo(phone)).toHaveLength(1);
  });

  it('cut short after its reading was written, it leaves nothing, and handled again it gets the receipt, not «same day»', async () => {
    const { phone, meter } = await household(100);
    const id = await kept(day1, phone, '107');
    const failing = () => {
      throw new Error('cut short between the reading and the reply');
    };
    await expect(answer(day1, id, { word: failing })).rejects.toThrow('cut short');
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(0);
    expect(await inboxRow(id)).toEqual({ done: false, outcome: null, replied: null });

    let worded: SmsAnswer | undefined;
    await answer(day1, id, { word: (a) => ((worded = a), word(a)) });
    expect(worded).toMatchObject({ kind: 'readings', results: [{ kind: 'accepted', receipt: { value: 107, consumption: 7 } }] });
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(1);
  });
});
