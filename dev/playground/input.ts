// Checks on what the page posts: a person can only do what the app lets them, and the tester is told why not.

export class BadInput extends Error {}

const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export function int(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new BadInput(`${what}: потрібне ціле число`);
  return n;
}

export function optionalInt(value: unknown, what: string): number | undefined {
  return value === undefined || value === null || value === '' ? undefined : int(value, what);
}

export function text(value: unknown, what: string, max = 4096): string {
  if (typeof value !== 'string' || value.trim() === '') throw new BadInput(`${what}: порожньо`);
  if (value.length > max) throw new BadInput(`${what}: задовго (до ${max} символів)`);
  return value;
}

/** A phone as typed (spaces, brackets, dashes dropped). */
export function phone(value: unknown): string {
  return text(value, 'телефон', 32).replace(/[\s()-]/g, '');
}

export function imageFromDataUrl(value: unknown): Buffer | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const match = typeof value === 'string' ? /^data:image\/(jpeg|png|webp|gif);base64,([A-Za-z0-9+/=]+)$/.exec(value) : null;
  if (!match) throw new BadInput('фото: очікується зображення JPEG, PNG, WebP або GIF');
  const bytes = Buffer.from(match[2]!, 'base64');
  if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES) throw new BadInput('фото: завелике (до 10 МБ)');
  return bytes;
}

/** The image type by its first bytes: what the browser is told, whatever the upload claimed. */
export function contentType(bytes: Buffer): string {
  if (bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
  if (bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'image/png';
  if (bytes.subarray(0, 3).toString('latin1') === 'GIF') return 'image/gif';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  // The monthly statement: a tester opens the download in the browser's viewer, as Viber's copy already is.
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return 'application/octet-stream';
}
