import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createOutboxDispatcher, type ClaimedEntry } from '../../../bots/outbox/dispatcher.ts';
import { enqueue } from '../../../core/outbox.ts';
import { FixedClock } from '../../../core/clock.ts';
import { GrammyError } from 'grammy';
import { ViberApiError } from '../../../bots/viber/client.ts';
import { PermanentFailure, isPermanent } from '../../../bots/outbox/permanent.ts';

let db: TestDatabase;
const logger = pino({ level: 'silent' });
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});
beforeEach(async () => {
  await db.sequelize.query('DELETE FROM outbox');
});

// The outbox stamps an entry with the database's now(), in microseconds; a JavaScript Date holds whole
// milliseconds, so a clock read in the same millisecond as the insert can be earlier than the entry.
const clockAfterEnqueue = () => new FixedClock(new Date(Date.now() + 1));

async function addLetters(...ids: number[]): Promise<void> {
  await db.sequelize.transaction(async (transaction) => {
    for (const letterId of ids) await enqueue(db.models, { kind: 'letter-to-staff', payload: { letterId } }, { transaction });
  });
}

describe('outbox dispatcher', () => {
  it('delivers due entries in order, once, and marks them sent', async () => {
    await addLetters(1, 2, 3);
    const seen: number[] = [];
    const dispatcher = createOutboxDispatcher({
      sequelize: db.sequelize,
      clock: clockAfterEnqueue(),
      logger,
      handlers: { 'letter-to-staff': async (e) => (seen.push(e.payload.letterId), { kind: 'done' }) },
    });
    expect(await dispatcher.runOnce()).toBe(3);
    expect(await dispatcher.runOnce()).toBe(0);
    expect(seen).toEqual([1, 2, 3]);
    const statuses = await db.models.OutboxMessage.findAll({ order: [['id', 'ASC']] });
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('retries a failed delivery after a backoff and parks it after the last attempt', async () => {
    await addLetters(7);
    const clock = clockAfterEnqueue();
    let calls = 0;
    const dispatcher = createOutboxDispatcher({
      sequelize: db.sequelize,
      clock,
      logger,
      maxAttempts: 2,
      handlers: {
        'letter-to-staff': async () => {
          calls += 1;
          throw new Error('Telegram is down');
        },
      },
    });
    expect(await dispatcher.runOnce()).toBe(1);
    expect(await dispatcher.runOnce()).toBe(0);
    clock.advance(3_000);
    expect(await dispatcher.runOnce()).toBe(1);
    const entry = await db.models.OutboxMessage.findOne();
    expect(calls).toBe(2);
    expect(entry?.status).toBe('failed');
    expect(entry?.lastError).toBe('Telegram is down');
  });

  it('puts an entry back without counting a failure when the handler asks for later', async () => {
    await addLetters(9);
    const clock = clockAfterEnqueue();
    const results: Array<'later' | 'done'> = ['later', 'done'];
    const dispatcher = createOutboxDispatcher({
      sequelize: db.sequelize,
      clock,
      logger,
      handlers: {
        'letter-to-staff': async () =>
          results.shift() === 'later' ? { kind: 'later', at: new Date(clock.now().getTime() + 5_000) } : { kind: 'done' },
      },
    });
    await dispatcher.runOnce();
    expect(await dispatcher.runOnce()).toBe(0);
    clock.advance(5_000);
    expect(await dispatcher.runOnce()).toBe(1);
    const entry = await db.models.OutboxMessage.findOne();
    expect(entry?.status).toBe('sent');
    expect(entry?.attempts).toBe(1);
  });

  it('never hands one entry to two instances working at the same time', async () => {
    await addLetters(...Array.from({ length: 30 }, (_, i) => i + 1));
    const seen: number[] = [];
    const handler = async (e: ClaimedEntry<'letter-to-staff'>) => {
      seen.push(e.payload.letterId);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { kind: 'done' } as const;
    };
    const make = () =>
      createOutboxDispatcher({ sequelize: db.sequelize, clock: clockAfterEnqueue(), logger, batchSize: 5, handlers: { 'letter-to-staff': handler } });
    const [a, b] = [make(), make()];
    const drain = async (d: ReturnType<typeof make>) => {
      while ((await d.runOnce()) > 0);
    };
    await Promise.all([drain(a), drain(b)]);
    expect(seen.slice().sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('parks at once, without retrying, what the platform refuses for good (400 Bad Request)', async () => {
    await addLetters(11);
    const clock = clockAfterEnqueue();
    let calls = 0;
    const dispatcher = createOutboxDispatcher({
      sequelize: db.sequelize,
      clock,
      logger,
      handlers: {
        'letter-to-staff': async () => {
          calls += 1;
          throw new GrammyError('Call to sendMessage failed', { ok: false, error_code: 400, description: 'Bad Request: message is too long' }, 'sendMessage', {});
        },
      },
    });
    expect(await dispatcher.runOnce()).toBe(1);
    clock.advance(3_600_000);
    expect(await dispatcher.runOnce()).toBe(0);
    const entry = await db.models.OutboxMessage.findOne();
    expect(calls).toBe(1);
    expect(entry?.status).toBe('failed');
    expect(entry?.lastError).toMatch(/message is too long/);
  });
});

describe('which errors retrying cannot fix', () => {
  const telegram = (code: number, description: string) =>
    new GrammyError('Call failed', { ok: false, error_code: code, description }, 'sendMessage', {});

  it("is Telegram's 400 about the content, Viber's badData and a handler's PermanentFailure; not 429, 5xx, network errors or a blocked user", () => {
    expect(isPermanent(telegram(400, 'Bad Request: reply markup is too long'))).toBe(true);
    expect(isPermanent(new ViberApiError('send_message', 3, 'badData'))).toBe(true);
    expect(isPermanent(new PermanentFailure('no way'))).toBe(true);
    expect(isPermanent(telegram(429, 'Too Many Requests: retry after 5'))).toBe(false);
    expect(isPermanent(telegram(502, 'Bad Gateway'))).toBe(false);
    expect(isPermanent(telegram(400, 'Bad Request: strings must be encoded in UTF-8'))).toBe(true);
    expect(isPermanent(telegram(403, 'Forbidden: bot was blocked by the user'))).toBe(false);
    // An administrator can fix these; then the same send goes through.
    expect(isPermanent(telegram(400, 'Bad Request: not enough rights to send text messages to the chat'))).toBe(false);
    expect(isPermanent(telegram(400, 'Bad Request: chat not found'))).toBe(false);
    expect(isPermanent(new ViberApiError('send_message', 12, 'tooManyRequests'))).toBe(false);
    expect(isPermanent(new Error('socket hang up'))).toBe(false);
  });
});
