import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Bot, GrammyError, InputFile, webhookCallback } from 'grammy';
import type { Update } from 'grammy/types';
import { autoRetry } from '@grammyjs/auto-retry';
import { run } from '@grammyjs/runner';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { FakeTelegram, TINY_JPEG } from './index.ts';

function aPng(width: number, height: number): Buffer {
  return PNG.sync.write(new PNG({ width, height }));
}

let tg: FakeTelegram;
const stoppers: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  tg = await FakeTelegram.start();
});

afterEach(async () => {
  for (const stop of stoppers.splice(0).reverse()) await stop();
  await tg.stop();
});

function newBot(): Bot {
  return new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
}

async function startPolling(bot: Bot): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    bot.start({ onStart: () => resolve() }).catch(reject);
  });
  stoppers.push(() => bot.stop());
}

async function listen(app: express.Express): Promise<string> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  stoppers.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram`;
}

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
};

describe('long polling', () => {
  it('hands a user text to the bot and records the reply', async () => {
    const bot = newBot();
    bot.command('start', (ctx) => ctx.reply(`Вітаю, ${ctx.from?.first_name}`));
    const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    bot.on('message:text', (ctx) => ctx.reply(`<i>Ви написали:</i> ${escape(ctx.msg.text)}`, { parse_mode: 'HTML' }));
    await startPolling(bot);
    const olena = tg.user({ id: 501, first_name: 'Олена' });

    olena.command('/start');
    olena.sendText('12 < 13 & 14');
    expect((await tg.waitForSent(olena.id)).text).toBe('Вітаю, Олена');
    const reply = await tg.waitForSent(olena.id);

    expect(reply.text).toBe('Ви написали: 12 < 13 & 14'); // stored as Telegram returns it: markup parsed away
    expect(reply.entities).toEqual([{ type: 'italic', offset: 0, length: 12 }]);
    expect(reply.chat.id).toBe(olena.id);
    expect(reply.message_id).toBeGreaterThan(2); // the user's two messages took 1 and 2 in this chat
    const getUpdates = tg.calls('getUpdates');
    expect(getUpdates.some((c) => c.params.timeout === 30)).toBe(true);
    await bot.stop();
    expect(tg.pendingUpdates()).toEqual([]); // confirmed by the offset of the last getUpdates
  });

  it('delivers a redelivered update with the same update_id again', async () => {
    const bot = newBot();
    const seen: number[] = [];
    bot.on('message', (ctx) => {
      seen.push(ctx.update.update_id);
    });
    await startPolling(bot);
    const update = tg.user({ id: 502, first_name: 'Петро' }).sendText('показання 123');
    await tg.waitFor(() => seen.length === 1);
    tg.duplicateLast();
    await tg.waitFor(() => seen.length === 2);
    expect(seen).toEqual([update.update_id, update.update_id]);
  });

  it('works with @grammyjs/runner', async () => {
    const bot = newBot();
    bot.on('message:text', (ctx) => ctx.reply(ctx.msg.text.toUpperCase()));
    const runner = run(bot);
    stoppers.push(() => (runner.isRunning() ? runner.stop() : Promise.resolve()));
    const user = tg.user({ id: 520, first_name: 'Runner' });
    user.sendText('привіт');
    expect((await tg.waitForSent(user.id)).text).toBe('ПРИВІТ');
    await runner.stop();
  });

  it('answers a pending long poll early when an update arrives, and releases it on stop', async () => {
    const started = Date.now();
    const poll = fetch(`${tg.apiRoot}/bot${tg.token}/getUpdates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timeout: 20 }),
    }).then((r) => r.json() as Promise<{ ok: boolean; result: Update[] }>);
    await tg.waitFor(() => tg.calls().length === 0 && Date.now() - started > 50);
    tg.user({ id: 503, first_name: 'Іван' }).sendText('ping');
    const answer = await poll;
    expect(answer.result.map((u) => u.message?.text)).toEqual(['ping']);
    expect(Date.now() - started).toBeLessThan(2000);

    const hanging = fetch(`${tg.apiRoot}/bot${tg.token}/getUpdates?offset=${answer.result[0]!.update_id + 1}&timeout=20`).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 50));
    const stopping = Date.now();
    await tg.stop();
    expect(await hanging).toEqual({ ok: true, result: [] });
    expect(Date.now() - stopping).toBeLessThan(1000);
  });
});

