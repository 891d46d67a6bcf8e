import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../support/database.ts';
import { aSubscriber } from '../../support/builders.ts';
import { closeTelegramWorld, startTelegramWorld, type TelegramHarness } from '../../support/telegram-harness.ts';
import { TINY_JPEG } from '../../support/fake-telegram/index.ts';
import { toyText } from '../../support/toy-cabinet.ts';
import { common } from '../../../bots/texts/common.ts';
import { actionData } from '../../../bots/telegram/callback-data.ts';
import { findSubscriber } from '../../../core/subscribers.ts';
import { pruneTelegramState } from '../../../bots/telegram/storage.ts';

let db: TestDatabase;
let h: TelegramHarness;

beforeAll(async () => {
  ({ db, h } = await startTelegramWorld());
});
afterAll(() => closeTelegramWorld({ db, h }));

async function isBlocked(userId: number): Promise<boolean | undefined> {
  return (await findSubscriber(h.core, 'telegram', String(userId)))?.blocked;
}

describe('surviving the real world', () => {
  it('takes updates by long polling, with no webhook set', async () => {
    await aSubscriber(db, { channelUserId: '7300' });
    const user = h.tg.user({ id: 7300, first_name: 'Давид' });
    user.command('/help');
    await h.tg.waitForSent(user.chatId, toyText.help);
    expect(h.tg.calls('deleteWebhook').length).toBeGreaterThan(0);
    expect(h.tg.calls('setWebhook')).toHaveLength(0);
    expect(h.tg.webhookDeliveries()).toHaveLength(0);
  });

  it('continues a flow on a new instance after a restart in the middle of it', async () => {
    await aSubscriber(db, { channelUserId: '7301' });
    const user = h.tg.user({ id: 7301, first_name: 'Микола' });
    user.command('/readings');
    const asked = await h.tg.waitForSent(user.chatId, toyText.pick);
    const before = h.app;
    await h.restart();
    expect(h.app).not.toBe(before);
    user.pressButton(asked, 'f:1:a');
    await h.tg.waitForSent(user.chatId, toyText.picked('a'));
  });

  it('answers an old inline button whose flow was cancelled just before a restart', async () => {
    await aSubscriber(db, { channelUserId: '7302' });
    const user = h.tg.user({ id: 7302, first_name: 'Віра' });
    user.command('/readings');
    const asked = await h.tg.waitForSent(user.chatId, toyText.pick);
    // The restart begins while the bot still waits for Telegram's answer to "cancelled", before it committed the
    // flow's end: stopping must let that update finish, or the new instance would resume the cancelled flow.
    h.tg.failNext('sendMessage', { code: 'late', ms: 300 }, { chatId: user.chatId });
    user.command('/cancel');
    await h.tg.waitForSent(user.chatId, common.cancelled);
    await h.restart();
    user.pressButton(asked, 'f:1:b', { force: true });
    await h.tg.waitForSent(user.chatId, common.staleButton);
  });

  it('handles a redelivered update once', async () => {
    await aSubscriber(db, { channelUserId: '7303' });
    const user = h.tg.user({ id: 7303, first_name: 'Степан' });
    const update = user.command('/help');
    await h.tg.waitForSent(user.chatId, toyText.help);
    h.tg.redeliver(update.update_id);
    user.command('/cancel');
    await h.tg.waitForSent(user.chatId, common.nothingToCancel);
    expect(h.tg.sentTexts(user.chatId).filter((t) => t === toyText.help)).toHaveLength(1);
    const [rows] = await db.sequelize.query('SELECT done FROM telegram_processed_updates WHERE update_id = :id', { replacements: { id: update.update_id } });
    expect(rows).toEqual([{ done: true }]);
  });

  it('marks a subscriber blocked on 403 and clears it when they write again', async () => {
    await aSubscriber(db, { channelUserId: '7305' });
    const user = h.tg.user({ id: 7305, first_name: 'Богдан' });
    h.tg.failNext('sendMessage', { code: 403 }, { chatId: user.chatId });
    user.command('/help');
    await h.tg.waitForCall('sendMessage', (p) => Number(p.chat_id) === user.chatId);
    await expect.poll(() => isBlocked(7305)).toBe(true);

    user.command('/help');
    await h.tg.waitForSent(user.chatId, toyText.help);
    expect(await isBlocked(7305)).toBe(false);
  });

  it('marks blocked when the user blocks the bot (my_chat_member)', async () => {
    await aSubscriber(db, { channelUserId: '7306' });
    const user = h.tg.user({ id: 7306, first_name: 'Лідія' });
    user.blockBot();
    await expect.poll(() => isBlocked(7306)).toBe(true);
    user.unblockBot();
    await expect.poll(() => isBlocked(7306)).toBe(false);
  });
});

