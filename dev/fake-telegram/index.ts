/**
 * A fake Telegram Bot API server over real HTTP, for every Telegram test (api.telegram.org is not reachable here)
 * and the local playground's stand-in of Telegram (dev/playground): the same bot code as production talks to it.
 * Tests import it through tests/support/fake-telegram.
 *
 *   const tg = await FakeTelegram.start();                       // options: { token, limits, clock, webhook }
 *   const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });   // TELEGRAM_API_ROOT=tg.apiRoot
 *   ...
 *   await bot.stop(); await tg.stop();
 *
 * Updates reach the bot by long polling (getUpdates: offset, timeout, limit, allowed_updates) or, after setWebhook,
 * by POSTs to the webhook URL (plain http allowed) with X-Telegram-Bot-Api-Secret-Token, one at a time, resent
 * until the bot answers 2xx. getUpdates while a webhook is set answers 409, like Telegram.
 *
 * Playing users (each call queues an update and returns it, with update_id):
 *   const olena = tg.user({ id: 501, first_name: 'Олена' });      // language_code defaults to 'uk'
 *   olena.command('/start'); olena.sendText('12345'); olena.shareContact({ phone_number: '380501234567' });
 *   olena.shareContact({ phone_number: '380...', user_id: 999 });  // someone else's contact card
 *   olena.sendPhoto({ caption }); olena.sendSticker(); olena.sendVoice(); olena.sendDocument();
 *   olena.forward('text', { from? }); olena.replyTo(messageId, 'text'); olena.editMessage(messageId, 'new text');
 *   olena.pressButton(sentMessageOrId, 'callback_data or button text');   // throws if there is no such button
 *   olena.blockBot() / unblockBot();                                 // 403 on sends + my_chat_member update
 *   const staff = tg.group({ id: -1001234567890, title: 'Абонвідділ', isForum: true });
 *   staff.member(tg.user({ id: 7, first_name: 'Оператор' }), 'administrator').sendText('Відповідь', { threadId, replyTo });
 *   tg.enqueue(rawUpdate); tg.redeliver(updateId); tg.duplicateLast();      // same update_id again (de-dup tests)
 *
 * Reading what the bot did:
 *   tg.sent(chatId) / tg.lastSent(chatId) / tg.sentTexts(chatId)  — SentMessage: the Message in its current state
 *     (edits applied) plus reply_markup as sent (also reply keyboards), method, params, edits.
 *   await tg.waitForSent(chatId, 'text part' | /regexp/ | (m) => boolean, { timeout })
 *     — the NEXT matching message not yet returned by waitForSent for that chat: read replies one by one.
 *   await tg.waitFor(() => condition, { timeout }); await tg.waitForCall('answerCallbackQuery', (p) => ...);
 *   tg.calls(method?) — { method, params, at, outcome, via }; tg.callbackAnswer(update); tg.webhookDeliveries();
 *   tg.topics(chatId); tg.fileBytes(fileId); tg.pendingUpdates(); tg.dump() (also in every timeout error).
 *
 * Faults:
 *   tg.failNext('sendMessage', { code: 429, retryAfter: 1 } | { code: 403, description? } | { code: 500 }
 *     | { code: 400, description } | { code: 'drop' } | { code: 'late', ms }, { times?, chatId? });
 *     — 'late' carries the call out at once but holds its answer back ms (the bot is still waiting for it);
 *   tg.blockedBy(userId) / tg.unblockedBy(userId);
 *   FakeTelegram.start({ limits: { perSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20 } }); tg.stats();
 *   tg.override('someMethod', (params) => result)  — or throw new TelegramApiError(code, description).
 *
 * Like Telegram, it refuses (limits.ts has the numbers and where they come from): unknown chats (400 chat not found),
 * deleted or unknown forum topics (400 message thread not found), texts outside 1–4096 and captions over 1024 UTF-16
 * units after parse_mode, callback_data outside 1–64 bytes, buttons without text or action, markup over 100 inline
 * (300 reply) buttons or 10 kB of JSON, callback answers over 200 characters, any string with a lone surrogate
 * (400 strings must be encoded in UTF-8), bad HTML / unescaped MarkdownV2 characters, edits that change nothing
 * (400 message is not modified), a second answerCallbackQuery, wrong tokens (401), and methods it does not implement
 * (404), and uploads Telegram refuses (dev/fake-telegram/uploads.ts: an empty file, a photo over 10 MB or not an image
 * or of bad proportions, a document over 50 MB; an uploaded photo keeps its real width and height)
 * — only the methods the bots call: getMe, sendMessage, sendPhoto, sendDocument, sendMediaGroup, editMessageText,
 * editMessageReplyMarkup, answerCallbackQuery, getFile, setMyCommands, createForumTopic, deleteForumTopic,
 * pinChatMessage, getChat, and getUpdates / setWebhook / deleteWebhook / getWebhookInfo; and Telegram Payments'
 * sendInvoice and answerPreCheckoutQuery (payments.ts says what they refuse). `await tg.pay(user, invoiceMessage)`
 * presses «Pay»: a pre_checkout_query, the answer awaited (10 s, or `preCheckoutAnswerMs`), then a
 * successful_payment message, or { outcome: 'refused' | 'timeout' } and nothing.
 * parse_mode text is stored as Telegram returns it: plain text plus entities.
 */
export { FakeTelegram, DEFAULT_TOKEN, type FakeTelegramOptions, type WaitOptions, type SentPredicate } from './server.ts';
export { FakeUser, FakeGroup, FakeMember, type UserSeed, type GroupSeed, type PostOptions, type PressOptions } from './users.ts';
export { TelegramApiError, texts as telegramErrors } from './errors.ts';
export * as telegramLimits from './limits.ts';
export type { Fault, FaultOptions, RateLimits, SendStats } from './faults.ts';
export type { RecordedCall, SentMessage, Params, UploadedFile, ClockLike } from './state.ts';
export type { WebhookDelivery, WebhookOptions } from './updates.ts';
export { TINY_JPEG } from './state.ts';
export { CURRENCY_MIN, PRECHECKOUT_ANSWER_MS, type FakeInvoice, type PayOutcome, type PreCheckoutRecord } from './payments.ts';