describe('webhook', () => {
  it('POSTs updates with the secret header, records 200, and resends after a failed answer', async () => {
    const bot = newBot();
    const seen: number[] = [];
    let failOnce = true;
    bot.on('message:text', async (ctx) => {
      seen.push(ctx.update.update_id);
      if (failOnce) {
        failOnce = false;
        throw new Error('database hiccup');
      }
      await ctx.reply('Прийнято');
    });
    const app = express();
    app.use(express.json());
    app.post('/telegram', webhookCallback(bot, 'express', { secretToken: 's3cret' }));
    app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.sendStatus(500);
    });
    const url = await listen(app);
    await bot.api.setWebhook(url, { secret_token: 's3cret' });

    const user = tg.user({ id: 504, first_name: 'Марія' });
    const update = user.sendText('123');
    expect((await tg.waitForSent(user.id)).text).toBe('Прийнято');

    expect(seen).toEqual([update.update_id, update.update_id]);
    await tg.waitFor(() => tg.webhookDeliveries().length === 2);
    expect(tg.webhookDeliveries().map((d) => d.status)).toEqual([500, 200]);
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(0);
    await expect(bot.api.getUpdates()).rejects.toMatchObject({ error_code: 409 });
  });

  it('records 401 when the secret does not match (grammY refuses the update)', async () => {
    const bot = newBot();
    const app = express();
    app.use(express.json());
    app.post('/telegram', webhookCallback(bot, 'express', { secretToken: 'right' }));
    const url = await listen(app);
    await bot.api.setWebhook(url, { secret_token: 'wrong' });
    tg.user({ id: 505, first_name: 'Оксана' }).sendText('hi');
    await tg.waitFor(() => tg.webhookDeliveries().length > 0);
    expect(tg.webhookDeliveries()[0]!.status).toBe(401);
    await bot.api.deleteWebhook();
  });
});

