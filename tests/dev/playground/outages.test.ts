import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { buildApp, type App } from '../../../bots/app.ts';
import { loadConfig } from '../../../bots/config.ts';
import { createLogger } from '../../../bots/logger.ts';
import { outageDesk } from '../../../bots/texts/outages.ts';
import { loadDemoData, type DemoAccount } from '../../../core/billing/demo-data.ts';
import { systemClock } from '../../../core/clock.ts';
import { freePort } from '../../../dev/free-port.ts';
import { startPlayground, STAFF_CHAT_ID, type Playground } from '../../../dev/playground/index.ts';
import type { ChatView, MessageView } from '../../../dev/playground/views.ts';
import type { ViberChatView } from '../../../dev/playground/viber-views.ts';
import { aLink, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

// Staff announce, update and close an outage from the playground's staff pane (through the page's JSON API, as the
// page does), and the demo subscribers at the affected addresses — and only they — see each notice in their
// Telegram and Viber chats: the app as `npm start` wires it with no token.

const OKSANA = 100_000_001; // Telegram, linked here to 990001 (вул. Соборна, 14)
const ANDRII = 100_000_002; // Telegram, linked here to 990002 (просп. Свободи, 51): not affected
const HALYNA = 'pgViberHalyna000000001=='; // Viber, linked here to 990004 (вул. Соборна, 7)
const IRYNA = 200_000_001; // staff

let db: TestDatabase;
let playground: Playground;
let app: App;
let base: string;
let demo: readonly DemoAccount[];

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/playground/api${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? null : await res.json()) as T;
}

