import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../bots/server.ts';
import { createLogger } from '../../../bots/logger.ts';
import { startPlayground, STAFF_CHAT_ID, BANNER, type Playground } from '../../../bots/playground/index.ts';
import type { ChatView, MessageView } from '../../../bots/playground/views.ts';
import { createTelegramBot, type TelegramBot } from '../../../bots/telegram/bot.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { FixedClock } from '../../../core/clock.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import type { CoreDeps } from '../../../core/deps.ts';
import { TINY_JPEG } from '../../support/fake-telegram/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

// The playground's JSON API against the real Telegram bot, which long-polls the playground's stand-in of the
// Bot API: what the page does, done with fetch.

const logger = createLogger('silent');
let db: TestDatabase;
let clock: FixedClock;
let core: CoreDeps;
let playground: Playground;
let bot: TelegramBot;
let server: Server;
let base: string;

interface StateAnswer {
  banner: string;
  subscribers: { id: number; name: string; phone: string }[];
  staff: { chatId: number; title: string; members: { id: number; name: string; role: string }[] };
  demoAccounts: { number: string; surnameStart: string; lastPayments: { paidOn: string; amount: string }[]; phone: string | null; note: string }[];
}

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}/playground/api${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
}

/** Polls the chat as the page does until a message matches. */
async function waitForMessage(chatId: number, match: (m: MessageView) => boolean, timeoutMs = 10_000): Promise<{ view: ChatView; message: MessageView }> {
  const until = Date.now() + timeoutMs;
  let last: ChatView | undefined;
  while (Date.now() < until) {
    const { status, body } = await api<ChatView>('GET', `/chats/${chatId}`);
    expect(status).toBe(200);
    last = body;
    const message = body.messages.find(match);
    if (message) return { view: body, message };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no matching message in chat ${chatId}; got:\n${last?.messages.map((m) => m.text ?? m.caption ?? '?').join('\n')}`);
}

async function startBot(): Promise<TelegramBot> {
  const started = createTelegramBot({ telegram: playground.telegram, core, logger });
  await started.start();
  return started;
}

beforeAll(async () => {
  db = await createTestDatabase();
  clock = new FixedClock(new Date('2026-11-25T09:00:00Z'));
  core = { db, clock, settings: defaultCoreSettings };
  playground = await startPlayground({ db, clock, logger });
  bot = await startBot();
  const http = createHttpApp({ webhooks: [], checkDatabase: async () => true, extra: (app) => playground.mount(app) }, logger);
  server = await new Promise<Server>((resolve) => {
    const listening = http.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await bot?.stop();
  await playground?.stop();
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  await db?.destroy();
});

describe('the playground API', () => {
  it('hands the bot a Telegram config pointing at the local stand-in with a forum staff group', async () => {
    expect(playground.telegram).toMatchObject({ token: 'playground', webhook: undefined, staffChatId: STAFF_CHAT_ID });
    expect(playground.telegram.apiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const getMe = await fetch(`${playground.telegram.apiRoot}/botplayground/getMe`).then((r) => r.json());
    expect(getMe).toMatchObject({ ok: true, result: { is_bot: true } });
    const chat = await fetch(`${playground.telegram.apiRoot}/botplayground/getChat?chat_id=${STAFF_CHAT_ID}`).then((r) => r.json());
    expect(chat).toMatchObject({ ok: true, result: { type: 'supergroup', is_forum: true, title: 'Водоканал — працівники' } });
  });

  it('lists subscribers, staff and the demo accounts with their proofs', async () => {
    const { status, body } = await api<StateAnswer>('GET', '/state');
    expect(status).toBe(200);
    expect(body.banner).toBe(BANNER);
    expect(body.subscribers.length).toBeGreaterThanOrEqual(2);
    expect(body.staff.chatId).toBe(STAFF_CHAT_ID);
    expect(body.staff.members.map((m) => m.role)).toContain('administrator');
    expect(body.demoAccounts.map((a) => a.number)).toEqual(playground.demoAccounts.map((a) => a.number));
    const first = playground.demoAccounts[0]!;
    const shown = body.demoAccounts[0]!;
    expect(shown.surnameStart).toBe(first.surnameStart);
    const kop = first.lastPayments[0]!.amountKop;
    expect(shown.lastPayments[0]!.amount).toBe(`${Math.floor(kop / 100)},${String(kop % 100).padStart(2, '0')}`);
    // The demo accounts really are in the database the bot reads.
    const inDb = await db.models.Account.count({ where: { number: playground.demoAccounts.map((a) => a.number) } });
    expect(inDb).toBe(playground.demoAccounts.length);
  });

  it('a subscriber sends /start, agrees with a button and is asked for the phone with a contact keyboard', async () => {
    const { body: info } = await api<StateAnswer>('GET', '/state');
    const oksana = info.subscribers[0]!;
    const sent = await api<{ updateId: number }>('POST', `/chats/${oksana.id}/text`, { as: oksana.id, text: '/start' });
    expect(sent.status).toBe(200);

    const { message: agreement } = await waitForMessage(oksana.id, (m) => m.byBot && m.text === onboarding.agreement);
    const consent = agreement.inline?.flat().find((b) => b.text === onboarding.consentButton);
    expect(consent?.data).toBeTruthy();
    const mine = (await api<ChatView>('GET', `/chats/${oksana.id}`)).body.messages.find((m) => !m.byBot);
    expect(mine).toMatchObject({ text: '/start', from: { id: oksana.id } });

    const pressed = await api('POST', `/chats/${oksana.id}/press`, { as: oksana.id, messageId: agreement.id, data: consent!.data });
    expect(pressed.status).toBe(200);
    const { view } = await waitForMessage(oksana.id, (m) => m.byBot && m.text === onboarding.askPhone);
    expect(view.asksContact).toBe(true);
    expect(view.keyboard?.rows.flat()).toEqual(expect.arrayContaining([{ text: onboarding.sharePhoneButton, contact: true }, { text: onboarding.laterButton }]));
    expect(view.keyboard?.oneTime).toBe(true);

    const shared = await api('POST', `/chats/${oksana.id}/contact`, { as: oksana.id, phone: oksana.phone });
    expect(shared.status).toBe(200);
    const { view: after } = await waitForMessage(oksana.id, (m) => m.byBot && m.text === onboarding.phoneSaved);
    expect(after.messages.find((m) => m.contact)?.contact).toEqual({ phone: oksana.phone, name: 'Оксана Шевченко', own: true });
    expect(after.asksContact).toBe(false);
    const subscriber = await db.models.Subscriber.findOne({ where: { channel: 'telegram', channelUserId: String(oksana.id) } });
    expect(subscriber?.phone).toBe(oksana.phone);
  });

  it('answers 204 while the chat has not changed since the version the page has', async () => {
    const { body: info } = await api<StateAnswer>('GET', '/state');
    const id = info.subscribers[0]!.id;
    const { body: view } = await api<ChatView>('GET', `/chats/${id}`);
    const again = await fetch(`${base}/playground/api/chats/${id}?version=${encodeURIComponent(view.version)}`);
    expect(again.status).toBe(204);
  });

  it('adds a new subscriber who can talk to the bot at once', async () => {
    const created = await api<{ id: number; name: string }>('POST', '/subscribers', { firstName: 'Тарас', lastName: 'Гнатюк', phone: '+380 67 000 11 22' });
    expect(created.status).toBe(200);
    expect(created.body.name).toBe('Тарас Гнатюк');
    const { body: info } = await api<StateAnswer>('GET', '/state');
    expect(info.subscribers.find((s) => s.id === created.body.id)).toMatchObject({ phone: '+380670001122' });
    await api('POST', `/chats/${created.body.id}/text`, { as: created.body.id, text: '/start' });
    await waitForMessage(created.body.id, (m) => m.byBot && m.text === onboarding.greeting('Тарас'));
  });

  it('takes a photo as a subscriber and serves its bytes back', async () => {
    const { body: info } = await api<StateAnswer>('GET', '/state');
    const id = info.subscribers[1]!.id;
    const dataUrl = `data:image/jpeg;base64,${TINY_JPEG.toString('base64')}`;
    const sent = await api<{ messageId: number }>('POST', `/chats/${id}/photo`, { as: id, dataUrl, caption: 'Лічильник' });
    expect(sent.status).toBe(200);
    const photo = (await api<ChatView>('GET', `/chats/${id}`)).body.messages.find((m) => m.id === sent.body.messageId);
    expect(photo).toMatchObject({ caption: 'Лічильник', byBot: false });
    const file = await fetch(`${base}/playground/api/files/${encodeURIComponent(photo!.photo!)}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await file.arrayBuffer()).equals(TINY_JPEG)).toBe(true);
  });

  it('refuses, with a reason, what no person could do', async () => {
    const { body: info } = await api<StateAnswer>('GET', '/state');
    const [a, b] = info.subscribers;
    const intoOther = await api<{ error: string }>('POST', `/chats/${a!.id}/text`, { as: b!.id, text: 'привіт' });
    expect(intoOther.status).toBe(400);
    expect(intoOther.body.error).toMatch(/лише сам абонент/);
    const noButton = await api<{ error: string }>('POST', `/chats/${a!.id}/press`, { as: a!.id, messageId: 1, data: 'nothing-like-this' });
    expect(noButton.status).toBe(400);
    expect(noButton.body.error).toMatch(/no button|no message/);
    const notStaff = await api<{ error: string }>('POST', `/chats/${STAFF_CHAT_ID}/text`, { as: a!.id, text: 'я не працівник' });
    expect(notStaff.status).toBe(400);
    const badPhoto = await api<{ error: string }>('POST', `/chats/${a!.id}/photo`, { as: a!.id, dataUrl: 'data:text/html;base64,PGgxPg==' });
    expect(badPhoto.status).toBe(400);
    const unknownChat = await api<{ error: string }>('GET', '/chats/12345');
    expect(unknownChat.status).toBe(400);
  });

  it('lets a staff member post in the staff group, in the General topic', async () => {
    const { body: info } = await api<StateAnswer>('GET', '/state');
    const staff = info.staff.members[0]!;
    const posted = await api<{ messageId: number }>('POST', `/chats/${STAFF_CHAT_ID}/text`, { as: staff.id, text: 'Доброго ранку, колеги' });
    expect(posted.status).toBe(200);
    const { body: view } = await api<ChatView>('GET', `/chats/${STAFF_CHAT_ID}`);
    expect(view.isForum).toBe(true);
    expect(view.messages.find((m) => m.id === posted.body.messageId)).toMatchObject({ text: 'Доброго ранку, колеги', from: { id: staff.id } });
  });

  it('serves the page and its assets from this server only, with the banner', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(BANNER);
    for (const asset of ['/playground/app.js', '/playground/style.css']) {
      const res = await fetch(`${base}${asset}`);
      expect(res.status, asset).toBe(200);
      const text = await res.text();
      // No CDN, no web font, no outside request: the playground works offline.
      expect(text, asset).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\/|@import|url\(\s*["']?(https?:)?\/\//i);
      expect(text, asset).not.toMatch(/fetch\(\s*["']https?:/);
    }
    expect(html).not.toMatch(/(src|href)=["'](https?:)?\/\//);
  });

  it('goes on above the update ids the database has seen when started again', async () => {
    await bot.stop();
    await playground.stop();
    const [row] = await db.sequelize.query<{ last: string }>('SELECT max(update_id)::text AS last FROM telegram_processed_updates', { type: QueryTypes.SELECT });
    playground = await startPlayground({ db, clock, logger });
    bot = await startBot();
    const oksanaId = (await db.models.Subscriber.findOne({ where: { channel: 'telegram', phone: playground.demoAccounts.find((a) => a.phone)!.phone! } }))!
      .channelUserId;
    const update = playground.standIn.user({ id: Number(oksanaId), first_name: 'Оксана' }).command('/start');
    expect(update.update_id).toBeGreaterThan(Number(row!.last));
    // Had the id been one the bot already processed, it would be skipped as a duplicate and nothing would come.
    await playground.standIn.waitForSent(Number(oksanaId), onboarding.welcomeBack('Оксана'), { timeout: 10_000 });
  });
});