describe('faults', () => {
  it('429 with retry_after is retried by auto-retry and then succeeds', async () => {
    const bot = newBot();
    bot.api.config.use(autoRetry());
    const user = tg.user({ id: 506, first_name: 'Андрій' });
    tg.failNext('sendMessage', { code: 429, retryAfter: 1 });

    const started = Date.now();
    const message = await bot.api.sendMessage(user.id, 'Нагадування');

    expect(message.text).toBe('Нагадування');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(tg.calls('sendMessage').map((c) => c.outcome)).toEqual([
      { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
      expect.objectContaining({ ok: true }),
    ]);
  });

  it('a user who blocked the bot answers 403 as a GrammyError', async () => {
    const bot = newBot();
    const user = tg.user({ id: 507, first_name: 'Юрій' });
    tg.blockedBy(user.id);
    const error = await failure(bot.api.sendMessage(user.id, 'Ви тут?'));
    expect(error.error_code).toBe(403);
    expect(error.description).toBe('Forbidden: bot was blocked by the user');
    tg.unblockedBy(user.id);
    await expect(bot.api.sendMessage(user.id, 'Ви тут?')).resolves.toMatchObject({ text: 'Ви тут?' });

    tg.failNext('sendMessage', { code: 500 }, { chatId: user.id, times: 2 });
    expect((await failure(bot.api.sendMessage(user.id, 'a'))).error_code).toBe(500);
    expect((await failure(bot.api.sendMessage(user.id, 'b'))).error_code).toBe(500);
    await expect(bot.api.sendMessage(user.id, 'c')).resolves.toMatchObject({ text: 'c' });
  });

  it('rate limits answer 429 per chat and are counted', async () => {
    await tg.stop();
    tg = await FakeTelegram.start({ limits: { perSecond: 30, perChatPerSecond: 1 } });
    const bot = newBot();
    const a = tg.user({ id: 508, first_name: 'A' });
    const b = tg.user({ id: 509, first_name: 'B' });
    await bot.api.sendMessage(a.id, '1');
    const error = await failure(bot.api.sendMessage(a.id, '2'));
    expect(error.error_code).toBe(429);
    expect(error.parameters.retry_after).toBe(1);
    await bot.api.sendMessage(b.id, '1');
    expect(tg.stats()).toMatchObject({ accepted: 2, rejected: 1, maxPerSecond: 2, maxPerChatPerSecond: 1 });
  });

  it('wrong token is 401 and an unknown method 404', async () => {
    const stranger = new Bot('1:wrong', { client: { apiRoot: tg.apiRoot } });
    expect((await failure(stranger.api.getMe())).error_code).toBe(401);
    const response = await fetch(`${tg.apiRoot}/bot${tg.token}/sendTelepathy`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
  });
});

describe('forum topics and files', () => {
  it("posts a user's photo into a forum topic by its file id and serves its bytes", async () => {
    const bot = newBot();
    const staff = tg.group({ id: -1001234567890, title: 'Абонвідділ', isForum: true });
    const user = tg.user({ id: 510, first_name: 'Галина' });
    const topic = await bot.api.createForumTopic(staff.id, 'Рахунок 100123 — Галина');
    const sentPhoto = user.sendPhoto({ caption: 'лічильник' }).message!;

    const copy = await bot.api.sendPhoto(staff.id, sentPhoto.photo!.at(-1)!.file_id, { caption: 'лічильник', message_thread_id: topic.message_thread_id });

    const inTopic = tg.lastSent(staff.id)!;
    expect(inTopic.message_id).toBe(copy.message_id);
    expect(inTopic.message_thread_id).toBe(topic.message_thread_id);
    expect(inTopic.caption).toBe('лічильник');
    expect(inTopic.photo!.at(-1)!.file_id).toBe(sentPhoto.photo!.at(-1)!.file_id);
    const file = await bot.api.getFile(sentPhoto.photo!.at(-1)!.file_id);
    const bytes = Buffer.from(await (await fetch(tg.fileUrl(file.file_path!))).arrayBuffer());
    expect(bytes.equals(TINY_JPEG)).toBe(true);

    // A staff member replies inside the topic; the bot sees the thread.
    const operator = staff.member(tg.user({ id: 9001, first_name: 'Оператор' }), 'administrator');
    const answer = operator.sendText('Дякуємо, прийнято', { threadId: topic.message_thread_id, replyTo: copy.message_id }).message!;
    expect(answer.message_thread_id).toBe(topic.message_thread_id);
    expect(answer.reply_to_message?.message_id).toBe(copy.message_id);
  });

  it('getFile refuses a file over 20 MB as the Bot API does, and serves one of 20 MB', async () => {
    const bot = newBot();
    const user = tg.user({ id: 511, first_name: 'Петро' });
    const big = user.sendPhoto({ bytes: Buffer.alloc(20 * 1024 * 1024 + 1, 1) }).message!;
    const error = await failure(bot.api.getFile(big.photo!.at(-1)!.file_id));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe('Bad Request: file is too big');
    const limit = user.sendPhoto({ bytes: Buffer.alloc(20 * 1024 * 1024, 1) }).message!;
    expect((await bot.api.getFile(limit.photo!.at(-1)!.file_id)).file_size).toBe(20 * 1024 * 1024);
  });

  it('a deleted topic refuses sends with 400 message thread not found', async () => {
    const bot = newBot();
    const staff = tg.group({ id: -1009876543210, title: 'Абонвідділ', isForum: true });
    const topic = await bot.api.createForumTopic(staff.id, 'Рахунок 1');
    await bot.api.sendMessage(staff.id, 'до видалення', { message_thread_id: topic.message_thread_id });
    await bot.api.deleteForumTopic(staff.id, topic.message_thread_id);

    const error = await failure(bot.api.sendMessage(staff.id, 'після', { message_thread_id: topic.message_thread_id }));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe('Bad Request: message thread not found');
    expect(tg.topics(staff.id)).toEqual([{ message_thread_id: topic.message_thread_id, name: 'Рахунок 1', closed: false, deleted: true }]);
  });

  it('accepts an uploaded photo (multipart) and serves the same bytes', async () => {
    const bot = newBot();
    const user = tg.user({ id: 511, first_name: 'Богдан' });
    const bytes = Buffer.concat([aPng(1080, 720), Buffer.from('\r\n--\r\n')]); // CR LF "--" inside, as a multipart boundary starts
    const message = await bot.api.sendPhoto(user.id, new InputFile(bytes, 'bill.png'), { caption: 'Рахунок', reply_markup: { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] } });
    expect(message.photo!.map((size) => [size.width, size.height])).toEqual([[90, 60], [320, 213], [800, 533], [1080, 720]]);
    expect(tg.fileBytes(message.photo!.at(-1)!.file_id)?.equals(bytes)).toBe(true);
    expect(tg.lastSent(user.id)).toMatchObject({ caption: 'Рахунок', method: 'sendPhoto', reply_markup: { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] } });
  });
});

