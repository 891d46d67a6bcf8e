import { createReadStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Parser } from 'csv-parse';
import iconv from 'iconv-lite';

/** A billing export, read from disk or already in memory (the demo data and tests build them in memory). */
export type BillingSource = { path: string } | { buffer: Uint8Array; name: string };

export type TextEncoding = 'utf-8' | 'windows-1251';
export type Delimiter = ';' | ',';

export interface CsvRow {
  /**
   * Position among the file's non-blank records, 0 being the header. Line numbers are worked out only for
   * the records an error names (see lineNumbers): tracking them for every record halves the parser's speed.
   */
  ordinal: number;
  fields: string[];
}

/** The file's bytes are not CSV (an unclosed quote): nothing after `line` can be read. */
export class CsvFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

const CHUNK_BYTES = 256 * 1024;

export function sourceName(source: BillingSource): string {
  return 'path' in source ? source.path : source.name;
}

async function* byteChunks(source: BillingSource): AsyncGenerator<Uint8Array> {
  if ('buffer' in source) {
    for (let at = 0; at < source.buffer.length; at += CHUNK_BYTES) yield source.buffer.subarray(at, at + CHUNK_BYTES);
    return;
  }
  for await (const chunk of createReadStream(source.path, { highWaterMark: CHUNK_BYTES })) yield chunk as Buffer;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Billing systems export either UTF-8 or the Windows code page of their era. Cyrillic in cp1251 is almost
 * never valid UTF-8, so the whole file is checked (a fast native pass) rather than guessed from its start:
 * a payments file is all digits until the first address with a letter in it.
 */
export async function detectEncoding(source: BillingSource): Promise<TextEncoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  try {
    for await (const chunk of byteChunks(source)) {
      if (first && UTF8_BOM.every((byte, i) => chunk[i] === byte)) return 'utf-8';
      first = false;
      decoder.decode(chunk, { stream: true });
    }
    decoder.decode();
    return 'utf-8';
  } catch {
    return 'windows-1251';
  }
}

interface TextDecoderLike {
  write(bytes: Uint8Array): string;
  end(): string;
}

function textDecoder(encoding: TextEncoding): TextDecoderLike {
  if (encoding === 'windows-1251') {
    const decoder = iconv.getDecoder('win1251');
    return { write: (bytes) => decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), end: () => decoder.end() ?? '' };
  }
  // The default TextDecoder drops a leading BOM, so the first header name reads clean.
  const decoder = new TextDecoder('utf-8');
  return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
}

/** Header names never contain either delimiter, so whichever of them splits the header line is the one. */
export function detectDelimiter(headerLine: string): Delimiter {
  const count = (char: string) => headerLine.split(char).length - 1;
  return count(',') > count(';') ? ',' : ';';
}

export interface OpenedCsv {
  encoding: TextEncoding;
  delimiter: Delimiter;
  /** Batches of records in file order, the header being the first record; throws CsvFormatError. */
  batches: AsyncGenerator<CsvRow[]>;
}

const isBlank = (fields: string[]) => fields.every((field) => field.trim() === '');

function csvParser(delimiter: Delimiter, onRecord?: (fields: string[], line: number) => void): Parser {
  return new Parser({
    delimiter,
    relax_column_count: true,
    // Addresses like `вул. "Соборна"` come unquoted from some exports: take such quotes literally.
    relax_quotes: true,
    skip_empty_lines: true,
    ...(onRecord
      ? {
          on_record: (fields: string[], context: { lines: number }) => {
            onRecord(fields, context.lines);
            return null;
          },
        }
      : {}),
  });
}

