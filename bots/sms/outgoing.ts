import { SMS_CONCAT_PART_UNITS, SMS_SINGLE_PART_UNITS } from '../../core/sms/parts.ts';

/** A reply as submit_sm parameters: one UCS-2 part, or parts joined by a UDH (IEI 0x00, 8-bit reference). */
export interface OutgoingPart {
  text: string;
  udh: Buffer | null;
}

export function toParts(text: string, ref: number): OutgoingPart[] {
  if (text.length <= SMS_SINGLE_PART_UNITS) return [{ text, udh: null }];
  const chunks = cutExactly(text, SMS_CONCAT_PART_UNITS);
  return chunks.map((chunk, i) => ({ text: chunk, udh: Buffer.from([0x05, 0x00, 0x03, ref & 0xff, chunks.length, i + 1]) }));
}

const segmenter = new Intl.Segmenter('uk', { granularity: 'grapheme' });

/**
 * Parts of at most `max` UTF-16 units at grapheme boundaries that join back to exactly `text` (core's splitText
 * drops the space or line break it cuts at, which a phone joining the parts would lose).
 */
function cutExactly(text: string, max: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const { segment } of segmenter.segment(text)) {
    if (current.length + segment.length > max) {
      parts.push(current);
      current = '';
    }
    current += segment;
  }
  if (current !== '') parts.push(current);
  return parts;
}

/** Spaces submit_sm calls to at most `perSecond`, across every reply this process sends. */
export function createPacer(perSecond: number): () => Promise<void> {
  const gapMs = 1000 / perSecond;
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + gapMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}
