import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../bots/app.ts';
import { loadConfig } from '../../../bots/config.ts';
import { createLogger } from '../../../bots/logger.ts';
import { smsParts, smsTexts } from '../../../bots/texts/sms.ts';
import { loadDemoData, type DemoAccount } from '../../../core/billing/demo-data.ts';
import { systemClock } from '../../../core/clock.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import { accountsForPhone } from '../../../core/sms/index.ts';
import { startPlayground, type Playground } from '../../../dev/playground/index.ts';
import type { SmsChatView } from '../../../dev/playground/sms-routes.ts';
import { freePort } from '../../../dev/free-port.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

// The playground's SMS pane over real HTTP, wired as `npm start` wires it with no SMS_SMPP_URL: the app's SMS
// channel binds to the playground's stand-in of an SMSC over SMPP, the page's API makes a demo phone send an SMS
// (deliver_sm), and the app's reply comes back through the stand-in (submit_sm) with its part count.

const logger = createLogger('silent');
let db: TestDatabase;
let playground: Playground;
let app: App;
let base: string;
let demo: readonly DemoAccount[];

interface SmsState {
  on: boolean;
  serviceNumber: string;
  phones: { phone: string; label: string }[];
}

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}/playground/api${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
}

/** Polls a phone's conversation as the page does until `n` replies are there. */
async function replies(phone: string, n: number, timeoutMs = 10_000): Promise<SmsChatView> {
  const until = Date.now() + timeoutMs;
  let last: SmsChatView | undefined;
  while (Date.now() < until) {
    const { status, body } = await api<SmsChatView>('GET', `/sms/${phone}`);
    expect(status).toBe(200);
    last = body;
    if (body.messages.filter((m) => !m.mine).length >= n) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${n} replies to ${phone}; got ${JSON.stringify(last?.messages)}`);
}

beforeAll(async () => {
  db = await createTestDatabase();
  demo = await loadDemoData(db, systemClock);
  playground = await startPlayground({ db, clock: systemClock, logger, demoAccounts: demo });
  const port = await freePort('127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  expect(config.sms).toBeUndefined();
  app = buildApp({
    config,
    db,
    clock: systemClock,
    logger,
    telegramFallback: playground.telegram,
    viberFallback: playground.viberFor(base),
    smsFallback: playground.sms!,
    mountExtra: (http) => playground.mount(http),
  });
  await app.start();
  // The channel binds on its own after start; the pane says so until it has.
  const until = Date.now() + 10_000;
  while (!app.sms?.bound() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await playground?.stop();
  await db?.destroy();
});

describe('the playground SMS pane', () => {
  it('lists the demo phones: billing phones of the demo accounts and one number billing does not know', async () => {
    const { status, body } = await api<{ sms: SmsState }>('GET', '/state');
    expect(status).toBe(200);
    expect(body.sms.on).toBe(true);
    expect(body.sms.serviceNumber).toBe(playground.sms!.sourceAddr);
    const billingPhones = demo.map((a) => a.phone).filter((p): p is string => !!p);
    expect(billingPhones.length).toBeGreaterThan(0);
    const listed = body.sms.phones.map((p) => p.phone);
    expect(listed.slice(0, billingPhones.length)).toEqual(billingPhones);
    const unknown = listed.at(-1)!;
    expect(billingPhones).not.toContain(unknown);
    expect(await db.models.Account.count({ where: { phone: unknown } })).toBe(0);
    const owner = demo.find((a) => a.phone === billingPhones[0])!;
    expect(body.sms.phones[0]!.label).toContain(owner.number);
  });

  it('a billing phone sends a reading by SMS and sees the receipt with its part count; the reading is stored with channel sms', async () => {
    const owner = demo.find((a) => a.phone)!;
    const phone = owner.phone!;
    // The first meter of the phone's account, as core reads it for an SMS from this phone.
    const [account] = await accountsForPhone({ db, clock: systemClock, settings: defaultCoreSettings }, phone);
    const meter = account!.meters.find((m) => !m.submittedToday)!;
    const value = meter.lastValue + 2;
    const sent = await api<{ parts: number }>('POST', `/sms/${phone}/text`, { text: `${meter.serial} ${value}` });
    expect(sent).toEqual({ status: 200, body: { parts: 1 } });

    const view = await replies(phone, 1);
    expect(view.bound).toBe(true);
    expect(view.messages[0]).toMatchObject({ mine: true, text: `${meter.serial} ${value}`, parts: 1 });
    const reply = view.messages.find((m) => !m.mine)!;
    expect(reply.text).toContain(`Прийнято ${meter.serial}: ${value}, спожито 2 м³`);
    expect(reply.parts).toBe(smsParts(reply.text));
    expect(reply.seq).toBeGreaterThan(view.messages[0]!.seq);
    const stored = await db.sequelize.query<{ value: number; channel: string }>(
      `SELECT r.value, r.channel FROM readings r JOIN meters m ON m.id = r.meter_id WHERE m.serial = :serial ORDER BY r.id DESC LIMIT 1`,
      { replacements: { serial: meter.serial }, type: QueryTypes.SELECT },
    );
    expect(stored).toEqual([{ value, channel: 'sms' }]);

    // The page polls with the version it shows: nothing new, nothing sent.
    const again = await fetch(`${base}/playground/api/sms/${phone}?version=${encodeURIComponent(view.version)}`);
    expect(again.status).toBe(204);
  });

  it('the number billing does not know is told so, in the two parts the reply takes', async () => {
    const { body: state } = await api<{ sms: SmsState }>('GET', '/state');
    const unknown = state.sms.phones.at(-1)!.phone;
    await api('POST', `/sms/${unknown}/text`, { text: '1540' });
    const reply = (await replies(unknown, 1)).messages.find((m) => !m.mine)!;
    expect(reply).toMatchObject({ text: smsTexts.unknownPhone, parts: smsParts(smsTexts.unknownPhone) });
    expect(reply.parts).toBe(2);
  });

  it('a long SMS goes to the app in parts, as a phone splits it, and is read whole', async () => {
    const phone = demo.find((a) => a.phone)!.phone!;
    const before = (await api<SmsChatView>('GET', `/sms/${phone}`)).body.messages.filter((m) => !m.mine).length;
    const long = `ДОПОМОГА${' '.repeat(80)}`;
    const sent = await api<{ parts: number }>('POST', `/sms/${phone}/text`, { text: long });
    expect(sent.body.parts).toBe(2);
    const view = await replies(phone, before + 1);
    expect(view.messages.filter((m) => m.mine).at(-1)).toMatchObject({ text: long, parts: 2 });
    expect(view.messages.filter((m) => !m.mine).at(-1)?.text).toBe(smsTexts.help);
  });

  it('refuses what a phone cannot send, with the reason in Ukrainian', async () => {
    const phone = demo.find((a) => a.phone)!.phone!;
    const badPhone = await api<{ error: string }>('POST', '/sms/12345/text', { text: '1540' });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error).toMatch(/^телефон: /);
    const empty = await api<{ error: string }>('POST', `/sms/${phone}/text`, { text: '  ' });
    expect(empty).toEqual({ status: 400, body: { error: 'SMS: порожньо' } });
    const tooLong = await api<{ error: string }>('POST', `/sms/${phone}/text`, { text: '1'.repeat(403) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatch(/задовго/);
    expect((await api('GET', '/sms/not-a-phone')).status).toBe(400);
  });
});

describe('the SMS pane with SMS_SMPP_URL set', () => {
  it('starts no stand-in and says why nothing can be sent from the page', async () => {
    const other = await startPlayground({ db, clock: systemClock, logger, demoAccounts: demo, sms: false });
    try {
      expect(other.sms).toBeUndefined();
      const http = express();
      other.mount(http);
      const server = await new Promise<Server>((resolve) => {
        const listening = http.listen(0, '127.0.0.1', () => resolve(listening));
      });
      try {
        const port = (server.address() as AddressInfo).port;
        const state = await fetch(`http://127.0.0.1:${port}/playground/api/state`).then((r) => r.json() as Promise<{ sms: SmsState }>);
        expect(state.sms.on).toBe(false);
        const res = await fetch(`http://127.0.0.1:${port}/playground/api/sms/${state.sms.phones[0]!.phone}/text`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: '1540' }),
        });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toMatch(/SMS_SMPP_URL/);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    } finally {
      await other.stop();
    }
  });
});