describe('housekeeping', () => {
  it('prunes old update ids and abandoned flow state, keeping recent ones', async () => {
    await db.sequelize.query(`
      INSERT INTO telegram_processed_updates (update_id, processed_at, done) VALUES (880001, now() - interval '3 days', true), (880002, now(), true);
      INSERT INTO telegram_state (key, value, updated_at) VALUES
        ('flow:880001', '{}', now() - interval '8 days'), ('flow:880002', '{}', now()), ('session:880001', '{}', now() - interval '8 days');
    `);
    await pruneTelegramState(db, { updatesOlderThanMs: 2 * 86_400_000, statesOlderThanMs: 7 * 86_400_000, statePrefix: 'flow:' });
    const [updates] = await db.sequelize.query('SELECT update_id FROM telegram_processed_updates WHERE update_id IN (880001, 880002)');
    expect(updates.map((r) => Number((r as { update_id: string }).update_id))).toEqual([880002]);
    const [state] = await db.sequelize.query(`SELECT key FROM telegram_state WHERE key LIKE '%880001' OR key LIKE '%880002' ORDER BY key`);
    expect(state.map((r) => (r as { key: string }).key)).toEqual(['flow:880002', 'session:880001']);
  });
});

describe('the Telegram notifier', () => {
  it('sends photos then the text with action buttons, which start their flows', async () => {
    await aSubscriber(db, { channelUserId: '7401' });
    const user = h.tg.user({ id: 7401, first_name: 'Ніна' });
    user.sendPhoto({ bytes: TINY_JPEG });
    user.sendPhoto({ bytes: TINY_JPEG });
    // Photos the subscriber sent earlier: their file_ids are what a staff answer or a letter carries.
    const photos = h.tg.updates().flatMap((u) => (u.message?.chat.id === user.chatId && u.message.photo ? [u.message.photo.at(-1)!.file_id] : []));
    expect(photos).toHaveLength(2);
    await h.tg.waitForSent(user.chatId, common.notUnderstoodMedia);

    const result = await h.app.notifier.send(
      { channel: 'telegram', channelUserId: '7401' },
      {
        text: 'Нагадуємо: час передати показники.',
        photos: photos.map((ref) => ({ kind: 'photo' as const, ref, channel: 'telegram' as const })),
        actions: [
          { label: 'Передати показники', action: 'readings:start' },
          { label: 'Вимкнути нагадування', action: 'reminders:off' },
        ],
      },
    );
    expect(result.kind).toBe('delivered');
    expect(result.kind === 'delivered' && result.messageIds).toHaveLength(3);
    expect(h.tg.calls('sendMediaGroup')).toHaveLength(1);
    const notice = await h.tg.waitForSent(user.chatId, 'Нагадуємо');
    expect(JSON.stringify(notice.reply_markup)).toContain(actionData['reminders:off']);
    user.pressButton(notice, actionData['readings:start']);
    await h.tg.waitForSent(user.chatId, toyText.action('readings:start'));
  });

  it('reports a blocked subscriber as unreachable and marks them; other errors throw', async () => {
    await aSubscriber(db, { channelUserId: '7402' });
    const user = h.tg.user({ id: 7402, first_name: 'Юрій' });
    h.tg.blockedBy(user.id);
    const result = await h.app.notifier.send({ channel: 'telegram', channelUserId: '7402' }, { text: 'Відповідь на ваш лист' });
    expect(result).toEqual({ kind: 'unreachable', reason: 'blocked' });
    expect(await isBlocked(7402)).toBe(true);
    h.tg.unblockedBy(user.id);

    h.tg.failNext('sendMessage', { code: 400, description: 'chat not found' }, { chatId: user.chatId });
    await expect(h.app.notifier.send({ channel: 'telegram', channelUserId: '7402' }, { text: 'Ще раз' })).rejects.toThrow(/chat not found/);
  });
});
