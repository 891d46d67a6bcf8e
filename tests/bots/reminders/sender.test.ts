import { Api } from 'grammy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { runReminderPass, scheduledSlot } from '../../../core/reminders/index.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import type { DeliveryResult, OutgoingMessage, Recipient } from '../../../bots/notifier.ts';
import { SharedRateLimiter } from '../../../bots/rate-limiter.ts';
import { reminderMessage } from '../../../bots/reminders/message.ts';
import { createReminderSender, reminderRateLimits, type ReminderNotifier } from '../../../bots/reminders/sender.ts';
import { createTelegramNotifier } from '../../../bots/telegram/notifier.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeTelegram } from '../../support/fake-telegram/server.ts';
import { aDueSubscriber, clearReminderData, reminderDeps, reminderRows } from '../../support/reminders-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});
beforeEach(async () => {
  await clearReminderData(db);
});

const AT = new Date('2026-11-20T08:00:00Z');
const SLOT = scheduledSlot(AT, 'Europe/Kyiv');
const fast = { telegram: { perSecond: 1000, burst: 1000 }, viber: { perSecond: 1000, burst: 1000 } };

/** A notifier port double: records each message it is asked to send and answers what the test says. */
class RecordingNotifier implements ReminderNotifier {
  readonly sent: { recipient: Recipient; message: OutgoingMessage }[] = [];
  constructor(
    readonly channel: 'telegram' | 'viber',
    private readonly answer: (call: number) => DeliveryResult = () => ({ kind: 'delivered', messageIds: ['1'] }),
    readonly acceptsReminders?: boolean,
  ) {}
  private calls = 0;
  async send(recipient: Recipient, message: OutgoingMessage): Promise<DeliveryResult> {
    const result = this.answer(this.calls++);
    this.sent.push({ recipient, message });
    return result;
  }
}

describe('the reminder message', () => {
  it('names each account with its unread meters and carries the two buttons', () => {
    const message = reminderMessage({
      subscriberId: 1,
      channel: 'telegram',
      channelUserId: '42',
      period: '2026-11-01',
      meters: [
        { accountNumber: '100001', meterSerial: 'A-1', meterId: 1 },
        { accountNumber: '100001', meterSerial: 'A-2', meterId: 2 },
        { accountNumber: '200002', meterSerial: 'B-7', meterId: 3 },
      ],
    });
    expect(message.text).toContain('листопад 2026');
    expect(message.text).toContain('особовий рахунок 100001: лічильники A-1, A-2');
    expect(message.text).toContain('особовий рахунок 200002: лічильник B-7');
    expect(message.actions?.map((a) => a.action)).toEqual(['readings:start', 'reminders:off']);
  });

  it('carries «Оплатити» after «Передати показники» when online payment is offered', () => {
    const due = { subscriberId: 1, channel: 'viber' as const, channelUserId: 'v1', period: '2026-11-01', meters: [{ accountNumber: '100001', meterSerial: 'A-1', meterId: 1 }] };
    expect(reminderMessage(due, { pay: true }).actions).toEqual([
      { label: 'Передати показники', action: 'readings:start' },
      { label: 'Оплатити', action: 'pay:start' },
      { label: 'Вимкнути нагадування', action: 'reminders:off' },
    ]);
    expect(reminderMessage(due, { pay: false }).actions?.map((a) => a.action)).toEqual(['readings:start', 'reminders:off']);
  });
});

