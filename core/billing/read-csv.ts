import { StringDecoder } from 'node:string_decoder';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { byteChunks, type BillingSource } from './billing-source.ts';
import { inspectEncoding, UnreadableEncoding, type TextEncoding } from './file-encoding.ts';

export { sourceName, type BillingSource } from './billing-source.ts';
export type { TextEncoding } from './file-encoding.ts';
export type Delimiter = ';' | ',';
type Newline = '\n' | '\r\n' | '\r';

/**
 * Consecutive non-blank records of a file. A record is named by its ordinal, its position among the file's
 * non-blank records (0 being the header): line numbers are worked out only for the records an error names
 * (see lineNumbers), as tracking them for every record slows the parser down.
 */
export interface CsvBatch {
  /** The ordinal of records[0]; the others follow on. */
  firstOrdinal: number;
  records: string[][];
  /**
   * Whether the text these records came from has a character no value may hold (see UNSAFE_CHARACTER): then
   * each value is checked for one. Looked for in the text as it is read, a fraction of checking every value.
   */
  mayHoldUnsafe: boolean;
}

/** The file's bytes are not CSV (a quote that is never closed, a line too long): nothing after `line` can be read. */
export class CsvFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/**
 * No line of a billing export comes near this: a record still open after it is a quote that never closes or
 * a file that is not a billing export, and reading on would hold the rest of the file in memory and re-parse
 * it with every chunk.
 */
export const MAX_RECORD_CHARS = 1024 * 1024;

/**
 * Characters no value may hold: NUL (PostgreSQL cannot store it in text), the other control characters (a
 * tab included; line breaks are left to quoting), and half a character (a lone UTF-16 surrogate: PostgreSQL
 * and the messengers refuse it). With the `u` flag a whole surrogate pair is one character and does not match.
 */
export const UNSAFE_CHARACTER = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff]/u;

/** The encoding to read the file in; throws UnreadableEncoding for one that no encoding reads right. */
export async function detectEncoding(source: BillingSource): Promise<TextEncoding> {
  const verdict = await inspectEncoding(source);
  if (verdict.kind !== 'readable') throw new UnreadableEncoding(verdict);
  return verdict.encoding;
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
  // Node's StringDecoder rather than TextDecoder: it decodes a payments file five times faster. It keeps a
  // leading BOM, which is dropped here so the first header name reads clean.
  const decoder = new StringDecoder('utf8');
  let first = true;
  return {
    write(bytes) {
      const text = decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (!first || text === '') return text;
      first = false;
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    },
    end: () => decoder.end(),
  };
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
  batches: AsyncGenerator<CsvBatch>;
}

const isBlank = (fields: string[]) => fields.every((field) => field.trim() === '');

/**
 * The line break ending the first non-blank line, once that line is complete; null until then. (A lone '\r'
 * at the end of what has been read so far may be the first half of '\r\n': wait for the next character.)
 * One walk over the text: a pattern looking for a non-blank line would try every start, and a megabyte with
 * no line break would take it hours.
 */
function headerLineBreak(head: string): Newline | null {
  const lineBreaks = /\r\n|\n|\r/g;
  let from = 0;
  for (let found = lineBreaks.exec(head); found; found = lineBreaks.exec(head)) {
    if (head.slice(from, found.index).trim() !== '') {
      return found[0] === '\r' && found.index === head.length - 1 ? null : (found[0] as Newline);
    }
    from = lineBreaks.lastIndex;
  }
  return null;
}

const tooLong = (line: number) =>
  new CsvFormatError(line, `line ${line} is longer than ${MAX_RECORD_CHARS / 1024 / 1024} MiB (${MAX_RECORD_CHARS.toLocaleString('en')} characters) — not a billing export?`);

/**
 * Decoded text of a source, with the start held back until the header line is complete: its delimiter and
 * line break are the file's.
 */
async function decodedText(source: BillingSource, encoding: TextEncoding) {
  const decoder = textDecoder(encoding);
  const chunks = byteChunks(source);
  let head = '';
  let exhausted = false;
  let newline = headerLineBreak(head);
  while (newline === null) {
    if (head.length > MAX_RECORD_CHARS) {
      await chunks.return(undefined);
      throw tooLong(1);
    }
    const next = await chunks.next();
    if (next.done) {
      head += decoder.end();
      exhausted = true;
      break;
    }
    head += decoder.write(next.value);
    newline = headerLineBreak(head);
  }
  newline ??= head.endsWith('\r') ? '\r' : '\n';
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
  return { delimiter, newline, texts: texts() };
}

