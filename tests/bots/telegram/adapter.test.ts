import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../support/database.ts';
import { aSubscriber } from '../../support/builders.ts';
import { closeTelegramWorld, startTelegramWorld, type TelegramHarness } from '../../support/telegram-harness.ts';
import { TINY_JPEG } from '../../support/fake-telegram/index.ts';
import { pickChoices, toyRows, toyText, TOY_SECRET } from '../../support/toy-cabinet.ts';
import { common } from '../../../bots/texts/common.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { actionData } from '../../../bots/telegram/callback-data.ts';

// The Telegram adapter of the shared cabinet, against a cabinet of toy flows: how updates become events, how what
// a flow says is rendered, and what a failure looks like to the person and in the log.

let db: TestDatabase;
let h: TelegramHarness;
let nextUser = 8100;

beforeAll(async () => {
  ({ db, h } = await startTelegramWorld());
});
afterAll(() => closeTelegramWorld({ db, h }));

async function aPerson(name = 'Оксана') {
  const id = nextUser++;
  const subscriber = await aSubscriber(db, { channelUserId: String(id), name });
  return { subscriber, user: h.tg.user({ id, first_name: name }) };
}

const inlineData = (m: { reply_markup?: unknown }) =>
  ((m.reply_markup as { inline_keyboard?: { callback_data?: string; text: string }[][] } | undefined)?.inline_keyboard ?? []).flat();
const replyButtons = (m: { reply_markup?: unknown }) =>
  ((m.reply_markup as { keyboard?: ({ text: string; request_contact?: boolean } | string)[][] } | undefined)?.keyboard ?? []).flat().map((b) => (typeof b === 'string' ? { text: b } : b));

