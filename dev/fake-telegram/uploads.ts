import { TelegramApiError, badRequest } from './errors.ts';

// What the Bot API refuses of an uploaded file (multipart/form-data), so a bot meets here what it would meet
// in production (https://core.telegram.org/bots/api, sendPhoto: "The photo must be at most 10 MB in size. The
// photo's width and height must not exceed 10000 in total. Width and height ratio must be at most 20";
// sendDocument / "Sending files": "50 MB max size for other files"). An upload over the limit is refused as
// "Request Entity Too Large" (HTTP 413), an empty one as "file must be non-empty", a photo Telegram cannot
// read as an image as IMAGE_PROCESS_FAILED, one of bad proportions as PHOTO_INVALID_DIMENSIONS.

export const PHOTO_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
export const DOCUMENT_UPLOAD_MAX_BYTES = 50 * 1024 * 1024;
export const PHOTO_SIDES_MAX_SUM = 10_000;
export const PHOTO_RATIO_MAX = 20;

export const uploadErrors = {
  tooBig: 'Request Entity Too Large',
  empty: 'file must be non-empty',
  notImage: 'IMAGE_PROCESS_FAILED',
  dimensions: 'PHOTO_INVALID_DIMENSIONS',
} as const;

/** Width and height of a PNG (its IHDR) or a JPEG (its first SOFn); null for anything else. */
export function imageSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let at = 2;
    while (at + 9 < bytes.length) {
      if (bytes[at] !== 0xff) return null;
      const marker = bytes[at + 1]!;
      const length = bytes.readUInt16BE(at + 2);
      // SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC) carry the frame's size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: bytes.readUInt16BE(at + 7), height: bytes.readUInt16BE(at + 5) };
      }
      at += 2 + length;
    }
  }
  return null;
}

function checkSize(bytes: Buffer, max: number): void {
  if (bytes.length === 0) throw badRequest(uploadErrors.empty);
  if (bytes.length > max) throw new TelegramApiError(413, uploadErrors.tooBig);
}

/** An uploaded photo's size, or Telegram's refusal. */
export function checkPhotoUpload(bytes: Buffer): { width: number; height: number } {
  checkSize(bytes, PHOTO_UPLOAD_MAX_BYTES);
  const size = imageSize(bytes);
  if (!size || size.width === 0 || size.height === 0) throw badRequest(uploadErrors.notImage);
  const ratio = Math.max(size.width, size.height) / Math.min(size.width, size.height);
  if (size.width + size.height > PHOTO_SIDES_MAX_SUM || ratio > PHOTO_RATIO_MAX) throw badRequest(uploadErrors.dimensions);
  return size;
}

export function checkDocumentUpload(bytes: Buffer): void {
  checkSize(bytes, DOCUMENT_UPLOAD_MAX_BYTES);
}

/** The sizes Telegram keeps of a photo, smallest first: thumbnails, then at most 1280 px on the longer side. */
export function photoSizes(size: { width: number; height: number }): { width: number; height: number }[] {
  const longer = Math.max(size.width, size.height);
  return [90, 320, 800]
    .filter((side) => side < longer)
    .concat([Math.min(longer, 1280)])
    .map((side) => {
      const scale = Math.min(1, side / longer);
      return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
    });
}
