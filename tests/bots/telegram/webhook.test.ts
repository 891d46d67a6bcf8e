import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../support/database.ts';
import { aSubscriber } from '../../support/builders.ts';
import { closeTelegramWorld, startTelegramWorld, WEBHOOK_PATH, WEBHOOK_SECRET, type TelegramHarness } from '../../support/telegram-harness.ts';
import { toyRows, toyText } from '../../support/toy-cabinet.ts';
import { actionData } from '../../../bots/telegram/callback-data.ts';
import { common } from '../../../bots/texts/common.ts';

let db: TestDatabase;
let h: TelegramHarness;

beforeAll(async () => {
  ({ db, h } = await startTelegramWorld({ mode: 'webhook', fake: { webhook: { retryDelayMs: 50 } } }));
});
afterAll(() => closeTelegramWorld({ db, h }));

const post = (body: string | Buffer, headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }) =>
  fetch(`${h.httpUrl}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('webhook mode', () => {
  it('sets the webhook with the secret and answers updates Telegram posts to it', async () => {
    const set = h.tg.calls('setWebhook');
    expect(set).toHaveLength(1);
    expect(set[0]!.params).toMatchObject({ url: `${h.httpUrl}${WEBHOOK_PATH}`, secret_token: WEBHOOK_SECRET });

    await aSubscriber(db, { channelUserId: '7501' });
    const user = h.tg.user({ id: 7501, first_name: 'Ірина' });
    const update = user.command('/help');
    await h.tg.waitForSent(user.chatId, toyText.help);
    await h.tg.waitFor(() => h.tg.webhookDeliveries().find((d) => d.updateId === update.update_id && d.status === 200));

    // Telegram resends an update it thinks went unanswered: it is handled once, and answered 200.
    h.tg.redeliver(update.update_id);
    user.command('/cancel');
    await h.tg.waitForSent(user.chatId, common.nothingToCancel);
    expect(h.tg.sentTexts(user.chatId).filter((t) => t === toyText.help)).toHaveLength(1);
    expect(h.tg.webhookDeliveries().filter((d) => d.updateId === update.update_id).map((d) => d.status)).toEqual([200, 200]);
  });

  it('removes a pressed message’s buttons in the webhook’s own answer, answers the press with a call of its own, and the flow goes on', async () => {
    await aSubscriber(db, { channelUserId: '7509' });
    const user = h.tg.user({ id: 7509, first_name: 'Олег' });
    user.command('/readings');
    const asked = await h.tg.waitForSent(user.chatId, toyText.pick);
    const press = user.pressButton(asked, 'f:1:b');
    await h.tg.waitForSent(user.chatId, toyText.picked('b'));
    await h.tg.waitFor(() => h.tg.callbackAnswer(press));
    const answers = h.tg.calls('answerCallbackQuery').filter((c) => c.params.callback_query_id === press.callback_query!.id);
    expect(answers.map((c) => c.via)).toEqual(['http']);
    await h.tg.waitFor(() => h.tg.calls('editMessageReplyMarkup').find((c) => c.params.message_id === asked.message_id));
    const removals = h.tg.calls('editMessageReplyMarkup').filter((c) => c.params.message_id === asked.message_id);
    expect(removals.map((c) => [c.via, c.params.reply_markup])).toEqual([['webhook-reply', { inline_keyboard: [] }]]);
  });

  it('refuses a post without the right secret with 401 and does not handle it', async () => {
    await aSubscriber(db, { channelUserId: '7502' });
    const body = JSON.stringify({
      update_id: 990001,
      message: { message_id: 1, date: 0, chat: { id: 7502, type: 'private', first_name: 'Зловмисник' }, from: { id: 7502, is_bot: false, first_name: 'Зловмисник' }, text: '/help' },
    });
    for (const headers of [{ 'x-telegram-bot-api-secret-token': 'wrong-secret' }, {}] as Record<string, string>[]) expect((await post(body, headers)).status).toBe(401);
    const rows = await db.sequelize.query('SELECT 1 FROM telegram_processed_updates WHERE update_id = 990001');
    expect(rows[0]).toHaveLength(0);
    expect(h.tg.calls('sendMessage').filter((c) => Number(c.params.chat_id) === 7502)).toHaveLength(0);
  });

  it('answers what is not an update with 413 or 400, and logs no error', async () => {
    const logsBefore = h.logs.length;
    expect((await post(Buffer.alloc(1_100_000, 'a'))).status).toBe(413);
    expect((await post('{"update_id": 1, "message": ')).status).toBe(400);
    expect((await post('{"update_id": "12"}')).status).toBe(400);
    expect((await post('{"update_id": 1.5}')).status).toBe(400);
    expect((await post('[1, 2]')).status).toBe(400);
    expect(h.logs.slice(logsBefore)).toEqual([]);
  });

  it('a failing update the person was told about (common.error) is answered 200 and not redelivered', async () => {
    await aSubscriber(db, { channelUserId: '7503' });
    const user = h.tg.user({ id: 7503, first_name: 'Олег' });
    h.tg.failNext('sendMessage', { code: 400, description: 'Bad Request: something unexpected' }, { chatId: user.chatId });
    const update = user.command('/help');
    await h.tg.waitForSent(user.chatId, common.error);
    await h.tg.waitFor(() => h.tg.webhookDeliveries().find((d) => d.updateId === update.update_id));
    expect(h.tg.webhookDeliveries().filter((d) => d.updateId === update.update_id).map((d) => d.status)).toEqual([200]);
    expect(h.logs.join('')).toContain('telegram update failed');
    expect(h.logs.join('')).not.toContain(h.tg.token);
    // Nothing stuck: the next message works.
    user.command('/help');
    await h.tg.waitForSent(user.chatId, toyText.help);
  });

  it('a failing update nobody could be told about is answered 500, redelivered by Telegram and then handled', async () => {
    await aSubscriber(db, { channelUserId: '7504' });
    const user = h.tg.user({ id: 7504, first_name: 'Дана' });
    // The reply and the error message both fail: the claim is released and Telegram is asked to come back.
    h.tg.failNext('sendMessage', { code: 400, description: 'Bad Request: something unexpected' }, { chatId: user.chatId, times: 2 });
    const update = user.command('/help');
    await h.tg.waitForSent(user.chatId, toyText.help);
    await h.tg.waitFor(() => h.tg.webhookDeliveries().find((d) => d.updateId === update.update_id && d.status === 200));
    expect(h.tg.webhookDeliveries().filter((d) => d.updateId === update.update_id).map((d) => d.status)).toEqual([500, 200]);
    expect(h.tg.sentTexts(user.chatId).filter((t) => t === toyText.help)).toHaveLength(1);
  });

  it('a redelivered update that starts a flow starts the same run: work at its first step is not done twice', async () => {
    const subscriber = await aSubscriber(db, { channelUserId: '7505' });
    const user = h.tg.user({ id: 7505, first_name: 'Леся' });
    const notice = await h.app.notifier.send({ channel: 'telegram', channelUserId: '7505' }, { text: 'Відповідь готова', actions: [{ label: 'Мої листи', action: 'letters:list' }] });
    expect(notice.kind).toBe('delivered');
    const message = await h.tg.waitForSent(user.chatId, 'Відповідь готова');
    // The work is done, then the reply and the error message fail: 500, and Telegram redelivers.
    h.tg.failNext('sendMessage', { code: 400, description: 'Bad Request: something unexpected' }, { chatId: user.chatId, times: 2 });
    const press = user.pressButton(message, actionData['letters:list']);
    await h.tg.waitForSent(user.chatId, `${toyText.action('letters:list')} already`);
    await h.tg.waitFor(() => h.tg.webhookDeliveries().find((d) => d.updateId === press.update_id && d.status === 200));
    expect(h.tg.webhookDeliveries().filter((d) => d.updateId === press.update_id).map((d) => d.status)).toEqual([500, 200]);
    expect((await toyRows(db)).filter((r) => r.subscriber_id === subscriber.id)).toHaveLength(1);
  });

  it('a delivery of an update another handler holds a live claim on is answered 503; once the claim is past its lease it is handled', async () => {
    await aSubscriber(db, { channelUserId: '7506' });
    const body = JSON.stringify({
      update_id: 990002,
      message: { message_id: 1, date: 0, chat: { id: 7506, type: 'private', first_name: 'Ліна' }, from: { id: 7506, is_bot: false, first_name: 'Ліна' }, text: '/help' },
    });
    h.tg.user({ id: 7506, first_name: 'Ліна' });
    // A handler (on another instance, or one that died) claimed it a moment ago.
    await db.sequelize.query(`INSERT INTO telegram_processed_updates (update_id, claim, done, processed_at) VALUES (990002, 'elsewhere', false, now())`);
    expect((await post(body)).status).toBe(503);
    expect(h.tg.sentTexts(7506)).toEqual([]);
    await db.sequelize.query(`UPDATE telegram_processed_updates SET processed_at = now() - interval '2 minutes' WHERE update_id = 990002`);
    expect((await post(body)).status).toBe(200);
    await h.tg.waitForSent(7506, toyText.help);
    expect((await post(body)).status).toBe(200);
    expect(h.tg.sentTexts(7506)).toEqual([toyText.help]);
  });
});