describe('uploads', () => {
  it('refuses what Telegram refuses of an uploaded photo: empty, not an image, bad proportions, over 10 MB', async () => {
    const bot = newBot();
    const user = tg.user({ id: 512, first_name: 'Ганна' });
    const refused = async (bytes: Buffer) => (await failure(bot.api.sendPhoto(user.id, new InputFile(bytes, 'p.png')))).description;
    expect(await refused(Buffer.alloc(0))).toBe('Bad Request: file must be non-empty');
    expect(await refused(Buffer.from('%PDF-1.4 not a picture'))).toBe('Bad Request: IMAGE_PROCESS_FAILED');
    expect(await refused(aPng(2100, 100))).toBe('Bad Request: PHOTO_INVALID_DIMENSIONS');
    const huge = Buffer.concat([aPng(10, 10), Buffer.alloc(10 * 1024 * 1024)]);
    const tooBig = await failure(bot.api.sendPhoto(user.id, new InputFile(huge, 'p.png')));
    expect([tooBig.error_code, tooBig.description]).toEqual([413, 'Request Entity Too Large']);
    expect(tg.sent(user.chatId)).toHaveLength(0);
  });

  it('takes an uploaded document with its name and type, and refuses a missing one', async () => {
    const bot = newBot();
    const user = tg.user({ id: 513, first_name: 'Іван' });
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const message = await bot.api.sendDocument(user.id, new InputFile(pdf, 'rakhunok-2026-11.pdf'), { caption: 'Рахунок' });
    expect(message.document).toMatchObject({ file_name: 'rakhunok-2026-11.pdf', mime_type: 'application/pdf', file_size: pdf.length });
    expect(tg.fileBytes(message.document!.file_id)?.equals(pdf)).toBe(true);
    expect((await failure(bot.api.raw.sendDocument({ chat_id: user.id, document: '' } as never))).description).toBe('Bad Request: there is no document in the request');
  });
});

