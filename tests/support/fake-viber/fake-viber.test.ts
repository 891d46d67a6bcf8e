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

describe('the fake Viber fetches media as Viber does and keeps its limits', () => {
  const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(100, 1)]);

  it('takes a picture and a file it can fetch, and keeps a copy of each', async () => {
    const url = viber.addMedia(png, 'image/png');
    expect((await send({ receiver: 'u2', type: 'picture', text: 'Графік', media: url })).json.status).toBe(0);
    expect((await send({ receiver: 'u2', type: 'file', media: url, size: png.length, file_name: 'chart.png' })).json.status).toBe(0);
    const [picture, file] = viber.sent('u2');
    expect(viber.media(picture!.copy!)?.bytes.equals(png)).toBe(true);
    expect(file).toMatchObject({ type: 'file', size: png.length, file_name: 'chart.png' });
  });

  it('refuses a picture it cannot fetch, too large, not an image, or without text', async () => {
    const status = async (body: Record<string, unknown>) => (await send({ receiver: 'u3', ...body })).json.status;
    expect(await status({ type: 'picture', text: '', media: `${viber.mediaBase}nothing-here.png` })).toBe(3);
    expect(await status({ type: 'picture', text: '', media: 'ftp://example.com/a.png' })).toBe(3);
    expect(await status({ type: 'picture', text: '', media: viber.addMedia(Buffer.alloc(1024 * 1024 + 1), 'image/jpeg') })).toBe(3);
    expect(await status({ type: 'picture', text: '', media: viber.addMedia(Buffer.from('%PDF'), 'application/pdf') })).toBe(3);
    expect(await status({ type: 'picture', media: viber.addMedia(png, 'image/png') })).toBe(4);
    expect(await status({ type: 'picture', text: 'я'.repeat(513), media: viber.addMedia(png, 'image/png') })).toBe(3);
    expect(viber.sent('u3')).toHaveLength(0);
  });

  it('refuses a file without size or name, with a name over 256 or a size that is not what it serves', async () => {
    const url = viber.addMedia(png, 'image/png');
    const status = async (body: Record<string, unknown>) => (await send({ receiver: 'u4', type: 'file', media: url, ...body })).json.status;
    expect(await status({ file_name: 'a.png' })).toBe(4);
    expect(await status({ size: png.length })).toBe(4);
    expect(await status({ size: png.length, file_name: `${'я'.repeat(253)}.png` })).toBe(3);
    expect(await status({ size: png.length + 1, file_name: 'a.png' })).toBe(3);
    expect(await status({ size: 51 * 1024 * 1024, file_name: 'a.png' })).toBe(3);
    expect(viber.sent('u4')).toHaveLength(0);
  });
});
