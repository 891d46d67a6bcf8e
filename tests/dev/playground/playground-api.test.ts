import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../bots/server.ts';
import { createLogger } from '../../../bots/logger.ts';
import { startPlayground, STAFF_CHAT_ID, BANNER, type Playground } from '../../../dev/playground/index.ts';
import type { ChatView, MessageView } from '../../../dev/playground/views.ts';
import type { ViberChatView, ViberMessageView } from '../../../dev/playground/viber-views.ts';
import { createViberBot, type ViberBot } from '../../../bots/viber/bot.ts';
import { viberTexts } from '../../../bots/viber/texts-viber.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { createTelegramBot, type TelegramBot } from '../../../bots/telegram/bot.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { common } from '../../../bots/texts/common.ts';
import { FixedClock } from '../../../core/clock.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import type { CoreDeps } from '../../../core/deps.ts';
import { TINY_JPEG } from '../../support/fake-telegram/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { cabinetOf } from '../../../bots/flows/index.ts';

// The playground's JSON API against the real Telegram bot, which long-polls the playground's stand-in of the
// Bot API: what the page does, done with fetch.

const logger = createLogger('silent');
let db: TestDatabase;
let clock: FixedClock;
let core: CoreDeps;
let playground: Playground;
let bot: TelegramBot;
let viberBot: ViberBot | undefined;
/** The current playground's page and API: a test that starts the playground again swaps them. */
let pageRoutes: Express;
function mountPlayground(): void {
  pageRoutes = express();
  playground.mount(pageRoutes);
}
let server: Server;
let base: string;