describe('the reminder sender', () => {
  it('sends through the channel notifier, skips a channel that is off, and records unreachable as blocked', async () => {
    const tg = await aDueSubscriber(db);
    const gone = await aDueSubscriber(db, { subscriber: { channel: 'viber' } });
    const telegram = new RecordingNotifier('telegram');
    const viber = new RecordingNotifier('viber', () => ({ kind: 'unreachable', reason: 'not-subscribed' }));
    const sender = createReminderSender({ notifiers: { telegram, viber }, limiter: new SharedRateLimiter(db.sequelize), limits: fast });
    const summary = await runReminderPass(reminderDeps(db, new FixedClock(AT), sender), { slot: SLOT });
    expect(summary).toMatchObject({ sent: 1, blocked: 1, skipped: 0 });
    expect(telegram.sent.map((s) => s.recipient.channelUserId)).toEqual([tg.subscriber.channelUserId]);
    expect(telegram.sent[0]!.message.text).toContain(tg.meters[0]!.serial);
    expect(viber.sent.map((s) => s.recipient.channelUserId)).toEqual([gone.subscriber.channelUserId]);

    const off = new RecordingNotifier('viber', undefined, false);
    const offSender = createReminderSender({ notifiers: { telegram, viber: off }, limiter: new SharedRateLimiter(db.sequelize), limits: fast });
    const nextDay = await runReminderPass(reminderDeps(db, new FixedClock(new Date('2026-11-21T08:00:00Z')), offSender), { slot: 'manual-2026-11-21' });
    expect(nextDay).toMatchObject({ sent: 1, skipped: 1 });
    expect(off.sent).toHaveLength(0);
  });

  it('waits out a 429 for its retry_after and counts it', async () => {
    await aDueSubscriber(db);
    const waits: number[] = [];
    const tooMany = Object.assign(new Error('Too Many Requests'), { error_code: 429, parameters: { retry_after: 3 } });
    const telegram: ReminderNotifier = {
      channel: 'telegram',
      calls: 0,
      async send() {
        if (this.calls++ === 0) throw tooMany;
        return { kind: 'delivered', messageIds: ['9'] };
      },
    } as ReminderNotifier & { calls: number };
    const sender = createReminderSender({
      notifiers: { telegram },
      limiter: new SharedRateLimiter(db.sequelize),
      limits: fast,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const summary = await runReminderPass(reminderDeps(db, new FixedClock(AT), sender), { slot: SLOT });
    expect(summary).toMatchObject({ sent: 1, failed: 0, rateLimited: 1 });
    expect(waits).toEqual([3000]);
  });

  it('keeps the Telegram rate below the shared limit (sends spaced by the bucket)', async () => {
    await Promise.all(Array.from({ length: 12 }, () => aDueSubscriber(db)));
    const at: number[] = [];
    const telegram: ReminderNotifier = {
      channel: 'telegram',
      async send() {
        at.push(Date.now());
        return { kind: 'delivered', messageIds: ['1'] };
      },
    };
    const limits = reminderRateLimits({ telegram: { globalPerSecond: 20 } }, 1);
    const sender = createReminderSender({ notifiers: { telegram }, limiter: new SharedRateLimiter(db.sequelize), limits });
    await runReminderPass(reminderDeps(db, new FixedClock(AT), sender, { concurrency: 6 }), { slot: SLOT });
    expect(at).toHaveLength(12);
    // 12 sends at 20/s with a burst of one: the last no sooner than 11 gaps of 50 ms after the first.
    expect(at[11]! - at[0]!).toBeGreaterThanOrEqual(500);
  });
});

describe('reminderRateLimits', () => {
  it('keeps burst plus rate within the limit in any second, with a burst only where the rate is high', () => {
    const fastLimit = reminderRateLimits({ telegram: { globalPerSecond: 1000 } }).telegram;
    expect(fastLimit).toEqual({ perSecond: 950, burst: 25 });
    expect(fastLimit.perSecond + fastLimit.burst).toBeLessThanOrEqual(1000);
    expect(reminderRateLimits({ telegram: { globalPerSecond: 30 } }).telegram).toEqual({ perSecond: 28.5, burst: 1 });
  });
});

describe('against the fake Telegram server', () => {
  let tg: FakeTelegram;
  beforeAll(async () => {
    tg = await FakeTelegram.start({ limits: { perSecond: 30, perChatPerSecond: 1 } });
  });
  afterAll(async () => {
    await tg.stop();
  });

  it('delivers with both buttons, marks a subscriber who blocked the bot, and waits out a 429', async () => {
    const people = await Promise.all(Array.from({ length: 5 }, (_, i) => aDueSubscriber(db, { subscriber: { channelUserId: String(7_100_000 + i) } })));
    for (const [i] of people.entries()) tg.user({ id: 7_100_000 + i, first_name: `Абонент ${i}` });
    const blocker = people[4]!;
    tg.blockedBy(7_100_004);
    tg.failNext('sendMessage', { code: 429, retryAfter: 1 });

    const clock = new FixedClock(AT);
    const core = { db, clock, settings: defaultCoreSettings };
    const api = new Api(tg.token, { apiRoot: tg.apiRoot });
    const sender = createReminderSender({
      notifiers: { telegram: createTelegramNotifier(api, core) },
      limiter: new SharedRateLimiter(db.sequelize),
      limits: reminderRateLimits({ telegram: { globalPerSecond: 30 } }),
    });
    const summary = await runReminderPass(reminderDeps(db, clock, sender), { slot: SLOT });

    expect(summary).toMatchObject({ due: 5, sent: 4, blocked: 1, failed: 0, rateLimited: 1 });
    for (const [i, person] of people.entries()) {
      const messages = tg.sent(7_100_000 + i);
      if (person === blocker) {
        expect(messages).toHaveLength(0);
        continue;
      }
      expect(messages).toHaveLength(1);
      expect(messages[0]!.text).toContain(person.accountNumber);
      const markup = messages[0]!.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
      expect(markup.inline_keyboard.flat().map((b) => b.callback_data)).toEqual(['act:readings:start', 'act:reminders:off']);
    }
    const stored = await db.models.Subscriber.findByPk(blocker.subscriber.id);
    expect(stored?.blockedAt).not.toBeNull();
    const rows = await reminderRows(db, SLOT);
    expect(rows.find((r) => r.subscriber_id === blocker.subscriber.id)).toMatchObject({ status: 'blocked', error: 'blocked' });

    // Nothing goes twice: the same slot again sends nothing.
    const before = tg.stats().accepted;
    await runReminderPass(reminderDeps(db, clock, sender), { slot: SLOT });
    expect(tg.stats().accepted).toBe(before);
    expect(tg.stats().maxPerChatPerSecond).toBe(1);
  });
});
