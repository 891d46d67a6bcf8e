import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsTexts } from '../../../bots/texts/sms.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { runEntry, waitUntil, type Started } from '../../support/processes.ts';

// `npm start` as a real process with no token and no SMS_SMPP_URL: the SMS channel is bound to the playground's
// stand-in of an SMSC with no configuration, so the SMS side of the page works as it is.

let db: TestDatabase;
let app: Started | undefined;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
});
afterAll(async () => {
  app?.child.kill('SIGTERM');
  await app?.exited;
  await db?.destroy();
});

describe('npm start with no SMS_SMPP_URL', () => {
  it('binds the SMS channel to the stand-in: a demo phone SMS is answered on the page', async () => {
    app = runEntry('bots/main.ts', [], { DATABASE_URL: db.url, PORT: '0', SMS_SMPP_URL: '', SMS_SOURCE_ADDR: '' });
    await waitUntil(() => /Local playground[^\n]*http:\/\/127\.0\.0\.1:\d+\//.test(app!.output()), 'the playground address', 100_000);
    const base = /Local playground[^\n]*(http:\/\/127\.0\.0\.1:\d+)\//.exec(app.output())![1]!;
    const api = `${base}/playground/api`;
    const state = (await fetch(`${api}/state`).then((r) => r.json())) as { sms: { on: boolean; phones: { phone: string }[] } };
    expect(state.sms.on).toBe(true);
    const unknown = state.sms.phones.at(-1)!.phone;

    await waitUntil(async () => ((await fetch(`${api}/sms/${unknown}`).then((r) => r.json())) as { bound: boolean }).bound, 'the SMS bind', 30_000);
    const sent = await fetch(`${api}/sms/${unknown}/text`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: '1540' }) });
    expect(sent.status).toBe(200);
    let texts: string[] = [];
    await waitUntil(async () => {
      const view = (await fetch(`${api}/sms/${unknown}`).then((r) => r.json())) as { messages: { mine: boolean; text: string }[] };
      texts = view.messages.filter((m) => !m.mine).map((m) => m.text);
      return texts.length > 0;
    }, 'the reply', 20_000);
    expect(texts).toEqual([smsTexts.unknownPhone]);
    expect(app.output()).toContain('smpp bound as transceiver');
  }, 150_000);
});
