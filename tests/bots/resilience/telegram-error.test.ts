import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { common } from '../../../bots/texts/common.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeTelegram } from '../../support/fake-telegram/index.ts';
import { killAll, startCabinet, TELEGRAM_PATH, TELEGRAM_SECRET, until, type Cabinet } from './support/harness.ts';

// Issue 12's first repro on the real app in its own process, Telegram in webhook mode (the fake POSTs each update
// and resends it until it gets a 2xx): Telegram refuses the bot's answer once, with 400, and the subscriber
// presses «Мої рахунки». By design the person then gets the error text and the webhook answers 200 (they were
// told; they press again); when the error text cannot be sent either, the webhook answers 500 and Telegram's
// redelivery is handled afresh (the claim was released), so the answer itself arrives.

let db: TestDatabase;
let tg: FakeTelegram;
let app: Cabinet;
let nextUser = 81_000;

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 10 });
  tg = await FakeTelegram.start({ webhook: { retryDelayMs: 200, timeoutMs: 10_000 } });
  app = await startCabinet({
    DATABASE_URL: db.url,
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_WEBHOOK_URL: `{base}${TELEGRAM_PATH}`,
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
  });
}, 40_000);
afterAll(async () => {
  killAll();
  await tg?.stop();
  await db?.destroy();
});

async function aLinkedSubscriber(accountNumber: string) {
  const id = nextUser++;
  const subscriber = await aSubscriber(db, { channelUserId: String(id) });
  await aLink(db, subscriber, await anAccount(db, { number: accountNumber, address: 'вул. Соборна, 7' }));
  return { subscriber, user: tg.user({ id, first_name: 'Тарас' }) };
}

const deliveries = (updateId: number) => tg.webhookDeliveries().filter((d) => d.updateId === updateId).map((d) => d.status);
const lines = (log: string, updateId: number, message: string) =>
  log.split('\n').filter((line) => line.includes(`"updateId":${updateId}`) && line.includes(message)).length;

describe('Telegram refuses the answer to «Мої рахунки» with 400 (webhook mode, the real app in a process)', () => {
  it('the subscriber is told about the error, the update is answered 200, one error line is logged; the next press is answered', async () => {
    const { user } = await aLinkedSubscriber('5500101');
    tg.failNext('sendMessage', { code: 400, description: 'Bad Request: message is too long' }, { chatId: user.chatId });
    const press = user.sendText(menu.accounts);
    await until(() => deliveries(press.update_id).some((s) => s === 200), 'the update answered 200');
    expect(tg.sentTexts(user.chatId)).toEqual([common.error]);
    expect(deliveries(press.update_id)).toEqual([200]);
    expect(lines(app.log(), press.update_id, 'telegram update failed')).toBe(1);

    const again = user.sendText(menu.accounts);
    await tg.waitForSent(user.chatId, /5500101/, { timeout: 15_000 });
    await until(() => deliveries(again.update_id).includes(200), 'the second press answered 200');
    expect(lines(app.log(), again.update_id, 'duplicate update skipped')).toBe(0);
  }, 30_000);

  it('when the error text is refused too: 500, and Telegram’s redelivery is handled, not skipped as a duplicate', async () => {
    const { user } = await aLinkedSubscriber('5500102');
    tg.failNext('sendMessage', { code: 400, description: 'Bad Request: message is too long' }, { chatId: user.chatId, times: 2 });
    const press = user.sendText(menu.accounts);
    await tg.waitForSent(user.chatId, /5500102/, { timeout: 15_000 });
    await until(() => deliveries(press.update_id).includes(200), 'the redelivery answered 200');
    expect(deliveries(press.update_id)).toEqual([500, 200]);
    // The first delivery's answer and error text were refused; the redelivery's answer arrived, once.
    expect(tg.sentTexts(user.chatId).filter((t) => t.includes('5500102'))).toHaveLength(1);
    expect(lines(app.log(), press.update_id, 'duplicate update skipped')).toBe(0);
    const [claims] = await db.sequelize.query(`SELECT done FROM telegram_processed_updates WHERE update_id = ${press.update_id}`);
    expect(claims).toEqual([{ done: true }]);
  }, 30_000);
});
