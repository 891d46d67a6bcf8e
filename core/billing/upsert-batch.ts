import type { ClientBase } from 'pg';
import {
  accountsTable,
  chargesTable,
  columnArrays,
  columnList,
  metersTable,
  paymentsTable,
  unnestColumns,
  type Resolved,
} from './billing-tables.ts';
import type { AccountRow, ChargeRow, MeterRow, PaymentRow } from './file-kinds.ts';

// The incremental path, for a table that already has rows. One statement per batch of ~10k rows: the rows
// travel as one array per column and are unnested on the server, upserted on the natural key, and a row whose
// values are all the same is left alone (so re-importing a file changes nothing, not even updated_at). The
// counts come back instead of the rows.

export interface BatchCounts {
  inserted: number;
  updated: number;
}

const counted = (insert: string) => `
  WITH merged AS (${insert} RETURNING (xmax = 0) AS inserted)
  SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM merged`;

async function run(client: ClientBase, sql: string, params: unknown[]): Promise<BatchCounts> {
  const result = await client.query<BatchCounts>(sql, params);
  return result.rows[0] ?? { inserted: 0, updated: 0 };
}

const accountsSql = (withPhone: boolean) => {
  const columns = ['surname', 'given_names', 'address', 'balance_kop', 'street', 'house', 'flat', 'street_norm', 'house_key', ...(withPhone ? ['phone'] : [])];
  return counted(`
    INSERT INTO accounts AS a (${columnList(accountsTable)})
    SELECT * FROM ${unnestColumns(accountsTable)}
    ON CONFLICT (number) DO UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
    WHERE (${columns.map((c) => `a.${c}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `EXCLUDED.${c}`).join(', ')})`);
};
const accountsWithPhone = accountsSql(true);
// A file without the phone column says nothing about phones: the ones already known are kept.
const accountsWithoutPhone = accountsSql(false);

export function upsertAccounts(client: ClientBase, rows: AccountRow[], options: { withPhone: boolean }): Promise<BatchCounts> {
  return run(client, options.withPhone ? accountsWithPhone : accountsWithoutPhone, columnArrays(accountsTable, rows));
}

const metersSql = counted(`
  INSERT INTO meters AS m (${columnList(metersTable)})
  SELECT * FROM ${unnestColumns(metersTable)}
  ON CONFLICT (account_id, serial) DO UPDATE SET service = EXCLUDED.service, place = EXCLUDED.place,
    last_reading = EXCLUDED.last_reading, last_reading_date = EXCLUDED.last_reading_date,
    verification_due = EXCLUDED.verification_due, digits = EXCLUDED.digits
  WHERE (m.service, m.place, m.last_reading, m.last_reading_date, m.verification_due, m.digits)
    IS DISTINCT FROM (EXCLUDED.service, EXCLUDED.place, EXCLUDED.last_reading, EXCLUDED.last_reading_date, EXCLUDED.verification_due, EXCLUDED.digits)`);

export function upsertMeters(client: ClientBase, rows: Resolved<MeterRow>[]): Promise<BatchCounts> {
  return run(client, metersSql, columnArrays(metersTable, rows));
}

// Every column of a payment is its key: a payment is either there or not, and the row count says which.
// Payments already stored are skipped by an anti-join, cheaper than ON CONFLICT finding each of them (the
// payments import of a year again: 2.5 s instead of 3.1 s); ON CONFLICT stays for a payment another
// transaction adds meanwhile.
const paymentsSql = `
  INSERT INTO payments (${columnList(paymentsTable)})
  SELECT * FROM ${unnestColumns(paymentsTable)} AS new (account_id, paid_on, amount_kop)
  WHERE NOT EXISTS (
    SELECT FROM payments p WHERE p.account_id = new.account_id AND p.paid_on = new.paid_on AND p.amount_kop = new.amount_kop)
  ON CONFLICT (account_id, paid_on, amount_kop) DO NOTHING`;

export async function insertPayments(client: ClientBase, rows: Resolved<PaymentRow>[]): Promise<BatchCounts> {
  const result = await client.query(paymentsSql, columnArrays(paymentsTable, rows));
  return { inserted: result.rowCount ?? 0, updated: 0 };
}

const chargesSql = counted(`
  INSERT INTO charges AS c (${columnList(chargesTable)})
  SELECT * FROM ${unnestColumns(chargesTable)}
  ON CONFLICT (account_id, period, service) DO UPDATE SET volume_m3 = EXCLUDED.volume_m3, amount_kop = EXCLUDED.amount_kop
  WHERE (c.volume_m3, c.amount_kop) IS DISTINCT FROM (EXCLUDED.volume_m3, EXCLUDED.amount_kop)`);

export function upsertCharges(client: ClientBase, rows: Resolved<ChargeRow>[]): Promise<BatchCounts> {
  return run(client, chargesSql, columnArrays(chargesTable, rows));
}
