import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { storeMedia, type MediaRef } from '../../../core/media/store.ts';
import { createLogger } from '../../../bots/logger.ts';
import { createMediaLinks, type MediaLinks } from '../../../bots/media/links.ts';
import { mountMediaRoute } from '../../../bots/media/route.ts';
import { createHttpApp } from '../../../bots/server.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
let server: Server;
let links: MediaLinks;
let media: MediaRef;
const clock = new FixedClock(new Date('2026-12-05T08:00:00Z'));
const HOUR = 3_600_000;
// Long enough that a random signature or id cannot contain it by chance (a two-character one did, now and then).
const ACCOUNT = '4815162342';
const bytes = Buffer.from('\x89PNG\r\n\x1a\n not really a picture', 'latin1');

beforeAll(async () => {
  db = await createTestDatabase();
  const core = { db, clock };
  let base = '';
  links = createMediaLinks({ secret: Buffer.from('k'.repeat(32)), baseUrl: () => base, ttlMs: HOUR, clock });
  const http = createHttpApp({ webhooks: [], checkDatabase: async () => true, extra: (app) => mountMediaRoute(app, { core, links }) }, createLogger('silent'));
  server = await new Promise<Server>((resolve) => {
    const listening = http.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  media = await storeMedia(core, { contentType: 'image/png', filename: 'графік споживання.png', bytes, keepMs: 3 * HOUR, cacheKey: `account:${ACCOUNT}:version-7` });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await db.destroy();
});

describe('signed media addresses', () => {
  it('serve the bytes with their type, and hold nothing of the account', async () => {
    const url = links.urlFor(media);
    for (const secret of [ACCOUNT, 'account', 'version-7', 'графік']) expect(decodeURIComponent(url)).not.toContain(secret);
    expect(url).not.toContain('%D0');
    expect(url).toMatch(/\/media\/[A-Za-z0-9_-]{43}\/\d+\/[A-Za-z0-9_-]{43}\.png$/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('refuse a changed id, expiry or signature with a bare 404', async () => {
    const url = new URL(links.urlFor(media));
    const [, , id, expires, file] = url.pathname.split('/') as [string, string, string, string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const tampered = [
      `/media/${flip(id)}/${expires}/${file}`,
      `/media/${id}/${Number(expires) + 3600}/${file}`,
      `/media/${id}/${expires}/${flip(file)}`,
      `/media/${id}/${expires}/${file.replace('.png', '')}`,
    ];
    for (const path of tampered) {
      const res = await fetch(new URL(path, url));
      expect(res.status, path).toBe(404);
      expect(await res.text()).toBe('not found');
    }
  });

  it('expire: after the link time-to-live the address is 404, though the media is still kept', async () => {
    const url = links.urlFor(media);
    clock.advance(HOUR - 1000);
    expect((await fetch(url)).status).toBe(200);
    clock.advance(2000);
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(links.urlFor(media))).status).toBe(200);
  });

  it('never outlive the media they point at', async () => {
    clock.advance(2 * HOUR);
    expect((await fetch(links.urlFor(media))).status).toBe(404);
  });
});
