import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { columnArrays, columnList, unnestColumns, type BillingTable, type CellValue, type Column } from './billing-tables.ts';

// Adding rows with no conflict handling at all, for the bulk path (a table that was empty, stripped of its keys
// for the load). On a real server the rows stream through one COPY FROM STDIN, PostgreSQL's fastest way in: a
// million payments take a quarter of the time an INSERT … SELECT FROM unnest() takes, as COPY fills heap pages
// in batches, and one COPY for the whole file keeps the server busy while the next rows are checked (a COPY per
// batch would wait for the server's go-ahead each time). The embedded database cannot take COPY FROM STDIN
// over its socket (the CopyData messages reach it one call too late and the connection breaks), so there the
// same rows go in as unnested arrays, one INSERT per batch.

export interface TableAppend<Row> {
  /** Sends rows; resolves once they are handed on (the server may still be writing them). */
  write(rows: readonly Row[]): Promise<void>;
  /** Resolves once every row sent is in the table. */
  end(): Promise<void>;
  /** Gives up on the rows, leaving the connection usable (for the rollback that follows). */
  abort(): Promise<void>;
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Text in COPY's text format: backslash escapes for what would end a value or a row. */
const copyString = (value: string) => (SPECIAL.test(value) ? value.replace(SPECIALS, (char) => ESCAPED[char]!) : value);

/**
 * Each column's values as COPY's text format writes them, `\N` for null. Only free text can hold a tab, a line
 * break or a backslash: numbers, checked dates and decimals are written as they are.
 */
function copyField(column: Column<never>): (value: CellValue) => string {
  if (column.type === 'text') return (value) => (value === null ? '\\N' : copyString(value as string));
  return (value) => (value === null ? '\\N' : String(value));
}

export function copyText<Row>(table: BillingTable<Row>, rows: readonly Row[]): string {
  const columns = table.columns.map((column) => ({ value: column.value, text: copyField(column) }));
  const lines: string[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r]!;
    let line = columns[0]!.text(columns[0]!.value(row));
    for (let i = 1; i < columns.length; i += 1) line += `\t${columns[i]!.text(columns[i]!.value(row))}`;
    lines[r] = line;
  }
  return rows.length === 0 ? '' : `${lines.join('\n')}\n`;
}

const PIECE_CHARS = 256 * 1024;

function copyAppend<Row>(client: ClientBase, table: BillingTable<Row>, rowsPerPiece: number): TableAppend<Row> {
  let copy: { stream: CopyStreamQuery; done: Promise<void> } | null = null;
  // Started with the first rows: until then the client stays free for the importer's other queries.
  const started = () => {
    if (!copy) {
      const stream = client.query(copyFrom(`COPY ${table.name} (${columnList(table)}) FROM STDIN`));
      const done = finished(stream);
      // Awaited in write() and end(); marked handled so a failure waits there instead of crashing the process.
      done.catch(() => undefined);
      copy = { stream, done };
    }
    return copy;
  };
  // Rows become text at once (the objects die young); the text is held back until there is a good piece of it,
  // as each piece costs two writes to the socket.
  let held: string[] = [];
  let heldLength = 0;
  let heldRows = 0;
  const send = async () => {
    const { stream, done } = started();
    const text = held.join('');
    held = [];
    heldLength = 0;
    heldRows = 0;
    if (!stream.write(text)) await Promise.race([once(stream, 'drain'), done]);
  };
  return {
    async write(rows) {
      const text = copyText(table, rows);
      held.push(text);
      heldLength += text.length;
      heldRows += rows.length;
      if (heldLength >= PIECE_CHARS || heldRows >= rowsPerPiece) await send();
    },
    async end() {
      if (heldLength > 0) await send();
      if (!copy) return;
      copy.stream.end();
      await copy.done;
    },
    async abort() {
      if (!copy) return;
      // Sends CopyFail: the server ends the COPY with an error, which is the point here.
      copy.stream.destroy(new Error('the import was abandoned'));
      await copy.done.catch(() => undefined);
    },
  };
}

function insertAppend<Row>(client: ClientBase, table: BillingTable<Row>): TableAppend<Row> {
  const sql = `INSERT INTO ${table.name} (${columnList(table)}) SELECT * FROM ${unnestColumns(table)}`;
  return {
    async write(rows) {
      await client.query(sql, columnArrays(table, rows));
    },
    end: async () => undefined,
    abort: async () => undefined,
  };
}

/** PGlite names itself in version(); a real server, whatever its build, does not. */
async function isEmbedded(client: ClientBase): Promise<boolean> {
  const result = await client.query<{ embedded: boolean }>(`SELECT version() LIKE '%PGlite%' AS embedded`);
  return result.rows[0]?.embedded ?? false;
}

/**
 * Rows go out at least every `rowsPerPiece` rows. Once rows are written, nothing else may use the client until
 * the append is ended or aborted.
 */
export async function openAppend<Row>(client: ClientBase, table: BillingTable<Row>, rowsPerPiece: number): Promise<TableAppend<Row>> {
  return (await isEmbedded(client)) ? insertAppend(client, table) : copyAppend(client, table, rowsPerPiece);
}
