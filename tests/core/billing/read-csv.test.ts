import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { CsvFormatError, detectEncoding, lineNumbers, openCsv, type BillingSource } from '../../../core/billing/read-csv.ts';

// The reader on its own: files bigger than one read, line breaks of every kind, and broken quotes.

const source = (text: string | Buffer): BillingSource => ({ buffer: typeof text === 'string' ? Buffer.from(text) : text, name: 'test.csv' });

async function readAll(from: BillingSource, batchSize = 1000): Promise<{ records: string[][]; failure?: CsvFormatError }> {
  const { batches } = await openCsv(from, batchSize);
  const records: string[][] = [];
  try {
    for await (const batch of batches) {
      expect(batch.firstOrdinal).toBe(records.length);
      records.push(...batch.records);
    }
  } catch (error) {
    if (!(error instanceof CsvFormatError)) throw error;
    return { records, failure: error };
  }
  return { records };
}

describe('reading records', () => {
  it('reads a file many chunks long record by record, quotes and all', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `${i};"вул. ""Соборна"";\n${i}";вул. "Центральна" ${i}`);
    const { records, failure } = await readAll(source(`a;b;c\n${lines.join('\n')}\n`), 700);
    expect(failure).toBeUndefined();
    expect(records).toHaveLength(20_001);
    expect(records[12_345]).toEqual(['12344', `вул. "Соборна";\n12344`, 'вул. "Центральна" 12344']);
  });

  it('skips blank records without counting them, and names records by the line they end on', async () => {
    const text = 'a;b\r\n1;"two\r\nlines"\r\n;\r\n\r\n3;x\r\n  ;  \r\n4;y';
    const { records } = await readAll(source(text));
    expect(records).toEqual([['a', 'b'], ['1', 'two\r\nlines'], ['3', 'x'], ['4', 'y']]);
    expect(await lineNumbers(source(text), new Set([0, 1, 2, 3]))).toEqual(new Map([[0, 1], [1, 3], [2, 6], [3, 8]]));
  });

  it('works out line numbers past many chunks, for files with old Mac line breaks too', async () => {
    const text = ['a;b', ...Array.from({ length: 30_000 }, (_, i) => `${i};${i}`)].join('\r');
    expect(await lineNumbers(source(text), new Set([1, 29_999]))).toEqual(new Map([[1, 2], [29_999, 30_000]]));
  });
});

describe('reading a file from disk', () => {
  it('drops the BOM and keeps every letter whole, read a megabyte at a time and parsed in pieces', async () => {
    // Lines of odd byte lengths put two-byte letters across the 64 KiB pieces and the 1 MiB reads alike.
    const lines = Array.from({ length: 100_000 }, (_, i) => `${i};Ґудзь-${'ї'.repeat(i % 7)}`);
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`account;surname\n${lines.join('\n')}\n`)]);
    expect(bytes.length).toBeGreaterThan(2 * 1024 * 1024);
    const folder = await mkdtemp(path.join(tmpdir(), 'read-csv-'));
    try {
      const file = path.join(folder, 'accounts.csv');
      await writeFile(file, bytes);
      const { records, failure } = await readAll({ path: file });
      expect(failure).toBeUndefined();
      expect(records[0]).toEqual(['account', 'surname']);
      expect(records.slice(1)).toEqual(lines.map((line) => line.split(';')));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('broken quotes', () => {
  it('stops at a quote that is never closed, naming its line, after handing on the records before it', async () => {
    const { records, failure } = await readAll(source('a;b\n1;2\n3;"4\n5;6\n'));
    expect(records).toEqual([['a', 'b'], ['1', '2']]);
    expect(failure).toMatchObject({ line: 3, message: expect.stringMatching(/quote/) });
  });

  it('gives up on an unclosed quote early in a big file instead of holding the rest of it', async () => {
    const rest = Array.from({ length: 100_000 }, (_, i) => `${i};${i}`).join('\n');
    const { records, failure } = await readAll(source(`a;b\n1;2\n3;"4\n${rest}\n`));
    expect(records).toEqual([['a', 'b'], ['1', '2']]);
    expect(failure).toMatchObject({ line: 3, message: expect.stringMatching(/quote/) });
  });

  it('refuses a quoted value that goes on after its closing quote', async () => {
    const { records, failure } = await readAll(source('a;b\n1;2\n3;"4" and more;5\n6;7\n'));
    expect(records).toEqual([['a', 'b'], ['1', '2']]);
    expect(failure).toMatchObject({ line: 3, message: expect.stringMatching(/quote/) });
  });
});

describe('detecting the encoding', () => {
  it('keeps UTF-8 whose letter is split between two reads', async () => {
    // 'ї' takes two bytes; the first read ends between them.
    const text = Buffer.from(`${'a'.repeat(1024 * 1024 - 1)}ї\n`);
    expect(text[1024 * 1024 - 1]).toBe(0xd1);
    expect(await detectEncoding(source(text))).toBe('utf-8');
  });

  it('takes Windows-1251 Cyrillic for what it is, wherever it starts', async () => {
    expect(await detectEncoding(source(Buffer.concat([Buffer.from('1'.repeat(3 * 1024 * 1024)), iconv.encode('Ґудзь', 'win1251')])))).toBe('windows-1251');
    // A file cut in the middle of a UTF-8 letter is not UTF-8.
    expect(await detectEncoding(source(Buffer.from('Ґудзь').subarray(0, 3)))).toBe('windows-1251');
  });
});