interface StateAnswer {
  banner: string;
  subscribers: { id: number; name: string; phone: string }[];
  staff: { chatId: number; title: string; members: { id: number; name: string; role: string }[] };
  demoAccounts: { number: string; surnameStart: string; lastPayments: { paidOn: string; amount: string }[]; phone: string | null; note: string }[];
  viber: { label: string; subscribers: { id: string; name: string; phone: string }[] };
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

/** The same for a Viber chat: polls until a message after `afterSeq` matches. */
async function waitForViber(
  userId: string,
  match: (m: ViberMessageView) => boolean,
  afterSeq = 0,
  timeoutMs = 10_000,
): Promise<{ view: ViberChatView; message: ViberMessageView }> {
  const until = Date.now() + timeoutMs;
  let last: ViberChatView | undefined;
  while (Date.now() < until) {
    const { status, body } = await api<ViberChatView>('GET', `/viber/chats/${encodeURIComponent(userId)}`);
    expect(status).toBe(200);
    last = body;
    const message = body.messages.find((m) => m.seq > afterSeq && match(m));
    if (message) return { view: body, message };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no matching message in Viber chat ${userId}; got:\n${last?.messages.map((m) => m.text ?? m.service ?? m.other ?? '?').join('\n')}`);
}

async function startBot(): Promise<TelegramBot> {
  const started = createTelegramBot({ telegram: playground.telegram, core, logger, cabinet: cabinetOf({ core, logger }) });
  await started.start();
  return started;
}

beforeAll(async () => {
  db = await createTestDatabase();
  clock = new FixedClock(new Date('2026-11-25T09:00:00Z'));
  core = { db, clock, settings: defaultCoreSettings };
  playground = await startPlayground({ db, clock, logger });
  mountPlayground();
  bot = await startBot();
  // The Viber bot is mounted as the app mounts it; it is created once the port (its webhook URL) is known.
  const viberWebhook = { path: playground.viberFor('http://x').webhook!.path, handler: ((req, res, next) =>
    viberBot ? viberBot.webhookHandler(req, res, next) : void res.status(503).end()) satisfies ViberBot['webhookHandler'] };
  const http = createHttpApp({ webhooks: [viberWebhook], checkDatabase: async () => true, extra: (app) => app.use((req, res, next) => pageRoutes(req, res, next)) }, logger);
  server = await new Promise<Server>((resolve) => {
    const listening = http.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  viberBot = createViberBot({ viber: playground.viberFor(base), core, logger, cabinet: cabinetOf({ core, logger }) });
  await viberBot.start();
});

afterAll(async () => {
  await bot?.stop();
  await viberBot?.stop();
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

  it('a subscriber sends /start, agrees with a button, shares the phone and is offered the account billing has under it', async () => {
    const { body: info } = await api<StateAnswer>('GET', '/state');
    const oksana = info.subscribers[0]!;
    const sent = await api<{ updateId: number }>('POST', `/chats/${oksana.id}/text`, { as: oksana.id, text: '/start' });
    expect(sent.status).toBe(200);

    // A line on leaving brings the flow's «Скасувати» keyboard; the greeting (in the vocative) and the agreement
    // follow with «Погоджуюсь» inline.
    const { view: greeted, message: agreement } = await waitForMessage(
      oksana.id,
      (m) => m.byBot && m.text === `${onboarding.greeting('Оксано')}\n\n${onboarding.agreement}`,
    );
    expect(greeted.messages.find((m) => m.byBot)?.text).toBe(common.leaveWithCancel);
    expect(greeted.keyboard?.rows).toEqual([[{ text: common.cancelButton }]]);
    const consent = agreement.inline?.flat().find((b) => b.text === onboarding.consentButton);
    expect(consent?.data).toMatch(/^f:\d+:agree$/);
    const mine = (await api<ChatView>('GET', `/chats/${oksana.id}`)).body.messages.find((m) => !m.byBot);
    expect(mine).toMatchObject({ text: '/start', from: { id: oksana.id } });

    const pressed = await api('POST', `/chats/${oksana.id}/press`, { as: oksana.id, messageId: agreement.id, data: consent!.data });
    expect(pressed.status).toBe(200);
    const { view } = await waitForMessage(oksana.id, (m) => m.byBot && (m.text ?? '').includes(onboarding.askPhoneShared));
    expect(view.asksContact).toBe(true);
    expect(view.keyboard?.rows).toEqual([[{ text: onboarding.sharePhoneButton, contact: true }], [{ text: onboarding.laterButton }], [{ text: common.cancelButton }]]);

    const known = playground.demoAccounts.find((a) => a.phone === oksana.phone)!;
    const shared = await api('POST', `/chats/${oksana.id}/contact`, { as: oksana.id, phone: oksana.phone });
    expect(shared.status).toBe(200);
    // A line on leaving swaps the share-phone keyboard for the flow's «Скасувати»; «Дякуємо, номер збережено.» and
    // the offers follow inline.
    const offerLabel = linking.offerButton(known.number, known.address);
    const { view: after, message: offers } = await waitForMessage(oksana.id, (m) => m.byBot && !!m.inline?.flat().some((b) => b.text === offerLabel));
    expect(after.messages.filter((m) => m.byBot).at(-2)?.text).toBe(common.leaveWithCancel);
    expect(offers.text?.startsWith(onboarding.phoneSaved)).toBe(true);
    expect(after.messages.find((m) => m.contact)?.contact).toEqual({ phone: oksana.phone, name: 'Оксана Шевченко', own: true });
    const offer = offers.inline?.flat().find((b) => b.text === offerLabel);
    expect(offer?.data).toMatch(/^f:\d+:o:\d+$/);
    // The phone is asked no more: the share-phone keyboard gave way to the flow's «Скасувати».
    expect(after.asksContact).toBe(false);
    expect(after.keyboard?.rows).toEqual([[{ text: common.cancelButton }]]);
    const subscriber = await db.models.Subscriber.findOne({ where: { channel: 'telegram', channelUserId: String(oksana.id) } });
    expect(subscriber?.phone).toBe(oksana.phone);

    await api('POST', `/chats/${oksana.id}/press`, { as: oksana.id, messageId: offers.id, data: offer!.data });
    const { view: done } = await waitForMessage(oksana.id, (m) => m.byBot && m.text === linking.linked(known.number, known.address));
    expect(done.keyboard?.rows.flat().map((b) => b.text)).toEqual(expect.arrayContaining([menu.readings, menu.letter, menu.settings]));
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
    await waitForMessage(created.body.id, (m) => m.byBot && (m.text ?? '').startsWith(onboarding.greeting('Тарасе')));
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

  it('hands the Viber bot a config pointing at the local stand-in of Viber, with the webhook on the app', async () => {
    const config = playground.viberFor(base);
    expect(config).toMatchObject({ authToken: 'playground-viber', webhook: { url: `${base}/viber/webhook`, path: '/viber/webhook' } });
    expect(config.apiUrl).toBe(playground.viberStandIn.apiUrl);
    // The bot registered its webhook there at start, as with Viber.
    expect(playground.viberStandIn.webhookUrl).toBe(`${base}/viber/webhook`);
    const { body } = await api<StateAnswer>('GET', '/state');
    expect(body.viber.label).toBe('Viber (локальна імітація)');
    expect(body.viber.subscribers.length).toBeGreaterThanOrEqual(2);
  });

  it('a Viber subscriber opens the chat, agrees, shares the phone (kept unverified) and links the account by its number and a proof', async () => {
    const { body: info } = await api<StateAnswer>('GET', '/state');
    const halyna = info.viber.subscribers[0]!;
    const path = `/viber/chats/${encodeURIComponent(halyna.id)}`;
    const fresh = await api<ViberChatView>('GET', path);
    expect(fresh.body).toMatchObject({ channel: 'viber', opened: false, messages: [], keyboard: null });

    // Opening the chat: conversation_started, answered in the webhook's HTTP answer with the welcome message.
    expect((await api('POST', `${path}/open`)).status).toBe(200);
    const { view: welcomed, message: welcome } = await waitForViber(halyna.id, (m) => m.byBot && (m.text ?? '').endsWith(viberTexts.welcomeHint));
    // Viber's welcome comes before anything is known of the person: greeted without a name (never in the nominative).
    expect(welcome.text).toBe(`${onboarding.greeting('')}\n\n${viberTexts.welcomeHint}`);
    expect(welcomed.opened).toBe(true);
    expect(welcomed.messages[0]).toMatchObject({ service: 'Абонент відкрив чат із ботом' });
    expect(welcomed.keyboard?.rows).toEqual([[{ text: viberTexts.startButton, actionBody: viberTexts.startButton }]]);
    expect(playground.viberStandIn.sent(halyna.id).map((m) => m.via)).toEqual(['welcome']);

    expect((await api('POST', `${path}/press`, { actionBody: viberTexts.startButton })).status).toBe(200);
    const { view: asked, message: agreement } = await waitForViber(halyna.id, (m) => m.byBot && (m.text ?? '').endsWith(onboarding.agreement), welcome.seq);
    expect(asked.messages.find((m) => !m.byBot && m.seq > welcome.seq)).toMatchObject({ text: viberTexts.startButton, from: { name: halyna.name } });
    expect(asked.keyboard?.rows.flat().map((b) => b.actionBody)).toEqual([onboarding.consentButton, common.cancelButton]);

    await api('POST', `${path}/press`, { actionBody: onboarding.consentButton });
    const { view: phoneAsked, message: askPhone } = await waitForViber(halyna.id, (m) => m.byBot && (m.text ?? '').includes(onboarding.askPhoneShared), agreement.seq);
    expect(phoneAsked.asksContact).toBe(true);
    expect(phoneAsked.keyboard?.rows.flat()).toEqual([
      { text: onboarding.sharePhoneButton, actionBody: 'share-phone', contact: true },
      { text: onboarding.laterButton, actionBody: onboarding.laterButton },
      { text: common.cancelButton, actionBody: common.cancelButton },
    ]);

    // Halyna's phone is on an account in billing, but a Viber contact proves nothing (any address-book card
    // looks the same): it is kept for staff to call, and the account is added by its number and a proof.
    const known = playground.demoAccounts.find((a) => a.phone === halyna.phone)!;
    expect(known).toBeDefined();
    expect((await api('POST', `${path}/contact`, { phone: halyna.phone })).status).toBe(200);
    const { view: kept, message: askNumber } = await waitForViber(halyna.id, (m) => m.byBot && (m.text ?? '').startsWith(onboarding.unverifiedPhoneKept), askPhone.seq);
    expect(askNumber.text).toContain(linking.askNumber);
    expect(kept.messages.find((m) => m.contact)?.contact).toEqual({ phone: halyna.phone, name: halyna.name, own: true });
    expect(kept.asksContact).toBe(false);
    expect(kept.keyboard?.rows.flat().map((b) => b.text)).toEqual([common.cancelButton]);

    await api('POST', `${path}/text`, { text: known.number });
    const { message: proof } = await waitForViber(halyna.id, (m) => m.byBot && m.text === linking.chooseProof(known.number), askNumber.seq);
    await api('POST', `${path}/press`, { actionBody: linking.proofSurnameButton });
    const { message: askSurname } = await waitForViber(halyna.id, (m) => m.byBot && m.text === linking.askSurname, proof.seq);
    await api('POST', `${path}/text`, { text: known.surnameStart });
    const { view: menuShown } = await waitForViber(halyna.id, (m) => m.byBot && m.text === linking.linked(known.number, known.address), askSurname.seq);
    expect(menuShown.keyboard?.rows.flat().map((b) => b.text)).toEqual(expect.arrayContaining([menu.readings, menu.letter, menu.settings]));
    expect(menuShown.asksContact).toBe(false);

    const subscriber = await db.models.Subscriber.findOne({ where: { channel: 'viber', channelUserId: halyna.id } });
    expect(subscriber?.phone).toBeNull();
    expect(subscriber?.consentedAt).toBeTruthy();
  });

  it('a Viber subscriber sends a picture the page can show, served from the stand-in of Viber', async () => {
    const { body: info } = await api<StateAnswer>('GET', '/state');
    const petro = info.viber.subscribers[1]!;
    const path = `/viber/chats/${encodeURIComponent(petro.id)}`;
    await api('POST', `${path}/open`);
    const { message: welcome } = await waitForViber(petro.id, (m) => m.byBot);
    const dataUrl = `data:image/jpeg;base64,${TINY_JPEG.toString('base64')}`;
    const sent = await api<{ media: string }>('POST', `${path}/picture`, { dataUrl, caption: 'Лічильник' });
    expect(sent.status).toBe(200);
    // The bot gets Viber's kind of media URL: one on the stand-in, which serves the bytes like Viber's storage.
    expect(sent.body.media.startsWith(playground.viberStandIn.mediaBase)).toBe(true);
    const direct = await fetch(sent.body.media);
    expect(Buffer.from(await direct.arrayBuffer()).equals(TINY_JPEG)).toBe(true);

    const { view } = await waitForViber(petro.id, (m) => m.byBot, welcome.seq);
    const picture = view.messages.find((m) => !m.byBot && m.photoUrl)!;
    expect(picture).toMatchObject({ caption: 'Лічильник' });
    const shown = await fetch(`${base}${picture.photoUrl}`);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await shown.arrayBuffer()).equals(TINY_JPEG)).toBe(true);
    // Petro has not agreed yet: the bot asks for the agreement whatever he sends.
    expect(view.messages.filter((m) => m.byBot).at(-1)?.text).toContain(onboarding.agreement);
  });

  it('refuses, with a reason, what a Viber subscriber could not do', async () => {
    const { body: info } = await api<StateAnswer>('GET', '/state');
    const petro = info.viber.subscribers[1]!;
    const path = `/viber/chats/${encodeURIComponent(petro.id)}`;
    const noButton = await api<{ error: string }>('POST', `${path}/press`, { actionBody: menu.readings });
    expect(noButton.status).toBe(400);
    expect(noButton.body.error).toMatch(/no button/);
    const noSharePhone = await api<{ error: string }>('POST', `${path}/contact`, { phone: '380501234567' });
    expect(noSharePhone.status).toBe(400);
    const unknown = await api<{ error: string }>('GET', '/viber/chats/nobody');
    expect(unknown.status).toBe(400);
    const missing = await fetch(`${base}/playground/api/viber/media/nothing.jpg`);
    expect(missing.status).toBe(404);
  });

  it('adds a Viber subscriber who can open the chat at once', async () => {
    const created = await api<{ id: string; name: string; phone: string }>('POST', '/viber/subscribers', { name: 'Ірина Лис', phone: '+380 50 111 22 33' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'Ірина Лис', phone: '+380501112233' });
    const { body: info } = await api<StateAnswer>('GET', '/state');
    expect(info.viber.subscribers.map((s) => s.id)).toContain(created.body.id);
    await api('POST', `/viber/chats/${encodeURIComponent(created.body.id)}/open`);
    await waitForViber(created.body.id, (m) => m.byBot && (m.text ?? '').endsWith(viberTexts.welcomeHint));
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
    await playground.standIn.waitForSent(Number(oksanaId), onboarding.welcomeBack('Оксано'), { timeout: 10_000 });
  });

  it('answers a Viber subscriber after a restart: the new stand-in hands out message tokens the bot has not seen', async () => {
    await viberBot?.stop();
    await playground.stop();
    playground = await startPlayground({ db, clock, logger });
    mountPlayground();
    viberBot = createViberBot({ viber: playground.viberFor(base), core, logger, cabinet: cabinetOf({ core, logger }) });
    await viberBot.start();
    const { body: info } = await api<StateAnswer>('GET', '/state');
    // Halyna agreed before the restart; the stand-in's memory is new, the database is not.
    const halyna = info.viber.subscribers[0]!;
    const path = `/viber/chats/${encodeURIComponent(halyna.id)}`;
    expect((await api<ViberChatView>('GET', path)).body.opened).toBe(false);
    await api('POST', `${path}/open`);
    const { message: welcome } = await waitForViber(halyna.id, (m) => m.byBot);
    await api('POST', `${path}/press`, { actionBody: viberTexts.startButton });
    await waitForViber(halyna.id, (m) => m.byBot && m.text === onboarding.welcomeBack('Галино'), welcome.seq);
  });
});