describe('buttons and keyboards', () => {
  it('a pressed button reaches the bot with its message; the answer and the edit are recorded', async () => {
    const bot = newBot();
    bot.command('start', (ctx) =>
      ctx.reply('Оберіть дію', { reply_markup: { inline_keyboard: [[{ text: 'Показання', callback_data: 'readings' }]] } }),
    );
    bot.callbackQuery('readings', async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'Добре' });
      await ctx.editMessageText('Введіть показання');
      await ctx.reply('Поділіться номером', { reply_markup: { keyboard: [[{ text: 'Надіслати номер', request_contact: true }]], one_time_keyboard: true } });
    });
    bot.on('message:contact', (ctx) => ctx.reply(`Номер ${ctx.msg.contact.phone_number}, свій: ${ctx.msg.contact.user_id === ctx.from.id}`));
    await startPolling(bot);
    const user = tg.user({ id: 512, first_name: 'Ліна' });

    user.command('/start');
    const menu = await tg.waitForSent(user.id, 'Оберіть');
    expect(() => user.pressButton(menu, 'nope')).toThrow(/no button "nope"/);
    const press = user.pressButton(menu, 'Показання');
    const keyboard = await tg.waitForSent(user.id, 'Поділіться');

    expect(press.callback_query?.data).toBe('readings');
    expect(tg.callbackAnswer(press)).toMatchObject({ text: 'Добре' });
    expect(tg.sent(user.id)[0]).toMatchObject({ text: 'Введіть показання', edits: 1 });
    expect(tg.sent(user.id)[0]!.reply_markup).toBeUndefined(); // editMessageText without markup drops the keyboard
    expect(keyboard.reply_markup).toMatchObject({ keyboard: [[{ request_contact: true }]] });

    user.shareContact({ phone_number: '380501234567', user_id: 999 });
    expect((await tg.waitForSent(user.id, /Номер/)).text).toBe('Номер 380501234567, свій: false');
  });

  it('refuses what Telegram refuses: long callback_data, bad HTML, edits that change nothing', async () => {
    const bot = newBot();
    const user = tg.user({ id: 513, first_name: 'Тарас' });
    const long = 'рахунок:'.repeat(8);
    expect((await failure(bot.api.sendMessage(user.id, 'x', { reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: long }]] } }))).description).toBe(
      'Bad Request: BUTTON_DATA_INVALID',
    );
    expect((await failure(bot.api.sendMessage(user.id, 'вул. <Соборна>', { parse_mode: 'HTML' }))).description).toMatch(/can't parse entities/);
    expect((await failure(bot.api.sendMessage(user.id, 'Сума 12.50', { parse_mode: 'MarkdownV2' }))).description).toMatch(/Character '\.' is reserved/);
    const sent = await bot.api.sendMessage(user.id, '<b>Борг</b>: 12,50 грн', { parse_mode: 'HTML' });
    expect(sent.text).toBe('Борг: 12,50 грн');
    expect(sent.entities).toEqual([{ type: 'bold', offset: 0, length: 4 }]);
    expect((await failure(bot.api.editMessageText(user.id, sent.message_id, '<b>Борг</b>: 12,50 грн', { parse_mode: 'HTML' }))).description).toMatch(
      /message is not modified/,
    );
  });
});

