import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeViber, viberLimits, type FakeViber } from './index.ts';

// The fake refuses what Viber's REST API refuses, with Viber's answer: HTTP 200 and status 3 (badData) in the body.

let viber: FakeViber;
beforeAll(async () => {
  viber = await startFakeViber({ authToken: 'test-token' });
});
afterAll(async () => {
  await viber.close();
});

async function send(body: Record<string, unknown>): Promise<{ http: number; json: { status: number; status_message: string } }> {
  // Sent as raw JSON text, so a lone surrogate reaches the fake as the \ud83d escape a JSON encoder writes.
  const response = await fetch(`${viber.apiUrl}/send_message`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Viber-Auth-Token': viber.authToken },
    body: JSON.stringify({ receiver: 'u1', min_api_version: 7, sender: { name: 'Водоканал' }, ...body }),
  });
  return { http: response.status, json: (await response.json()) as { status: number; status_message: string } };
}

const button = (text: string, actionBody = text) => ({ ActionType: 'reply', ActionBody: actionBody, Text: text, Columns: 6, Rows: 1 });

describe('the fake Viber keeps Viber limits', () => {
  it('takes a text of 7,000 characters and refuses 7,001 or an empty one', async () => {
    expect((await send({ type: 'text', text: 'я'.repeat(viberLimits.textMax) })).json.status).toBe(0);
    const long = await send({ type: 'text', text: 'я'.repeat(viberLimits.textMax + 1) });
    expect(long).toMatchObject({ http: 200, json: { status: 3 } });
    expect(long.json.status_message).toMatch(/^badData/);
    expect((await send({ type: 'text', text: '' })).json.status).toBe(3);
  });

  it('refuses a keyboard over 24 buttons, a button text over 250 and a reply button without ActionBody', async () => {
    const buttons = (count: number) => Array.from({ length: count }, (_, i) => button(`Рахунок ${i}`));
    expect((await send({ type: 'text', text: 'x', keyboard: { Type: 'keyboard', Buttons: buttons(24) } })).json.status).toBe(0);
    expect((await send({ type: 'text', text: 'x', keyboard: { Type: 'keyboard', Buttons: buttons(25) } })).json.status).toBe(3);
    expect((await send({ type: 'text', text: 'x', keyboard: { Type: 'keyboard', Buttons: [button('я'.repeat(251), 'a')] } })).json.status).toBe(3);
    expect((await send({ type: 'text', text: 'x', keyboard: { Type: 'keyboard', Buttons: [button('Так', '')] } })).json.status).toBe(3);
    expect(viber.sent('u1')).toHaveLength(2);
  });

  it('refuses a lone surrogate anywhere in the message', async () => {
    const half = '😀'.slice(0, 1);
    expect((await send({ type: 'text', text: `Лист ${half}` })).json).toMatchObject({ status: 3 });
    expect((await send({ type: 'text', text: 'x', keyboard: { Type: 'keyboard', Buttons: [button(`a${half}`)] } })).json.status).toBe(3);
    expect((await send({ type: 'text', text: 'Лист 😀' })).json.status).toBe(0);
  });
});