describe('updates become the router’s events', () => {
  it('a menu command starts a flow whose choices are inline buttons f:<prompt>:<id>; a press answers, removes them and continues', async () => {
    const { user } = await aPerson();
    user.command('/readings');
    const asked = await h.tg.waitForSent(user.chatId, toyText.pick);
    expect(inlineData(asked).map((b) => b.callback_data)).toEqual(['f:1:a', 'f:1:b']);
    expect(inlineData(asked).map((b) => b.text)).toEqual(pickChoices[0]!.map((c) => c.label));

    const press = user.pressButton(asked, 'f:1:b');
    await h.tg.waitForSent(user.chatId, toyText.picked('b'));
    expect(h.tg.callbackAnswer(press)).toBeDefined();
    await expect.poll(() => inlineData(h.tg.sent(user.chatId).find((m) => m.message_id === asked.message_id)!)).toEqual([]);

    // The flow is over: the old button is stale.
    user.pressButton(asked, 'f:1:a', { force: true });
    await h.tg.waitForSent(user.chatId, common.staleButton);
  });

  it('typed text goes to the waiting flow; a typed label is a press; the menu label and /cancel leave', async () => {
    const { user } = await aPerson();
    user.command('/letter');
    const prompt = await h.tg.waitForSent(user.chatId, toyText.type);
    // Inside a flow the reply keyboard holds only «Скасувати».
    expect(replyButtons(prompt).map((b) => b.text)).toEqual([common.cancelButton]);
    user.sendSticker();
    await h.tg.waitForSent(user.chatId, common.notUnderstoodMedia);
    user.sendText('привіт 👋🏽');
    const got = await h.tg.waitForSent(user.chatId, toyText.got('привіт 👋🏽'));
    expect(replyButtons(got).map((b) => b.text)).toContain(menu.readings);

    user.sendText(menu.readings);
    await h.tg.waitForSent(user.chatId, toyText.pick);
    user.sendText('бета');
    await h.tg.waitForSent(user.chatId, toyText.picked('b'));

    user.command('/letter');
    await h.tg.waitForSent(user.chatId, toyText.type);
    user.command('/cancel');
    await h.tg.waitForSent(user.chatId, common.cancelled);
    user.command('/cancel');
    await h.tg.waitForSent(user.chatId, common.nothingToCancel);
  });

  it('/start carries its payload; other commands and forwards are "other"; an unknown text outside a flow gets the fallback', async () => {
    const { user } = await aPerson();
    user.command('/start abc_123');
    await h.tg.waitForSent(user.chatId, toyText.start('abc_123'));
    user.command('/start');
    await h.tg.waitForSent(user.chatId, toyText.start(null));
    user.forward('переслане');
    await h.tg.waitForSent(user.chatId, common.forwarded);
    user.command('/nonsense');
    await h.tg.waitForSent(user.chatId, common.notUnderstoodMedia);
    user.sendText('щось');
    await h.tg.waitForSent(user.chatId, common.unknownText);
  });

  it('the action buttons of messages the app starts start their flows', async () => {
    const { subscriber, user } = await aPerson();
    const result = await h.app.notifier.send(
      { channel: 'telegram', channelUserId: subscriber.channelUserId },
      { text: 'Нагадуємо: час передати показники.', actions: [{ label: 'Вимкнути нагадування', action: 'reminders:off' }] },
    );
    expect(result.kind).toBe('delivered');
    const notice = await h.tg.waitForSent(user.chatId, 'Нагадуємо');
    user.pressButton(notice, actionData['reminders:off']);
    await h.tg.waitForSent(user.chatId, toyText.action('reminders:off'));
  });

  it('a message the app starts that is longer than Telegram takes goes in parts, whole characters, buttons under the last', async () => {
    const { subscriber, user } = await aPerson();
    const answer = `${'Відповідь 👩‍🔧 '.repeat(400)}кінець`;
    const result = await h.app.notifier.send(
      { channel: 'telegram', channelUserId: subscriber.channelUserId },
      { text: answer, actions: [{ label: 'Мої листи', action: 'letters:list' }] },
    );
    expect(result).toMatchObject({ kind: 'delivered' });
    const ids = (result as { messageIds: string[] }).messageIds;
    expect(ids.length).toBeGreaterThan(1);
    const parts = h.tg.sent(user.chatId).slice(-ids.length);
    for (const part of parts) {
      expect(part.text!.length).toBeLessThanOrEqual(4096);
      expect(part.text!.isWellFormed()).toBe(true);
    }
    expect(parts.map((p) => p.text).join(' ').replace(/\s+/g, ' ')).toBe(answer.replace(/\s+/g, ' ').trim());
    expect(parts.at(-1)!.reply_markup).toBeDefined();
    expect(parts.slice(0, -1).every((p) => p.reply_markup === undefined)).toBe(true);
  });

  it('a contact is verified only when it is the sender’s own; the contact keyboard has the share button, the choices and «Скасувати»', async () => {
    const { user } = await aPerson();
    user.command('/accounts');
    const ask = await h.tg.waitForSent(user.chatId, toyText.share);
    const buttons = replyButtons(ask);
    expect(buttons[0]).toMatchObject({ text: onboarding.sharePhoneButton, request_contact: true });
    expect(buttons.map((b) => b.text)).toEqual([onboarding.sharePhoneButton, 'Пізніше', common.cancelButton]);
    user.shareContact({ phone_number: '380671112233', user_id: 424242 });
    await h.tg.waitForSent(user.chatId, toyText.contact('380671112233', false));

    user.command('/accounts');
    await h.tg.waitForSent(user.chatId, toyText.share);
    user.shareContact({ phone_number: '380671112244' });
    await h.tg.waitForSent(user.chatId, toyText.contact('380671112244', true));

    user.command('/accounts');
    await h.tg.waitForSent(user.chatId, toyText.share);
    user.sendText('Пізніше');
    await h.tg.waitForSent(user.chatId, toyText.later);
  });

  it('a photo arrives as its largest size’s file id with its caption', async () => {
    const { user } = await aPerson();
    user.command('/add');
    await h.tg.waitForSent(user.chatId, toyText.photo);
    const update = user.sendPhoto({ bytes: TINY_JPEG, caption: 'лічильник' });
    const largest = update.message!.photo!.reduce((a, b) => (b.width * b.height >= a.width * a.height ? b : a));
    await h.tg.waitForSent(user.chatId, toyText.gotPhoto(largest.file_id, 'лічильник'));
  });

  it('splits a text over 4,096 characters into messages, the keyboard on the last', async () => {
    const { user } = await aPerson();
    user.command('/start long');
    await h.tg.waitForSent(user.chatId, 'абв');
    await expect.poll(() => h.tg.sent(user.chatId).length).toBe(3);
    const parts = h.tg.sent(user.chatId);
    expect(parts.map((p) => p.text!).join('').replace(/\s/g, '')).toBe('абв'.repeat(2500));
    for (const part of parts) expect(part.text!.length).toBeLessThanOrEqual(4096);
    expect(parts.slice(0, -1).every((p) => p.reply_markup === undefined)).toBe(true);
    expect(replyButtons(parts.at(-1)!).map((b) => b.text)).toContain(menu.help);
  });

  it('an abandoned flow expires: after the time-out a typed text is not taken by it', async () => {
    const { user } = await aPerson();
    user.command('/letter');
    await h.tg.waitForSent(user.chatId, toyText.type);
    h.clock.advance(31 * 60_000);
    user.sendText('запізно');
    await h.tg.waitForSent(user.chatId, common.unknownText);
  });
});