async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`not seen in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const telegramChat = (chatId: number) => api<ChatView>('GET', `/chats/${chatId}`);
const viberChat = (userId: string) => api<ViberChatView>('GET', `/viber/chats/${encodeURIComponent(userId)}`);

/** The next bot message in the staff group after `afterSeq` that contains `text`. */
const staffSays = (text: string, afterSeq: number) =>
  eventually(`«${text}» in the staff group`, async () => (await telegramChat(STAFF_CHAT_ID)).messages.find((m) => m.byBot && m.seq > afterSeq && (m.text ?? '').includes(text)));
const lastSeq = async () => Math.max(0, ...(await telegramChat(STAFF_CHAT_ID)).messages.map((m) => m.seq));

async function staffTypes(text: string): Promise<void> {
  await api('POST', `/chats/${STAFF_CHAT_ID}/text`, { as: IRYNA, text });
}
async function staffPresses(message: MessageView, label: string): Promise<void> {
  const button = (message.inline ?? []).flat().find((b) => b.text === label || b.text.endsWith(label));
  if (!button?.data) throw new Error(`no button ${label} on: ${message.text}`);
  await api('POST', `/chats/${STAFF_CHAT_ID}/press`, { as: IRYNA, messageId: message.id, data: button.data });
}
/** Types (or presses) and waits for the bot's next message containing `expect`. */
async function step(act: () => Promise<void>, expect: string): Promise<MessageView> {
  const after = await lastSeq();
  await act();
  return staffSays(expect, after);
}

const telegramTexts = async (chatId: number) => (await telegramChat(chatId)).messages.filter((m) => m.byBot).map((m) => m.text ?? '');
const viberTexts = async (userId: string) => (await viberChat(userId)).messages.filter((m) => m.byBot).map((m) => m.text ?? '');
const seen = (texts: () => Promise<string[]>, part: string) => eventually(part, async () => ((await texts()).some((t) => t.includes(part)) ? true : undefined));

/** A demo subscriber of the playground who has consented and linked `account` (as the chat would have done). */
async function linked(channel: 'telegram' | 'viber', channelUserId: string, name: string, account: string): Promise<void> {
  const subscriber = await aSubscriber(db, { channel, channelUserId, name });
  await aLink(db, subscriber, (await db.models.Account.findOne({ where: { number: account } }))!);
}

beforeAll(async () => {
  db = await createTestDatabase();
  const logger = createLogger('silent');
  demo = await loadDemoData(db, systemClock);
  playground = await startPlayground({ db, clock: systemClock, logger, demoAccounts: demo });
  const port = await freePort('127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  app = buildApp({
    config,
    db,
    clock: systemClock,
    logger,
    telegramFallback: playground.telegram,
    viberFallback: playground.viberFor(base),
    mountExtra: (http) => playground.mount(http),
  });
  await app.start();
  await linked('telegram', String(OKSANA), 'Оксана Шевченко', '990001');
  await linked('telegram', String(ANDRII), 'Андрій Бондаренко', '990002');
  await linked('viber', HALYNA, 'Галина Мельник', '990004');
  // Viber delivers only to someone who has written to the bot: Галина opens the chat and says hello.
  await api('POST', `/viber/chats/${encodeURIComponent(HALYNA)}/open`, {});
  await api('POST', `/viber/chats/${encodeURIComponent(HALYNA)}/text`, { text: 'Добрий день' });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await playground?.stop();
  await db?.destroy();
});

describe('outages in the playground', () => {
  it('staff announce an emergency on Соборна from the staff pane; Оксана (Telegram) and Галина (Viber) are told, Андрій is not', async () => {
    await step(() => staffTypes('/outage'), 'крок 1 з 5');
    const kind = await step(() => staffTypes('Соборна 1-20'), outageDesk.askKind);
    await step(() => staffPresses(kind, outageDesk.kindButtons.emergency), 'Крок 3 з 5');
    // From a minute ago until two hours on, in Kyiv time, as staff would type it.
    const kyiv = (offsetMs: number) =>
      new Intl.DateTimeFormat('uk-UA', { timeZone: 'Europe/Kyiv', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .format(new Date(Date.now() + offsetMs))
        .replace(',', '');
    const affects = await step(() => staffTypes(`${kyiv(-60_000)} - ${kyiv(2 * 3_600_000)}`), 'Крок 4 з 5');
    const ticked = await step(() => staffPresses(affects, 'Холодна вода'), 'Крок 4 з 5');
    await step(() => staffPresses(ticked, outageDesk.nextButton), 'Крок 5 з 5');
    const preview = await step(() => staffTypes('Пошкодження водогону на Соборній. Бригада на місці.'), 'Перевірте відключення');
    expect(preview.text).toContain('Отримають: 2 абоненти (Telegram 1, Viber 1).');
    await step(() => staffPresses(preview, outageDesk.sendButton), 'оголошено');

    await seen(() => telegramTexts(OKSANA), 'Аварія: відключено воду.');
    await seen(() => viberTexts(HALYNA), 'Аварія: відключено воду.');
    expect((await telegramTexts(OKSANA)).find((t) => t.includes('Аварія'))).toContain('Пошкодження водогону на Соборній.');
  });

  it('staff move the end time from the card, and close it: each change reaches the same two, once', async () => {
    const [outage] = await db.sequelize.query<{ id: number }>(`SELECT id FROM outages`, { type: QueryTypes.SELECT });
    const card = await staffSays(`Відключення №${outage!.id} (аварійне)`, 0);
    await step(() => staffPresses(card, outageDesk.newEndButton), 'до якого часу тепер?');
    await step(() => staffTypes('23:59'), 'нове завершення');
    await seen(() => telegramTexts(OKSANA), 'Змінено час відключення води.');
    await seen(() => viberTexts(HALYNA), 'Змінено час відключення води.');

    const confirm = await step(() => staffPresses(card, outageDesk.closeButton), outageDesk.confirmClose(outage!.id));
    await step(() => staffPresses(confirm, outageDesk.confirmCloseButton), outageDesk.closed(outage!.id));
    await seen(() => telegramTexts(OKSANA), 'Воду відновлено.');
    await seen(() => viberTexts(HALYNA), 'Воду відновлено.');

    for (const texts of [await telegramTexts(OKSANA), await viberTexts(HALYNA)]) {
      expect(texts.filter((t) => t.startsWith('Аварія: відключено воду.'))).toHaveLength(1);
      expect(texts.filter((t) => t.startsWith('Змінено час відключення води.'))).toHaveLength(1);
      expect(texts.filter((t) => t.startsWith('Воду відновлено.'))).toHaveLength(1);
    }
    expect(await telegramTexts(ANDRII)).toEqual([]);
  });
});
