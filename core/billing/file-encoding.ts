import { isAscii, isUtf8 } from 'node:buffer';
import { byteChunks, type BillingSource } from './billing-source.ts';

export type TextEncoding = 'utf-8' | 'windows-1251';
export type WideEncoding = 'UTF-16LE' | 'UTF-16BE' | 'UTF-32LE' | 'UTF-32BE';

/** Line numbers of one kind: how many, and the first few of them (never all: a file may have millions). */
export interface LineSample {
  count: number;
  first: number[];
}

/** What a file's bytes say about how to read them. */
export type EncodingVerdict =
  | { kind: 'readable'; encoding: TextEncoding }
  /** Two or four bytes a character: not one of the encodings billing exports come in. */
  | { kind: 'wide'; encoding: WideEncoding }
  /**
   * Some lines are UTF-8 with letters in it, others are not UTF-8 at all (a file put together from two
   * exports, or a UTF-8 file damaged on the way): no one encoding reads it right, so it is refused rather
   * than guessed.
   */
  | { kind: 'mixed'; utf8: LineSample; notUtf8: LineSample; bom: boolean };

const SAMPLE_LINES = 100;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** How many bytes at the end of `bytes` begin a UTF-8 sequence that the next chunk would finish. */
function unfinishedSequence(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);

/**
 * UTF-16 and UTF-32 by their byte order mark, or without one by the zero bytes of the header line: it is
 * ASCII, so every other (or every fourth) byte is zero, where in a text in one byte per letter none are.
 */
export function wideEncoding(head: Uint8Array): WideEncoding | null {
  if (startsWith(head, [0xff, 0xfe, 0, 0])) return 'UTF-32LE';
  if (startsWith(head, [0, 0, 0xfe, 0xff])) return 'UTF-32BE';
  if (startsWith(head, [0xff, 0xfe])) return 'UTF-16LE';
  if (startsWith(head, [0xfe, 0xff])) return 'UTF-16BE';
  const sample = head.subarray(0, 256 - (Math.min(head.length, 256) % 4));
  if (sample.length < 8) return null;
  const zeros = [0, 0, 0, 0];
  sample.forEach((byte, i) => {
    if (byte === 0) zeros[i % 4]! += 1;
  });
  const quarter = sample.length / 4;
  const mostly = (n: number) => n >= quarter * 0.8;
  const hardly = (n: number) => n <= quarter * 0.1;
  const [z0, z1, z2, z3] = zeros as [number, number, number, number];
  if (hardly(z0) && mostly(z1) && mostly(z2) && mostly(z3)) return 'UTF-32LE';
  if (mostly(z0) && mostly(z1) && mostly(z2) && hardly(z3)) return 'UTF-32BE';
  if (hardly(z0) && hardly(z2) && mostly(z1) && mostly(z3)) return 'UTF-16LE';
  if (mostly(z0) && mostly(z2) && hardly(z1) && hardly(z3)) return 'UTF-16BE';
  return null;
}

/** Whether the whole file is valid UTF-8 (a fast native pass, nothing kept), and whether it starts with a BOM. */
async function wholeFileIsUtf8(source: BillingSource): Promise<{ valid: boolean; bom: boolean; head: Uint8Array }> {
  let carried: Uint8Array = new Uint8Array(0);
  let head: Uint8Array | null = null;
  for await (const chunk of byteChunks(source, 1024 * 1024)) {
    head ??= chunk.subarray(0, 4096);
    const bytes = carried.length > 0 ? Buffer.concat([carried, chunk]) : chunk;
    const whole = bytes.length - unfinishedSequence(bytes);
    if (!isUtf8(bytes.subarray(0, whole))) return { valid: false, bom: startsWith(head, UTF8_BOM), head };
    carried = bytes.subarray(whole);
  }
  head ??= new Uint8Array(0);
  return { valid: carried.length === 0, bom: startsWith(head, UTF8_BOM), head };
}

class Sample implements LineSample {
  count = 0;
  first: number[] = [];
  add(line: number): void {
    this.count += 1;
    if (this.first.length < SAMPLE_LINES) this.first.push(line);
  }
}

/**
 * Sorts the file's lines into those with UTF-8 letters and those that are not UTF-8, a piece at a time: a line
 * is never held whole, so a file without line breaks costs no more than one with them.
 */
async function utf8Lines(source: BillingSource, head: Uint8Array): Promise<{ utf8: Sample; notUtf8: Sample }> {
  // Old Mac files break lines with a lone CR; in the others a CR before the LF is just one more ASCII byte.
  const lineBreak = head.includes(0x0a) || !head.includes(0x0d) ? 0x0a : 0x0d;
  const utf8 = new Sample();
  const notUtf8 = new Sample();
  let line = 1;
  let sawUtf8 = false;
  let sawInvalid = false;
  const look = (bytes: Uint8Array) => {
    if (sawInvalid || bytes.length === 0 || isAscii(bytes)) return;
    if (isUtf8(bytes)) sawUtf8 = true;
    else sawInvalid = true;
  };
  let carried: Uint8Array = new Uint8Array(0);
  for await (const chunk of byteChunks(source, 1024 * 1024)) {
    const bytes = carried.length > 0 ? Buffer.concat([carried, chunk]) : chunk;
    let from = 0;
    for (let end = bytes.indexOf(lineBreak, from); end !== -1; end = bytes.indexOf(lineBreak, from)) {
      look(bytes.subarray(from, end));
      if (sawInvalid) notUtf8.add(line);
      else if (sawUtf8) utf8.add(line);
      sawUtf8 = sawInvalid = false;
      line += 1;
      from = end + 1;
    }
    // The start of the next line is looked at now, but for a letter the next chunk finishes.
    const rest = bytes.subarray(from);
    const whole = rest.length - unfinishedSequence(rest);
    look(rest.subarray(0, whole));
    carried = rest.subarray(whole);
  }
  look(carried);
  if (sawInvalid || carried.length > 0) notUtf8.add(line);
  else if (sawUtf8) utf8.add(line);
  return { utf8, notUtf8 };
}

/**
 * Billing systems export either UTF-8 or the Windows code page of their era. Cyrillic in cp1251 is almost
 * never valid UTF-8, so the whole file is checked (a fast native pass) rather than guessed from its start:
 * a payments file is all digits until the first address with a letter in it. A file that is not UTF-8 is
 * read again line by line: cp1251 only if none of its lines has UTF-8 letters in it.
 */
export async function inspectEncoding(source: BillingSource): Promise<EncodingVerdict> {
  const { valid, bom, head } = await wholeFileIsUtf8(source);
  const wide = wideEncoding(head);
  if (wide) return { kind: 'wide', encoding: wide };
  if (valid) return { kind: 'readable', encoding: 'utf-8' };
  const { utf8, notUtf8 } = await utf8Lines(source, head);
  if (notUtf8.count === 0) return { kind: 'readable', encoding: 'utf-8' };
  if (utf8.count === 0 && !bom) return { kind: 'readable', encoding: 'windows-1251' };
  return { kind: 'mixed', utf8, notUtf8, bom };
}

/** A file that no encoding we read reads right: what is wrong with it, for the rejection. */
export class UnreadableEncoding extends Error {
  constructor(readonly verdict: Exclude<EncodingVerdict, { kind: 'readable' }>) {
    super(`the file's encoding cannot be read (${verdict.kind})`);
    this.name = 'UnreadableEncoding';
  }
}
