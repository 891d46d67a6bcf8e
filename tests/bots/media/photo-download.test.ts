import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedDownload } from '../../../bots/media/bounded-download.ts';
import { telegramPhotoSource } from '../../../bots/telegram/photo-download.ts';
import { FakeTelegram, TINY_JPEG } from '../../support/fake-telegram/index.ts';

// Downloads of what subscribers send never read past the limit, whatever the server declares, and say only
// "too big" or "unavailable" (never a URL, which for Telegram carries the token).

let server: http.Server;
let base: string;
let tg: FakeTelegram;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/declared') {
      res.writeHead(200, { 'content-length': '5000' });
      res.end(Buffer.alloc(5000));
    } else if (req.url === '/chunked') {
      // No length declared: the body itself runs past the limit.
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000));
      res.end();
    } else if (req.url === '/small') {
      res.writeHead(200);
      res.end(TINY_JPEG);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tg = await FakeTelegram.start();
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await tg.stop();
});

describe('a bounded download', () => {
  it('takes what fits, refuses a declared or an actual size over the limit, and an address that is not http(s)', async () => {
    const small = await boundedDownload(`${base}/small`, 4096);
    expect(small.kind === 'fetched' && small.bytes.equals(TINY_JPEG)).toBe(true);
    expect(await boundedDownload(`${base}/declared`, 4096)).toEqual({ kind: 'too-big' });
    expect(await boundedDownload(`${base}/chunked`, 4096)).toEqual({ kind: 'too-big' });
    expect(await boundedDownload(`${base}/gone`, 4096)).toEqual({ kind: 'unavailable' });
    expect(await boundedDownload('file:///etc/passwd', 4096)).toEqual({ kind: 'unavailable' });
  });
});

describe("a Telegram subscriber's photo", () => {
  it('is fetched with getFile and the file URL; its declared size is checked first; over 20 MB the Bot API refuses it', async () => {
    const user = tg.user({ id: 601, first_name: 'Ганна' });
    const source = telegramPhotoSource({ token: tg.token, apiRoot: tg.apiRoot });
    const photo = user.sendPhoto().message!.photo!.at(-1)!;
    const fetched = await source(photo.file_id)(4096);
    expect(fetched.kind === 'fetched' && fetched.bytes.equals(TINY_JPEG)).toBe(true);
    expect(await source(photo.file_id)(100)).toEqual({ kind: 'too-big' });
    const huge = user.sendPhoto({ bytes: Buffer.alloc(20 * 1024 * 1024 + 1) }).message!.photo!.at(-1)!;
    expect(await source(huge.file_id)(25 * 1024 * 1024)).toEqual({ kind: 'too-big' });
    expect(await source('no-such-file')(4096)).toEqual({ kind: 'unavailable' });
  });
});