describe('a failing flow', () => {
  it('answers common.error, logs only method, code, description, update and subscriber ids, and the next message works', async () => {
    const { subscriber, user } = await aPerson();
    const update = user.command('/settings');
    await h.tg.waitForSent(user.chatId, common.error);
    const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.updateId === update.update_id);
    expect(line).toMatchObject({ msg: 'telegram update failed', subscriberId: subscriber.id, err: { type: 'Error' } });
    const all = h.logs.join('');
    for (const secret of [TOY_SECRET, '380501234567', 'Шевченко', h.tg.token]) expect(all).not.toContain(secret);
    // Its claim was released, so a redelivery would be handled again.
    const claims = async () =>
      (await db.sequelize.query('SELECT 1 FROM telegram_processed_updates WHERE update_id = :id', { replacements: { id: update.update_id } }))[0].length;
    await expect.poll(claims).toBe(0);
    user.command('/help');
    await h.tg.waitForSent(user.chatId, toyText.help);
  });

  it('a Bot API error while replying: the person gets common.error, the log has the method and Telegram’s description only', async () => {
    const { user } = await aPerson();
    h.tg.failNext('sendMessage', { code: 400, description: 'Bad Request: something unexpected' }, { chatId: user.chatId });
    const update = user.command('/help');
    await h.tg.waitForSent(user.chatId, common.error);
    const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.updateId === update.update_id);
    expect(line?.err).toMatchObject({ type: 'GrammyError', method: 'sendMessage', error_code: 400, description: 'Bad Request: something unexpected' });
    const allowed = ['type', 'message', 'method', 'error_code', 'description', 'stack'];
    expect(Object.keys(line?.err as object).filter((k) => !allowed.includes(k))).toEqual([]);
    expect(h.logs.join('')).not.toContain(h.tg.token);
    expect(h.logs.join('')).not.toContain(toyText.help);
  });

  it('waits out a 429 and sends the reply (auto-retry; replies are not throttled in-process)', async () => {
    const { user } = await aPerson();
    h.tg.failNext('sendMessage', { code: 429, retryAfter: 1 }, { chatId: user.chatId });
    user.command('/help');
    await h.tg.waitForSent(user.chatId, toyText.help, { timeout: 8000 });
    const outcomes = h.tg.calls('sendMessage').filter((c) => Number(c.params.chat_id) === user.chatId).map((c) => c.outcome.ok);
    expect(outcomes).toEqual([false, true]);
  });
});

describe('the confirm button stores once', () => {
  it('a second press of the same button finds the work done', async () => {
    const { subscriber, user } = await aPerson();
    user.command('/letters');
    const confirm = await h.tg.waitForSent(user.chatId, toyText.confirm);
    const data = inlineData(confirm)[0]!.callback_data!;
    user.pressButton(confirm, data);
    await h.tg.waitForSent(user.chatId, toyText.stored);
    user.pressButton(confirm, data, { force: true });
    await h.tg.waitForSent(user.chatId, common.staleButton);
    expect((await toyRows(db)).filter((r) => r.subscriber_id === subscriber.id)).toHaveLength(1);
  });
});