/** Decoded text of a source, with the start held back until the header line is complete (to pick the delimiter). */
async function decodedText(source: BillingSource, encoding: TextEncoding) {
  const decoder = textDecoder(encoding);
  const chunks = byteChunks(source);
  let head = '';
  let exhausted = false;
  while (!/\S[^\r\n]*[\r\n]/.test(head)) {
    const next = await chunks.next();
    if (next.done) {
      head += decoder.end();
      exhausted = true;
      break;
    }
    head += decoder.write(next.value);
  }
  const delimiter = detectDelimiter(head.split(/[\r\n]/).find((line) => line.trim() !== '') ?? '');
  async function* texts(): AsyncGenerator<string> {
    try {
      yield head;
      if (exhausted) return;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield decoder.write(next.value);
      yield decoder.end();
    } finally {
      await chunks.return(undefined);
    }
  }
  return { delimiter, texts: texts() };
}

/**
 * Streams a CSV file in batches of about `batchSize` records, so memory stays bounded however big the file.
 * Records whose fields are all blank (the `;;;;` lines spreadsheets leave at the end) are skipped.
 */
export async function openCsv(source: BillingSource, batchSize: number): Promise<OpenedCsv> {
  const encoding = await detectEncoding(source);
  const { delimiter, texts } = await decodedText(source, encoding);

  async function* batches(): AsyncGenerator<CsvRow[]> {
    const parser = csvParser(delimiter);
    let failure: Error | undefined;
    parser.on('error', (error: Error) => {
      failure ??= error;
    });
    const fail = (error: Error): never => {
      throw new CsvFormatError((error as { lines?: number }).lines ?? parser.info.lines, error.message);
    };
    let ordinal = 0;
    let pending: CsvRow[] = [];
    // csv-parse parses synchronously inside write(): its records are ready to read() when write returns.
    const readAll = () => {
      for (let fields: string[] | null = parser.read(); fields !== null; fields = parser.read()) {
        if (!isBlank(fields)) pending.push({ ordinal: ordinal++, fields });
      }
    };
    // Records read before a broken spot are still checked, so the listing shows their problems too.
    const collect = function* (): Generator<CsvRow[]> {
      readAll();
      if (failure && pending.length > 0) {
        yield pending;
        pending = [];
      }
      if (failure) fail(failure);
    };
    const drain = function* (): Generator<CsvRow[]> {
      while (pending.length >= batchSize) {
        yield pending.slice(0, batchSize);
        pending = pending.slice(batchSize);
      }
    };
    for await (const text of texts) {
      parser.write(text);
      yield* collect();
      yield* drain();
    }
    parser.end();
    parser.on('readable', readAll);
    await finished(parser).catch((error: Error) => {
      failure ??= error;
    });
    yield* collect();
    if (pending.length > 0) yield pending;
  }

  return { encoding, delimiter, batches: batches() };
}

/** The line each of the given records ends on: a second, slower read, done only for files being rejected. */
export async function lineNumbers(source: BillingSource, ordinals: ReadonlySet<number>): Promise<Map<number, number>> {
  const lines = new Map<number, number>();
  if (ordinals.size === 0) return lines;
  const encoding = await detectEncoding(source);
  const { delimiter, texts } = await decodedText(source, encoding);
  let ordinal = 0;
  const parser = csvParser(delimiter, (fields, line) => {
    if (isBlank(fields)) return;
    if (ordinals.has(ordinal)) lines.set(ordinal, line);
    ordinal += 1;
  });
  parser.on('error', () => undefined);
  parser.resume();
  for await (const text of texts) {
    parser.write(text);
    if (lines.size === ordinals.size || parser.destroyed) break;
  }
  parser.end();
  await finished(parser).catch(() => undefined);
  return lines;
}

/** The header of a file without reading the rest: enough to know its kind, e.g. to import accounts first. */
export async function readHeaderLine(source: BillingSource): Promise<string> {
  let head = '';
  for await (const chunk of byteChunks(source)) {
    // Header names are ASCII, identical in UTF-8 and cp1251.
    head += Buffer.from(chunk).toString('latin1');
    if (/\S[^\r\n]*[\r\n]/.test(head) || head.length > 64 * 1024) break;
  }
  return head.replace(/^\u00ef\u00bb\u00bf/, '').split(/[\r\n]/).find((line) => line.trim() !== '') ?? '';
}
