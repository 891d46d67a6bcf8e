import type { Database } from '../../models/database.ts';
import { detectDelimiter, readHeaderLine, sourceName, type BillingSource } from './read-csv.ts';
import { kindOfHeader, kindSpecs } from './file-kinds.ts';
import { importBillingFile, type ImportOptions, type ImportOutcome } from './import-file.ts';

export interface FileImport {
  /** The path or name the file was given by. */
  name: string;
  outcome: ImportOutcome;
}

/** Files we cannot read or recognise go last: they are rejected anyway and must not hold up the others. */
async function importRank(source: BillingSource): Promise<number> {
  try {
    const header = await readHeaderLine(source);
    const spec = kindOfHeader(header.split(detectDelimiter(header)));
    return spec ? kindSpecs.indexOf(spec) : kindSpecs.length;
  } catch {
    return kindSpecs.length;
  }
}

/**
 * A failure nobody foresaw (the database refusing something the checks let through) rejects its file, not
 * the command: the file's transaction is rolled back, and the files after it still go in. Only the error's
 * message and SQLSTATE are kept: PostgreSQL's detail quotes the row's values.
 */
async function importOnItsOwn(db: Database, source: BillingSource, options: ImportOptions): Promise<ImportOutcome> {
  try {
    return await importBillingFile(db, source, options);
  } catch (error) {
    const { message, code } = error as { message?: string; code?: string };
    const reason = `the import failed and was rolled back: ${message ?? String(error)}${code ? ` (SQLSTATE ${code})` : ''}`;
    return { kind: 'rejected', errors: [{ line: 0, reason }], moreErrors: 0 };
  }
}

/**
 * Imports several exports in the order they depend on each other (accounts, meters, charges, payments),
 * each file in its own transaction: a rejected file is not written, the others are. So a payments file
 * naming an account that only a rejected accounts file brings is rejected too, and says so.
 */
export async function importBillingFiles(db: Database, sources: BillingSource[], options: ImportOptions = {}): Promise<FileImport[]> {
  const ranked = await Promise.all(sources.map(async (source, order) => ({ source, order, rank: await importRank(source) })));
  ranked.sort((a, b) => a.rank - b.rank || a.order - b.order);
  const results: FileImport[] = [];
  for (const { source } of ranked) {
    results.push({ name: sourceName(source), outcome: await importOnItsOwn(db, source, options) });
  }
  return results;
}
