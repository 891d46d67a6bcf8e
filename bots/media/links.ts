import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import type { MediaRef } from '../../core/media/store.ts';

// Signed, expiring addresses of stored media, for Viber, which sends a picture or a file only by URL and fetches
// it from us. The address holds the media's random id, the expiry and an HMAC of both: nothing of the account,
// nothing guessable, and a changed id or expiry fails the signature. Served by media-route.ts under MEDIA_PATH.

export const MEDIA_PATH = '/media';

export interface MediaLinks {
  /** The media's address, valid until the link time-to-live passes or the media expires, whichever is first. */
  urlFor(media: MediaRef): string;
  /** The media id an address names, when its signature holds and it has not expired; null otherwise. */
  verify(parts: { id: string; expires: string; signature: string }): string | null;
}

export interface MediaLinksOptions {
  /** HMAC key (MEDIA_URL_SECRET, or one derived from a configured secret). */
  secret: Buffer;
  /** PUBLIC_BASE_URL, or the app's own address once it listens (the playground): read when a link is made. */
  baseUrl: () => string;
  ttlMs: number;
  clock: Clock;
}

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'application/pdf': 'pdf' };

/** The file extension an address ends with: some clients (Viber's among them) judge a file by it. */
export function extensionOf(contentType: string): string {
  return EXTENSIONS[contentType] ?? 'bin';
}

export function createMediaLinks(options: MediaLinksOptions): MediaLinks {
  const sign = (id: string, expires: string) => createHmac('sha256', options.secret).update(`media:${id}:${expires}`).digest('base64url');
  return {
    urlFor(media) {
      const until = Math.min(options.clock.now().getTime() + options.ttlMs, Date.parse(media.expiresAt));
      const expires = String(Math.floor(until / 1000));
      const base = options.baseUrl().replace(/\/+$/, '');
      return `${base}${MEDIA_PATH}/${media.id}/${expires}/${sign(media.id, expires)}.${extensionOf(media.contentType)}`;
    },
    verify({ id, expires, signature }) {
      if (!/^[A-Za-z0-9_-]{22,64}$/.test(id) || !/^\d{1,12}$/.test(expires) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return null;
      const expected = Buffer.from(sign(id, expires));
      if (!timingSafeEqual(expected, Buffer.from(signature))) return null;
      return Number(expires) * 1000 > options.clock.now().getTime() ? id : null;
    },
  };
}

/**
 * The links' key: MEDIA_URL_SECRET, else one derived from the Viber token (every instance has it, and Viber is
 * what fetches the links), else a random one (no Viber: links are not given out at all).
 */
export function mediaLinkSecret(configured: string | undefined, viberToken: string | undefined): Buffer {
  if (configured) return Buffer.from(configured);
  if (viberToken) return createHmac('sha256', viberToken).update('vodokanal media links').digest();
  return randomBytes(32);
}

/** The app's own address, when no PUBLIC_BASE_URL is set (the playground, a test): loopback for a wildcard host. */
export function ownAddress(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
