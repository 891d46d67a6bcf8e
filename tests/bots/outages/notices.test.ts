import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../bots/app.ts';
import { loadConfig } from '../../../bots/config.ts';
import { createLogger } from '../../../bots/logger.ts';
import { startedMessageCounts } from '../../../bots/viber/billable-sender.ts';
import { FixedClock } from '../../../core/clock.ts';
import { announceOutage, closeOutage, setPlannedOutageNotices, updateOutage } from '../../../core/outages/index.ts';
import { freePort } from '../../../dev/free-port.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeTelegram } from '../../support/fake-telegram/index.ts';
import { startFakeViber, type FakeViber } from '../../support/fake-viber/index.ts';
import { aDraft, anAccountAt, aSubscriberOf } from '../../support/outages-builders.ts';

// The whole app with both bots against the fake Telegram and Viber: staff announce, update and close an outage
// (through core, as the staff form does), and the affected subscribers, and only they, see each notice in their chat.

let db: TestDatabase;
let tg: FakeTelegram;
let viber: FakeViber;
let app: App;
// 10:00 in Kyiv.
const clock = new FixedClock(new Date('2026-12-05T08:00:00Z'));

beforeAll(async () => {
  db = await createTestDatabase();
  tg = await FakeTelegram.start();
  viber = await startFakeViber({ authToken: 'viber-outages-token' });
  const port = await freePort('127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_WEBHOOK_URL: `${base}/hooks/telegram`,
    TELEGRAM_WEBHOOK_SECRET: 'outages-secret',
    VIBER_AUTH_TOKEN: viber.authToken,
    VIBER_API_URL: viber.apiUrl,
    VIBER_WEBHOOK_URL: `${base}/hooks/viber`,
    // Passes are run by the test, not the timer.
    OUTAGE_DELIVERY_SECONDS: '3600',
  });
  app = buildApp({ config, db, clock, logger: createLogger('silent') });
  await app.start();
});

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
  await viber?.close();
  await db?.destroy();
});

const tgTexts = (chatId: number) => tg.sentTexts(chatId);
const viberTexts = (id: string) => viber.sent(id).map((m) => m.text ?? '');

describe('outage notices on Telegram and Viber', () => {
  it('reach the affected subscribers, and only them, at each change, once', async () => {
    const flats = [];
    for (let i = 1; i <= 3; i++) flats.push(await anAccountAt(db, `м. Кам'янське, вул. Соборна, 12, кв. ${i}`));
    tg.user({ id: 9101, first_name: 'Анна' });
    tg.user({ id: 9102, first_name: 'Ігор' });
    viber.user({ id: 'vb-petro', name: 'Петро' });
    viber.user({ id: 'vb-olena', name: 'Олена' });
    await aSubscriberOf(db, flats, 'telegram', '9101');
    await aSubscriberOf(db, [await anAccountAt(db, 'вул. Соборна, 40')], 'telegram', '9102');
    await aSubscriberOf(db, [await anAccountAt(db, 'вул. Coборна, 20, кв. 7')], 'viber', 'vb-petro');
    await aSubscriberOf(db, [await anAccountAt(db, 'вул. Садова, 5')], 'viber', 'vb-olena');

    const announced = await announceOutage(app.core, aDraft({ endsAt: '2026-12-05T16:00:00Z' }), { idempotencyKey: 'staff:42', by: 'Оператор' });
    expect(announced.kind === 'announced' && announced.reach.subscribers).toEqual({ telegram: 1, viber: 1, total: 2 });
    if (announced.kind !== 'announced') return;
    const id = announced.outage.id;
    await app.outages.runNow();

    const anna = tgTexts(9101);
    expect(anna).toHaveLength(1);
    expect(anna[0]).toContain('Аварія: відключено воду.');
    for (const flat of flats) expect(anna[0]).toContain(flat.number);
    expect(viberTexts('vb-petro')).toHaveLength(1);
    expect(viberTexts('vb-petro')[0]).toContain('Соборна: 1-25');
    expect(tgTexts(9102)).toEqual([]);
    expect(viberTexts('vb-olena')).toEqual([]);
    // Petro never wrote to the bot: his notice is billed.
    expect(await startedMessageCounts(app.core, '2026-12-05')).toEqual({ billable: 1, free: 0 });

    clock.advance(30 * 60_000);
    await updateOutage(app.core, id, { endsAt: '2026-12-05T18:00:00Z' });
    await app.outages.runNow();
    expect(tgTexts(9101)[1]).toContain('Змінено час відключення води.');
    expect(tgTexts(9101)[1]).toContain('до 05.12.2026 о 20:00');
    expect(viberTexts('vb-petro')[1]).toContain('Змінено час');

    clock.advance(60 * 60_000);
    await closeOutage(app.core, id);
    await app.outages.runNow();
    await app.outages.runNow();
    expect(tgTexts(9101)).toHaveLength(3);
    expect(tgTexts(9101)[2]).toContain('Воду відновлено.');
    expect(viberTexts('vb-petro')).toHaveLength(3);
    expect(viberTexts('vb-petro')[2]).toContain('Воду відновлено.');
    expect(tgTexts(9102)).toEqual([]);
    expect(viberTexts('vb-olena')).toEqual([]);
  });

  it('leave out of planned works those who turned their notices off, on either channel', async () => {
    const account = await anAccountAt(db, 'вул. Паркова, 3');
    tg.user({ id: 9201, first_name: 'Марія' });
    viber.user({ id: 'vb-taras', name: 'Тарас' });
    const on = await aSubscriberOf(db, [account], 'telegram', '9201');
    const off = await aSubscriberOf(db, [account], 'viber', 'vb-taras');
    await setPlannedOutageNotices(app.core, off.id, false);
    clock.set('2026-12-05T12:00:00Z'); // 14:00 Kyiv
    const outcome = await announceOutage(
      app.core,
      aDraft({ kind: 'planned', targets: [{ street: 'Паркова', houses: null }], startsAt: '2026-12-05T13:00:00Z', endsAt: '2026-12-05T15:00:00Z', affects: ['cold-water', 'sewage'] }),
      { idempotencyKey: 'staff:43', by: 'Оператор' },
    );
    expect(outcome.kind === 'announced' && [outcome.reach.subscribers.total, outcome.reach.optedOut]).toEqual([1, 1]);
    await app.outages.runNow();
    expect(tgTexts(9201)).toHaveLength(1);
    expect(tgTexts(9201)[0]).toContain('Планові роботи: холодне водопостачання, водовідведення (каналізація).');
    clock.set('2026-12-05T13:00:00Z');
    await app.outages.runNow();
    expect(tgTexts(9201)).toHaveLength(2);
    expect(tgTexts(9201)[1]).toContain('Розпочато планові роботи');
    expect(viberTexts('vb-taras')).toEqual([]);
    expect(on.id).not.toBe(off.id);
  });
});
