import type { AnyKindSpec, Cells } from './file-kinds.ts';
import { UNSAFE_CHARACTER } from './read-csv.ts';

/** Which character of UNSAFE_CHARACTER a value holds, said so that an admin knows what to look for. */
export function unsafeCharacterIn(value: string): string | null {
  const found = UNSAFE_CHARACTER.exec(value)?.[0];
  if (found === undefined) return null;
  const code = `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (found === '\u0000') return 'a NUL byte (0x00), which no text can hold (is this a text file?)';
  if (found === '\t') return 'a tab';
  if (found >= '\ud800') return `half a character (a lone surrogate, ${code}), which no text can hold`;
  return `the control character ${code}`;
}

/** A bad record, named by its position until the rejection is written out with line numbers. */
export interface BadRecord {
  ordinal: number;
  reason: string;
  /** The earlier record this one repeats. */
  sameAs?: number;
}

/**
 * The bad records of a file: counted all, but only the first `max` of them (in file order) kept, whatever
 * order they are found in (a repeated key is found by the database, a batch or two after the lines after it).
 */
export class BadRecords {
  readonly listed: BadRecord[] = [];
  /** A broken CSV has its line from the parser, and nothing after it is read. */
  broken: { line: number; reason: string } | null = null;
  count = 0;
  constructor(private readonly max: number) {}
  add(ordinal: number, reason: string, sameAs?: number): void {
    this.count += 1;
    const listed = this.listed;
    if (listed.length === this.max && (this.max === 0 || listed[listed.length - 1]!.ordinal < ordinal)) return;
    let at = listed.length;
    while (at > 0 && listed[at - 1]!.ordinal > ordinal) at -= 1;
    listed.splice(at, 0, { ordinal, reason, ...(sameAs === undefined ? {} : { sameAs }) });
    if (listed.length > this.max) listed.pop();
  }
  addBroken(line: number, reason: string): void {
    this.count += 1;
    this.broken = { line, reason };
  }
}

export interface CheckOptions {
  /** Numbers and ids of the accounts in the database, for the kinds that refer to accounts. */
  accountIds: ReadonlyMap<string, number> | null;
}

/**
 * Turns the records of one file into rows: the column count, every value (all problems of a line at once),
 * and, for the kinds that refer to an account, that the account exists (repeated keys are the database's to
 * find, see KeyRegister). Bad records go to
 * `errors`; a good one comes back as the row to write (with its account's id for the referring kinds).
 */
export class RecordChecker {
  /** Data records checked so far, good or bad. */
  rows = 0;
  private fields: string[] = [];
  private readonly columns: ReadonlyMap<string, number>;
  // One reader of the record being checked, rather than a closure made for every record.
  private readonly cell: Cells = (column) => {
    const at = this.columns.get(column);
    return at === undefined ? '' : this.fields[at]!.trim();
  };
  private readonly names: readonly string[];
  private lastAccount = '';
  private lastAccountId: number | undefined;

  constructor(
    private readonly spec: AnyKindSpec,
    header: readonly string[],
    private readonly errors: BadRecords,
    private readonly options: CheckOptions,
  ) {
    this.columns = new Map(header.map((name, i) => [name, i]));
    this.names = header;
  }

  /** `mayHoldUnsafe`: the batch's text has a character no value may hold, so each value is looked at. */
  /** The natural key of a row check() returned. */
  readonly keyOf = (row: unknown): readonly [string, string] => {
    const key = this.spec.key as (row: unknown) => [string, string];
    return this.options.accountIds ? key((row as { row: unknown }).row) : key(row);
  };

  check(fields: string[], ordinal: number, mayHoldUnsafe = false): unknown | null {
    this.rows += 1;
    const width = this.columns.size;
    if (fields.length !== width) {
      this.errors.add(ordinal, `has ${fields.length} columns where the header has ${width} (check the delimiter and quotes)`);
      return null;
    }
    if (mayHoldUnsafe && this.holdsUnsafe(fields, ordinal)) return null;
    this.fields = fields;
    const parsed = this.spec.parse(this.cell);
    if (Array.isArray(parsed)) {
      this.errors.add(ordinal, parsed.join('; '));
      return null;
    }
    const { accountIds } = this.options;
    if (!accountIds) return parsed;
    const account = (parsed as { account: string }).account;
    // Files come grouped by account: a run of lines of one account looks it up once.
    if (account !== this.lastAccount) {
      this.lastAccount = account;
      this.lastAccountId = accountIds.get(account);
    }
    const accountId = this.lastAccountId;
    if (accountId !== undefined) return { row: parsed, accountId };
    this.errors.add(ordinal, `account ${account} is not in the database (import its accounts file first)`);
    return null;
  }

  private holdsUnsafe(fields: string[], ordinal: number): boolean {
    const problems: string[] = [];
    fields.forEach((value, i) => {
      const character = unsafeCharacterIn(value.trim());
      if (character) problems.push(`${this.names[i]} has ${character}`);
    });
    if (problems.length === 0) return false;
    this.errors.add(ordinal, problems.join('; '));
    return true;
  }
}
