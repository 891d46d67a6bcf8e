import type { ClientBase } from 'pg';

/** A checked row and the record it came from. */
export interface CheckedRow {
  row: unknown;
  ordinal: number;
}

/** A row's natural key as (account, rest), see KindSpec.key. */
export type KeyOf = (row: unknown) => readonly [string, string];

/** A record whose key an earlier record of the file already had. */
export interface Repeat {
  ordinal: number;
  first: number;
}

/**
 * The natural keys of one file's rows, kept in a temporary table of the import's transaction rather than in
 * memory: a file of ten million rows costs the database a table of ten million keys (spilled to disk as it
 * grows), and the importer nothing. Each batch of keys goes in with one statement; a key already there (from
 * an earlier batch, or earlier in the same one: the first of them goes in) is a repeat.
 */
export class KeyRegister {
  private created = false;

  constructor(
    private readonly client: ClientBase,
    private readonly keyOf: KeyOf,
  ) {}

  async register(records: readonly CheckedRow[]): Promise<Repeat[]> {
    if (records.length === 0) return [];
    if (!this.created) {
      // Dropped with the transaction whichever way it ends, so the next import on this connection starts clean.
      await this.client.query(
        'CREATE TEMPORARY TABLE billing_import_keys (outer_key text, inner_key text, ordinal int NOT NULL, PRIMARY KEY (outer_key, inner_key)) ON COMMIT DROP',
      );
      this.created = true;
    }
    const outer: string[] = new Array(records.length);
    const inner: string[] = new Array(records.length);
    const ordinals: number[] = new Array(records.length);
    records.forEach((record, i) => {
      [outer[i], inner[i]] = this.keyOf(record.row);
      ordinals[i] = record.ordinal;
    });
    const added = await this.client.query<{ added: number }>(
      `WITH added AS (
         INSERT INTO billing_import_keys SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*)::int AS added FROM added`,
      [outer, inner, ordinals],
    );
    if (added.rows[0]!.added === records.length) return [];
    const repeats = await this.client.query<Repeat>(
      `SELECT new.ordinal, k.ordinal AS first
         FROM unnest($1::text[], $2::text[], $3::int[]) AS new (outer_key, inner_key, ordinal)
         JOIN billing_import_keys k USING (outer_key, inner_key)
        WHERE k.ordinal <> new.ordinal
        ORDER BY new.ordinal`,
      [outer, inner, ordinals],
    );
    return repeats.rows;
  }
}
