import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { systemClock } from '../../../core/clock.ts';
import { localDate } from '../../../core/calendar.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import { createLogger } from '../../../bots/logger.ts';
import { handleInboxRow, partsSentOn, recordSentPart, storeIncoming } from '../../../bots/sms/inbox.ts';
import { aMeter, anAccount } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});
const core = () => ({ db, clock: systemClock, settings: defaultCoreSettings });
const logger = createLogger('silent');
const repliesFor = (phone: string) =>
  db.sequelize.query<{ payload: { text: string } }>(`SELECT payload FROM outbox WHERE kind = 'sms-reply' AND payload->>'phone' = :phone`, {
    replacements: { phone },
    type: QueryTypes.SELECT,
  });

async function kept(phone: string, text: string, sequence: number): Promise<number> {
  const stored = await storeIncoming(core(), { kind: 'message', sender: `+${phone}`, text, key: `mo:${phone}:${sequence}:${text}` });
  if (stored.kind !== 'stored') throw new Error(`not stored: ${stored.kind}`);
  return stored.id;
}

describe('the SMS inbox', () => {
  it('handles an SMS once however often it is handled, and queues one reply', async () => {
    const phone = '380671230001';
    const account = await anAccount(db, { phone });
    const meter = await aMeter(db, account, { lastReading: 10 });
    const id = await kept(phone, '15', 1);
    await handleInboxRow({ core: core(), settings: { perPhonePerDay: 10, replies: true }, logger }, id);
    await handleInboxRow({ core: core(), settings: { perPhonePerDay: 10, replies: true }, logger }, id);
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(1);
    expect(await repliesFor(phone)).toHaveLength(1);
  });

  it('SMS_REPLIES=false takes the reading and sends nothing', async () => {
    const phone = '380671230002';
    const account = await anAccount(db, { phone });
    const meter = await aMeter(db, account, { lastReading: 10 });
    const id = await kept(phone, '16', 2);
    await handleInboxRow({ core: core(), settings: { perPhonePerDay: 10, replies: false }, logger }, id);
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(1);
    expect(await repliesFor(phone)).toHaveLength(0);
  });

  it('counts the reply parts sent per day, matched with receipts whichever comes first', async () => {
    const today = localDate(new Date(), defaultCoreSettings.timeZone);
    const before = await partsSentOn(core(), today);
    await storeIncoming(core(), { kind: 'receipt', messageId: 'early-1', state: 'DELIVRD' });
    await recordSentPart(core(), { outboxId: 990001, part: 0, messageId: 'early-1' });
    await recordSentPart(core(), { outboxId: 990001, part: 1, messageId: 'late-2' });
    await recordSentPart(core(), { outboxId: 990001, part: 1, messageId: 'late-2' });
    await storeIncoming(core(), { kind: 'receipt', messageId: 'late-2', state: 'UNDELIV' });
    expect(await partsSentOn(core(), today)).toBe(before + 2);
    const rows = await db.sequelize.query<{ message_id: string; receipt_state: string }>(
      `SELECT message_id, receipt_state FROM sms_sent WHERE outbox_id = 990001 ORDER BY part`,
      { type: QueryTypes.SELECT },
    );
    expect(rows).toEqual([{ message_id: 'early-1', receipt_state: 'DELIVRD' }, { message_id: 'late-2', receipt_state: 'UNDELIV' }]);
  });
});
