import type { ClientBase } from 'pg';
import type { AccountRow, ChargeRow, MeterRow, PaymentRow } from './file-kinds.ts';

// One statement per batch of ~10k rows: the rows travel as one array per column and are unnested on the server,
// upserted on the natural key, and a row whose values are all the same is left alone (so re-importing a file
// changes nothing, not even updated_at). The counts come back instead of the rows.

export interface BatchCounts {
  inserted: number;
  updated: number;
}

/** A row plus the id of its account, looked up by the importer. */
export type Resolved<Row> = { row: Row; accountId: number };

const counted = (insert: string) => `
  WITH merged AS (${insert} RETURNING (xmax = 0) AS inserted)
  SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM merged`;

async function run(client: ClientBase, sql: string, params: unknown[]): Promise<BatchCounts> {
  const result = await client.query<BatchCounts>(sql, params);
  return result.rows[0] ?? { inserted: 0, updated: 0 };
}

const accountsSql = (withPhone: boolean) => {
  const columns = ['surname', 'given_names', 'address', 'balance_kop', ...(withPhone ? ['phone'] : [])];
  return counted(`
    INSERT INTO accounts AS a (number, surname, given_names, address, balance_kop, phone)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[])
    ON CONFLICT (number) DO UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
    WHERE (${columns.map((c) => `a.${c}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `EXCLUDED.${c}`).join(', ')})`);
};
const accountsWithPhone = accountsSql(true);
// A file without the phone column says nothing about phones: the ones already known are kept.
const accountsWithoutPhone = accountsSql(false);

export function upsertAccounts(client: ClientBase, rows: AccountRow[], options: { withPhone: boolean }): Promise<BatchCounts> {
  return run(client, options.withPhone ? accountsWithPhone : accountsWithoutPhone, [
    rows.map((r) => r.number),
    rows.map((r) => r.surname),
    rows.map((r) => r.givenNames),
    rows.map((r) => r.address),
    rows.map((r) => r.balanceKop),
    rows.map((r) => (options.withPhone ? r.phone : null)),
  ]);
}

const metersSql = counted(`
  INSERT INTO meters AS m (account_id, serial, service, place, last_reading, last_reading_date, verification_due, digits)
  SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[], $6::date[], $7::date[], $8::int[])
  ON CONFLICT (account_id, serial) DO UPDATE SET service = EXCLUDED.service, place = EXCLUDED.place,
    last_reading = EXCLUDED.last_reading, last_reading_date = EXCLUDED.last_reading_date,
    verification_due = EXCLUDED.verification_due, digits = EXCLUDED.digits
  WHERE (m.service, m.place, m.last_reading, m.last_reading_date, m.verification_due, m.digits)
    IS DISTINCT FROM (EXCLUDED.service, EXCLUDED.place, EXCLUDED.last_reading, EXCLUDED.last_reading_date, EXCLUDED.verification_due, EXCLUDED.digits)`);

export function upsertMeters(client: ClientBase, rows: Resolved<MeterRow>[]): Promise<BatchCounts> {
  return run(client, metersSql, [
    rows.map((r) => r.accountId),
    rows.map((r) => r.row.serial),
    rows.map((r) => r.row.service),
    rows.map((r) => r.row.place),
    rows.map((r) => r.row.lastReading),
    rows.map((r) => r.row.lastReadingDate),
    rows.map((r) => r.row.verificationDue),
    rows.map((r) => r.row.digits),
  ]);
}

// Every column of a payment is its key: a payment is either there or not, and the row count says which.
const paymentsSql = `
  INSERT INTO payments (account_id, paid_on, amount_kop)
  SELECT * FROM unnest($1::int[], $2::date[], $3::int[])
  ON CONFLICT (account_id, paid_on, amount_kop) DO NOTHING`;

export async function insertPayments(client: ClientBase, rows: Resolved<PaymentRow>[]): Promise<BatchCounts> {
  const result = await client.query(paymentsSql, [rows.map((r) => r.accountId), rows.map((r) => r.row.paidOn), rows.map((r) => r.row.amountKop)]);
  return { inserted: result.rowCount ?? 0, updated: 0 };
}

const chargesSql = counted(`
  INSERT INTO charges AS c (account_id, period, service, volume_m3, amount_kop)
  SELECT * FROM unnest($1::int[], $2::date[], $3::text[], $4::numeric[], $5::int[])
  ON CONFLICT (account_id, period, service) DO UPDATE SET volume_m3 = EXCLUDED.volume_m3, amount_kop = EXCLUDED.amount_kop
  WHERE (c.volume_m3, c.amount_kop) IS DISTINCT FROM (EXCLUDED.volume_m3, EXCLUDED.amount_kop)`);

export function upsertCharges(client: ClientBase, rows: Resolved<ChargeRow>[]): Promise<BatchCounts> {
  return run(client, chargesSql, [
    rows.map((r) => r.accountId),
    rows.map((r) => r.row.period),
    rows.map((r) => r.row.service),
    rows.map((r) => r.row.volumeM3),
    rows.map((r) => r.row.amountKop),
  ]);
}