describe("Telegram's limits", () => {
  const limit = async (promise: Promise<unknown>) => {
    const error = await failure(promise);
    expect(error.error_code).toBe(400);
    return error.description;
  };

  it('takes a text of 4096 UTF-16 units after parse_mode and refuses one more, or an empty one', async () => {
    const bot = newBot();
    const user = tg.user({ id: 520, first_name: 'Ярина' });
    const emoji = '😀'; // two UTF-16 units, as Telegram counts it
    await expect(bot.api.sendMessage(user.id, emoji.repeat(2048))).resolves.toMatchObject({ text: emoji.repeat(2048) });
    expect(await limit(bot.api.sendMessage(user.id, `${'я'.repeat(4095)}${emoji}`))).toBe('Bad Request: message is too long');
    // Tags do not count: 4096 characters inside <b> fit.
    await expect(bot.api.sendMessage(user.id, `<b>${'a'.repeat(4096)}</b>`, { parse_mode: 'HTML' })).resolves.toBeTruthy();
    expect(await limit(bot.api.sendMessage(user.id, ' \n '))).toBe('Bad Request: message text is empty');
    const sent = await bot.api.sendMessage(user.id, 'коротко');
    expect(await limit(bot.api.editMessageText(user.id, sent.message_id, 'я'.repeat(4097)))).toBe('Bad Request: message is too long');
  });

  it('refuses a caption over 1024 and a callback answer over 200', async () => {
    const bot = newBot();
    const user = tg.user({ id: 521, first_name: 'Остап' });
    const photo = user.sendPhoto().message!.photo!.at(-1)!.file_id;
    await expect(bot.api.sendPhoto(user.id, photo, { caption: 'я'.repeat(1024) })).resolves.toBeTruthy();
    expect(await limit(bot.api.sendPhoto(user.id, photo, { caption: 'я'.repeat(1025) }))).toBe('Bad Request: message caption is too long');

    const menu = await bot.api.sendMessage(user.id, 'Меню', { reply_markup: { inline_keyboard: [[{ text: 'Так', callback_data: 'yes' }]] } });
    const press = user.pressButton(menu.message_id, 'yes');
    const id = press.callback_query!.id;
    expect(await limit(bot.api.answerCallbackQuery(id, { text: 'я'.repeat(201) }))).toBe('Bad Request: MESSAGE_TOO_LONG');
    await expect(bot.api.answerCallbackQuery(id, { text: 'я'.repeat(200) })).resolves.toBe(true);
  });

  it('refuses markup over 100 inline buttons or 10 kB, and buttons without text or with empty callback_data', async () => {
    const bot = newBot();
    const user = tg.user({ id: 522, first_name: 'Марта' });
    const rows = (count: number, text = (i: number) => String(i)) =>
      Array.from({ length: count }, (_, i) => [{ text: text(i), callback_data: `a:${i}` }]);
    await expect(bot.api.sendMessage(user.id, 'x', { reply_markup: { inline_keyboard: rows(100) } })).resolves.toBeTruthy();
    expect(await limit(bot.api.sendMessage(user.id, 'x', { reply_markup: { inline_keyboard: rows(101) } }))).toBe('Bad Request: reply markup is too long');
    // 80 buttons, but long Cyrillic labels: over 10 kB of JSON.
    const heavy = rows(80, (i) => `№ ${i} вул. Соборна, будинок дванадцять, квартира п'ять`);
    expect(Buffer.byteLength(JSON.stringify({ inline_keyboard: heavy }))).toBeGreaterThan(10 * 1024);
    expect(await limit(bot.api.sendMessage(user.id, 'x', { reply_markup: { inline_keyboard: heavy } }))).toBe('Bad Request: reply markup is too long');
    expect(await limit(bot.api.sendMessage(user.id, 'x', { reply_markup: { inline_keyboard: [[{ text: '', callback_data: 'a' }]] } }))).toBe(
      'Bad Request: BUTTON_TEXT_INVALID',
    );
    expect(await limit(bot.api.sendMessage(user.id, 'x', { reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: '' }]] } }))).toBe(
      'Bad Request: BUTTON_DATA_INVALID',
    );
    expect(await limit(bot.api.sendMessage(user.id, 'x', { reply_markup: { keyboard: [[{ text: ' ' }]] } }))).toBe('Bad Request: BUTTON_TEXT_INVALID');
  });

  it('refuses any string with a lone surrogate, in the text, a button or a topic name', async () => {
    const bot = newBot();
    const user = tg.user({ id: 523, first_name: 'Ілля' });
    const staff = tg.group({ id: -1005550000001, title: 'Абонвідділ', isForum: true });
    const half = '😀'.slice(0, 1);
    const utf8 = 'Bad Request: strings must be encoded in UTF-8';
    expect(await limit(bot.api.sendMessage(user.id, `Лист: ${half}`))).toBe(utf8);
    expect(await limit(bot.api.sendMessage(user.id, 'x', { reply_markup: { inline_keyboard: [[{ text: `a${half}`, callback_data: 'a' }]] } }))).toBe(utf8);
    expect(await limit(bot.api.createForumTopic(staff.id, `Олена ${half}`))).toBe(utf8);
    expect(tg.sent(user.id)).toEqual([]);
  });
});
