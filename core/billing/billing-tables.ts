import type { AccountRow, BillingFileKind, ChargeRow, MeterRow, PaymentRow } from './file-kinds.ts';

// Which column of its table each value of a checked row goes to: shared by the upserts of the incremental
// path and by the plain appends of the bulk path.

/** A row plus the id of its account, looked up by the importer. */
export type Resolved<Row> = { row: Row; accountId: number };

export type CellValue = string | number | null;

export interface Column<Row> {
  name: string;
  /** The SQL type an array of these values is cast to. */
  type: 'text' | 'int' | 'date' | 'numeric';
  value(row: Row): CellValue;
}

export interface BillingTable<Row> {
  name: BillingFileKind;
  columns: readonly Column<Row>[];
}

// A file without the phone column reads every phone as null; the upsert then leaves stored phones alone.
export const accountsTable: BillingTable<AccountRow> = {
  name: 'accounts',
  columns: [
    { name: 'number', type: 'text', value: (r) => r.number },
    { name: 'surname', type: 'text', value: (r) => r.surname },
    { name: 'given_names', type: 'text', value: (r) => r.givenNames },
    { name: 'address', type: 'text', value: (r) => r.address },
    { name: 'balance_kop', type: 'int', value: (r) => r.balanceKop },
    { name: 'phone', type: 'text', value: (r) => r.phone },
    { name: 'street', type: 'text', value: (r) => r.parts.street },
    { name: 'house', type: 'text', value: (r) => r.parts.house },
    { name: 'flat', type: 'text', value: (r) => r.parts.flat },
    { name: 'street_norm', type: 'text', value: (r) => r.parts.streetNorm },
    { name: 'house_key', type: 'text', value: (r) => r.parts.houseKey },
  ],
};

export const metersTable: BillingTable<Resolved<MeterRow>> = {
  name: 'meters',
  columns: [
    { name: 'account_id', type: 'int', value: (r) => r.accountId },
    { name: 'serial', type: 'text', value: (r) => r.row.serial },
    { name: 'service', type: 'text', value: (r) => r.row.service },
    { name: 'place', type: 'text', value: (r) => r.row.place },
    { name: 'last_reading', type: 'int', value: (r) => r.row.lastReading },
    { name: 'last_reading_date', type: 'date', value: (r) => r.row.lastReadingDate },
    { name: 'verification_due', type: 'date', value: (r) => r.row.verificationDue },
    { name: 'digits', type: 'int', value: (r) => r.row.digits },
  ],
};

export const paymentsTable: BillingTable<Resolved<PaymentRow>> = {
  name: 'payments',
  columns: [
    { name: 'account_id', type: 'int', value: (r) => r.accountId },
    { name: 'paid_on', type: 'date', value: (r) => r.row.paidOn },
    { name: 'amount_kop', type: 'int', value: (r) => r.row.amountKop },
  ],
};

export const chargesTable: BillingTable<Resolved<ChargeRow>> = {
  name: 'charges',
  columns: [
    { name: 'account_id', type: 'int', value: (r) => r.accountId },
    { name: 'period', type: 'date', value: (r) => r.row.period },
    { name: 'service', type: 'text', value: (r) => r.row.service },
    { name: 'volume_m3', type: 'numeric', value: (r) => r.row.volumeM3 },
    { name: 'amount_kop', type: 'int', value: (r) => r.row.amountKop },
  ],
};

/** Each kind of file fills the table of its name. */
export const tableOf = {
  accounts: accountsTable,
  meters: metersTable,
  payments: paymentsTable,
  charges: chargesTable,
} satisfies Record<BillingFileKind, unknown>;

export const columnList = <Row>(table: BillingTable<Row>) => table.columns.map((c) => c.name).join(', ');

/** `unnest($1::text[], $2::int[], …)`: one array parameter per column, see columnArrays. */
export const unnestColumns = <Row>(table: BillingTable<Row>) => `unnest(${table.columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})`;

export function columnArrays<Row>(table: BillingTable<Row>, rows: readonly Row[]): CellValue[][] {
  return table.columns.map((column) => rows.map((row) => column.value(row)));
}
