import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../support/database.ts';
import { aSubscriber } from '../../support/builders.ts';
import { closeTelegramWorld, startTelegramWorld, WEBHOOK_PATH, WEBHOOK_SECRET, type TelegramHarness } from '../../support/telegram-harness.ts';
import { help } from '../../../bots/texts/help.ts';
import { common } from '../../../bots/texts/common.ts';

let db: TestDatabase;
let h: TelegramHarness;

beforeAll(async () => {
  ({ db, h } = await startTelegramWorld({ mode: 'webhook' }));
});
afterAll(() => closeTelegramWorld({ db, h }));

describe('webhook mode', () => {
  it('sets the webhook with the secret and answers updates Telegram posts to it', async () => {
    const set = h.tg.calls('setWebhook');
    expect(set).toHaveLength(1);
    expect(set[0]!.params).toMatchObject({ url: `${h.httpUrl}${WEBHOOK_PATH}`, secret_token: WEBHOOK_SECRET });

    await aSubscriber(db, { channelUserId: '7501' });
    const user = h.tg.user({ id: 7501, first_name: 'Ірина' });
    const update = user.command('/help');
    await h.tg.waitForSent(user.chatId, help.text);
    await h.tg.waitFor(() => h.tg.webhookDeliveries().find((d) => d.updateId === update.update_id && d.status === 200));

    // Telegram resends an update it thinks went unanswered: it is handled once.
    h.tg.redeliver(update.update_id);
    user.command('/cancel');
    await h.tg.waitForSent(user.chatId, common.nothingToCancel);
    expect(h.tg.sentTexts(user.chatId).filter((t) => t === help.text)).toHaveLength(1);
  });

  it('refuses a post without the right secret with 401 and does not handle it', async () => {
    await aSubscriber(db, { channelUserId: '7502' });
    const body = JSON.stringify({
      update_id: 990001,
      message: { message_id: 1, date: 0, chat: { id: 7502, type: 'private', first_name: 'Зловмисник' }, from: { id: 7502, is_bot: false, first_name: 'Зловмисник' }, text: '/help' },
    });
    const attempts: Record<string, string>[] = [{ 'x-telegram-bot-api-secret-token': 'wrong-secret' }, {}];
    for (const headers of attempts) {
      const response = await fetch(`${h.httpUrl}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect(response.status).toBe(401);
    }
    const rows = await db.sequelize.query('SELECT 1 FROM telegram_processed_updates WHERE update_id = 990001');
    expect(rows[0]).toHaveLength(0);
    expect(h.tg.calls('sendMessage').filter((c) => Number(c.params.chat_id) === 7502)).toHaveLength(0);
  });
});
