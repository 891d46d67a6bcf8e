import { createHmac, timingSafeEqual } from 'node:crypto';

/** Viber signs each callback: hex HMAC-SHA256 of the raw body, keyed with the bot's auth token. */
export function signViberBody(body: Buffer | string, authToken: string): string {
  return createHmac('sha256', authToken).update(body).digest('hex');
}

/** Constant-time check of X-Viber-Content-Signature; anything not 64 hex digits is simply wrong. */
export function isValidViberSignature(body: Buffer, signature: string | undefined, authToken: string): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = createHmac('sha256', authToken).update(body).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