function occurrences(text: string, needle: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf(needle, from); at !== -1 && at < to; at = text.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

interface ParsedPiece {
  records: string[][];
  /** With `withLines`: the line each record ends on. */
  endLines: number[];
  /** Records after the broken spot are left out; the ones before it are still worth checking. */
  failure?: CsvFormatError;
}

const quoteProblem: Record<string, string> = {
  MissingQuotes: 'a quote opened on this line is never closed',
  InvalidQuotes: 'a quoted value goes on after its closing quote',
};

/**
 * Feeds papaparse's parser with text as it is read: each piece is parsed up to its last complete record and
 * the rest carried into the next one, as papaparse's own streamers do; driving it from here lets parsing wait
 * while the database catches up. Quotes inside an unquoted value (`вул. "Соборна"`) are taken literally.
 */
class RecordReader {
  private carry = '';
  /** Line breaks in the text consumed so far, so a broken spot can be named by its line. */
  private lines = 0;

  constructor(
    private readonly delimiter: Delimiter,
    private readonly newline: Newline,
    private readonly withLines: boolean,
  ) {}

  read(text: string, last: boolean): ParsedPiece {
    const input = this.carry + text;
    const startLines = this.lines;
    const endLines: number[] = [];
    let counted = 0;
    const countTo = (to: number) => {
      this.lines += occurrences(input, this.newline, counted, to);
      counted = to;
    };
    const stepped: string[][] = [];
    const steppedErrors: Papa.ParseError[] = [];
    const parser = new Papa.Parser({
      delimiter: this.delimiter,
      newline: this.newline,
      ...(this.withLines
        ? {
            step: (result: Papa.ParseStepResult<string[]>) => {
              const fields = (result.data as unknown as string[][])[0]!;
              const errors = result.errors;
              if (errors.length > 0) steppedErrors.push(...errors.map((error) => ({ ...error, row: stepped.length })));
              stepped.push(fields);
              const end = result.meta.cursor;
              countTo(input.endsWith(this.newline, end) ? end - this.newline.length : end);
              endLines.push(this.lines + 1);
            },
          }
        : {}),
    });
    const result = parser.parse(input, 0, !last) as Papa.ParseResult<string[]>;
    const records = this.withLines ? stepped : result.data;
    // A problem in the record carried over is found again, and judged, once the record is complete. (When
    // stepping, every record handed over is complete, and what parse() returns is only the carried one's.)
    const errors = this.withLines ? steppedErrors : result.errors.filter((error) => last || (error.row ?? 0) < records.length);
    const cut = last ? input.length : result.meta.cursor;
    this.carry = input.slice(cut);

    const problem = errors[0];
    if (problem) {
      const line = startLines + occurrences(input, this.newline, 0, problem.index ?? 0) + 1;
      const message = quoteProblem[problem.code] ?? problem.message;
      return { records: records.slice(0, problem.row ?? 0), endLines, failure: new CsvFormatError(line, message) };
    }
    countTo(cut);
    if (this.carry.length > MAX_RECORD_CHARS) {
      // A quoted value may hold line breaks: a record that runs over several lines has a quote that never
      // closes; one that has no line break at all is just a very long line.
      const failure = this.carry.includes(this.newline)
        ? new CsvFormatError(this.lines + 1, `a record runs on past ${MAX_RECORD_CHARS / 1024} KiB: a quote opened here is never closed`)
        : tooLong(this.lines + 1);
      return { records, endLines, failure };
    }
    return { records, endLines };
  }
}

/**
 * Streams a CSV file in batches of about `batchSize` records, so memory stays bounded however big the file.
 * Records whose fields are all blank (the `;;;;` lines spreadsheets leave at the end) are skipped.
 */
export async function openCsv(source: BillingSource, batchSize: number): Promise<OpenedCsv> {
  const encoding = await detectEncoding(source);
  const { delimiter, newline, texts } = await decodedText(source, encoding);

  async function* batches(): AsyncGenerator<CsvBatch> {
    const reader = new RecordReader(delimiter, newline, false);
    let firstOrdinal = 0;
    // Once seen, for the rest of the file: the records read before it are the only ones known to be clean,
    // and those still pending are checked along with the rest, which does no harm.
    let mayHoldUnsafe = false;
    let pending: string[][] = [];
    const take = (piece: ParsedPiece) => {
      for (const fields of piece.records) if (!isBlank(fields)) pending.push(fields);
    };
    const drain = function* (all: boolean): Generator<CsvBatch> {
      while (pending.length >= batchSize || (all && pending.length > 0)) {
        const records = pending.length <= batchSize ? pending : pending.slice(0, batchSize);
        pending = records === pending ? [] : pending.slice(batchSize);
        yield { firstOrdinal, records, mayHoldUnsafe };
        firstOrdinal += records.length;
      }
    };
    const pieces = async function* () {
      for await (const text of texts) {
        if (!mayHoldUnsafe && UNSAFE_CHARACTER.test(text)) mayHoldUnsafe = true;
        yield reader.read(text, false);
      }
      yield reader.read('', true);
    };
    for await (const piece of pieces()) {
      take(piece);
      if (piece.failure) {
        // Records read before a broken spot are still checked, so the listing shows their problems too.
        yield* drain(true);
        throw piece.failure;
      }
      yield* drain(false);
    }
    yield* drain(true);
  }

  return { encoding, delimiter, batches: batches() };
}

/** The line each of the given records ends on: a second, slower read, done only for files being rejected. */
export async function lineNumbers(source: BillingSource, ordinals: ReadonlySet<number>): Promise<Map<number, number>> {
  const lines = new Map<number, number>();
  if (ordinals.size === 0) return lines;
  const encoding = await detectEncoding(source);
  const { delimiter, newline, texts } = await decodedText(source, encoding);
  const reader = new RecordReader(delimiter, newline, true);
  let ordinal = 0;
  const note = (piece: ParsedPiece) => {
    piece.records.forEach((fields, i) => {
      if (isBlank(fields)) return;
      if (ordinals.has(ordinal)) lines.set(ordinal, piece.endLines[i]!);
      ordinal += 1;
    });
    return lines.size === ordinals.size || piece.failure !== undefined;
  };
  for await (const text of texts) {
    if (note(reader.read(text, false))) return lines;
  }
  note(reader.read('', true));
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
