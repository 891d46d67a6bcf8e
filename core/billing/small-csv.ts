import { describeEncodingProblem } from './encoding-problems.ts';
import { UnreadableEncoding } from './file-encoding.ts';
import type { BadLine } from './import-file.ts';
import { CsvFormatError, lineNumbers, openCsv, type BillingSource } from './read-csv.ts';
import { unsafeCharacterIn } from './record-checker.ts';

/** A data record of a small file, with the line it ends on and its values by (lower-case) column name. */
export interface SmallCsvRecord {
  line: number;
  cell(column: string): string;
}

export type SmallCsv =
  | { kind: 'read'; header: string[]; records: SmallCsvRecord[] }
  | { kind: 'unreadable'; errors: BadLine[]; moreErrors: number };

const RECORDS_PER_READ = 1000;
/** Small files (outages, street aliases) are read whole: a file bigger than this is not one of them. */
export const SMALL_CSV_MAX_RECORDS = 100_000;

/**
 * Reads a small CSV file (outages, street aliases) whole, with the billing files' reader: the same encodings,
 * delimiters and quoting, the same refusal of control characters. Line numbers come with every record, for the
 * listing of bad lines.
 */
export async function readSmallCsv(source: BillingSource, maxErrors = 100): Promise<SmallCsv> {
  const rows: { ordinal: number; fields: string[] }[] = [];
  const errors: BadLine[] = [];
  try {
    const csv = await openCsv(source, RECORDS_PER_READ);
    for await (const { firstOrdinal, records } of csv.batches) {
      records.forEach((fields, i) => rows.push({ ordinal: firstOrdinal + i, fields }));
      if (rows.length > SMALL_CSV_MAX_RECORDS) {
        return { kind: 'unreadable', errors: [{ line: 0, reason: `the file has more than ${SMALL_CSV_MAX_RECORDS} lines` }], moreErrors: 0 };
      }
    }
  } catch (error) {
    if (error instanceof UnreadableEncoding) return { kind: 'unreadable', ...describeEncodingProblem(error.verdict, maxErrors) };
    if (error instanceof CsvFormatError) return { kind: 'unreadable', errors: [{ line: error.line, reason: `the CSV cannot be read: ${error.message}` }], moreErrors: 0 };
    const code = (error as NodeJS.ErrnoException).code;
    if (!code) throw error;
    return { kind: 'unreadable', errors: [{ line: 0, reason: `cannot read the file (${code})` }], moreErrors: 0 };
  }
  if (rows.length === 0) return { kind: 'unreadable', errors: [{ line: 1, reason: 'the file is empty (expected a header line and rows)' }], moreErrors: 0 };
  const lines = await lineNumbers(source, new Set(rows.map((row) => row.ordinal)));
  const header = rows[0]!.fields.map((name) => name.trim().toLowerCase());
  const records: SmallCsvRecord[] = [];
  for (const row of rows.slice(1)) {
    const line = lines.get(row.ordinal) ?? 0;
    const unsafe = row.fields.map((value) => unsafeCharacterIn(value)).find((found) => found !== null);
    if (unsafe) {
      errors.push({ line, reason: `the line has ${unsafe}` });
      continue;
    }
    if (row.fields.length !== header.length) {
      errors.push({ line, reason: `the line has ${row.fields.length} values, the header ${header.length}` });
      continue;
    }
    records.push({ line, cell: (column) => (row.fields[header.indexOf(column)] ?? '').trim() });
  }
  if (errors.length > 0) return { kind: 'unreadable', errors: errors.slice(0, maxErrors), moreErrors: Math.max(0, errors.length - maxErrors) };
  return { kind: 'read', header, records };
}
