import type { AnyKindSpec, Cells } from './file-kinds.ts';

/** A bad record, named by its position until the rejection is written out with line numbers. */
export interface BadRecord {
  ordinal: number;
  reason: string;
  /** The earlier record this one repeats. */
  sameAs?: number;
}

export class BadRecords {
  readonly listed: BadRecord[] = [];
  /** A broken CSV has its line from the parser, and nothing after it is read. */
  broken: { line: number; reason: string } | null = null;
  count = 0;
  constructor(private readonly max: number) {}
  add(ordinal: number, reason: string, sameAs?: number): void {
    this.count += 1;
    if (this.listed.length < this.max) this.listed.push({ ordinal, reason, ...(sameAs === undefined ? {} : { sameAs }) });
  }
  addBroken(line: number, reason: string): void {
    this.count += 1;
    this.broken = { line, reason };
  }
}

export interface CheckOptions {
  /** Numbers and ids of the accounts in the database, for the kinds that refer to accounts. */
  accountIds: ReadonlyMap<string, number> | null;
  /**
   * Whether a second line with the same natural key is caught here. The bulk path leaves that to the unique
   * indexes it builds (a map of a million keys costs as much as the rest of the checks together).
   */
  findRepeats: boolean;
}

/**
 * Turns the records of one file into rows: the column count, every value (all problems of a line at once),
 * repeated keys, and, for the kinds that refer to an account, that the account exists. Bad records go to
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
  private readonly seen = new Map<string, Map<string, number>>();
  private lastAccount = '';
  private lastAccountId: number | undefined;

  constructor(
    private readonly spec: AnyKindSpec,
    header: readonly string[],
    private readonly errors: BadRecords,
    private readonly options: CheckOptions,
  ) {
    this.columns = new Map(header.map((name, i) => [name, i]));
  }

  check(fields: string[], ordinal: number): unknown | null {
    this.rows += 1;
    const width = this.columns.size;
    if (fields.length !== width) {
      this.errors.add(ordinal, `has ${fields.length} columns where the header has ${width} (check the delimiter and quotes)`);
      return null;
    }
    this.fields = fields;
    const parsed = this.spec.parse(this.cell);
    if (Array.isArray(parsed)) {
      this.errors.add(ordinal, parsed.join('; '));
      return null;
    }
    if (this.options.findRepeats && this.repeats(parsed, ordinal)) return null;
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

  private repeats(row: unknown, ordinal: number): boolean {
    const [outer, inner] = (this.spec.key as (row: unknown) => [string, string])(row);
    let keys = this.seen.get(outer);
    if (!keys) this.seen.set(outer, (keys = new Map()));
    const first = keys.get(inner);
    if (first === undefined) {
      keys.set(inner, ordinal);
      return false;
    }
    this.errors.add(ordinal, `repeats the ${this.spec.keyDescription}`, first);
    return true;
  }
}
