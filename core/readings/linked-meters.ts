import { localDate, type LocalDate } from '../calendar.ts';
import { LAST_KNOWN_COLUMNS, LAST_KNOWN_JOIN, lastKnownFrom, type LastKnownColumns } from '../accounts/meter-state.ts';
import type { AccountMeters, MeterChoice, ReadingsDeps } from './types.ts';

interface Row extends LastKnownColumns {
  account_id: number;
  number: string;
  address: string;
  meter_id: number | null;
  serial: string | null;
  service: string | null;
  place: string | null;
  digits: number | null;
  verification_due: LocalDate | null;
  submitted_today: boolean | null;
}

/**
 * The subscriber's linked accounts with their meters; with `meterId`, only the account holding that meter
 * (and nothing at all when it is not on a linked account).
 */
export async function linkedMeters(
  deps: ReadingsDeps,
  subscriberId: number,
  options: { meterId?: number } = {},
): Promise<AccountMeters[]> {
  const { db, clock, settings } = deps;
  const today = localDate(clock.now(), settings.timeZone);
  const rows = await db.hot<Row>(
    `SELECT a.id AS account_id, a.number, a.address,
            m.id AS meter_id, m.serial, m.service, m.place, m.digits, m.verification_due,
            EXISTS (SELECT 1 FROM readings r
                     WHERE r.meter_id = m.id AND r.local_date = $2 AND r.kind = 'subscriber') AS submitted_today,
            ${LAST_KNOWN_COLUMNS}
       FROM links l
       JOIN accounts a ON a.id = l.account_id
       ${options.meterId === undefined ? 'LEFT JOIN meters m ON m.account_id = a.id' : 'JOIN meters m ON m.account_id = a.id AND m.id = $3'}
       ${LAST_KNOWN_JOIN}
      WHERE l.subscriber_id = $1
      ORDER BY a.number, m.serial, m.id`,
    [subscriberId, today, ...(options.meterId === undefined ? [] : [options.meterId])],
  );

  return groupByAccount(rows);
}

/**
 * These accounts with their meters, read as linkedMeters reads them: for the accounts a phone may submit for by
 * SMS, which has no subscriber link. Ordered by account number.
 */
export async function metersOfAccounts(deps: ReadingsDeps, accountIds: readonly number[]): Promise<AccountMeters[]> {
  if (accountIds.length === 0) return [];
  const today = localDate(deps.clock.now(), deps.settings.timeZone);
  const rows = await deps.db.hot<Row>(
    `SELECT a.id AS account_id, a.number, a.address,
            m.id AS meter_id, m.serial, m.service, m.place, m.digits, m.verification_due,
            EXISTS (SELECT 1 FROM readings r
                     WHERE r.meter_id = m.id AND r.local_date = $2 AND r.kind = 'subscriber') AS submitted_today,
            ${LAST_KNOWN_COLUMNS}
       FROM accounts a
       LEFT JOIN meters m ON m.account_id = a.id
       ${LAST_KNOWN_JOIN}
      WHERE a.id = ANY($1::int[])
      ORDER BY a.number, m.serial, m.id`,
    [accountIds, today],
  );
  return groupByAccount(rows);
}

function groupByAccount(rows: Row[]): AccountMeters[] {
  const accounts = new Map<number, AccountMeters>();
  for (const row of rows) {
    let account = accounts.get(row.account_id);
    if (!account) {
      account = { accountId: row.account_id, number: row.number, address: row.address, meters: [] };
      accounts.set(row.account_id, account);
    }
    if (row.meter_id === null) continue;
    const last = lastKnownFrom(row);
    const meter: MeterChoice = {
      meterId: row.meter_id,
      serial: row.serial!,
      service: row.service!,
      place: row.place!,
      digits: row.digits!,
      lastValue: last.value,
      lastValueDate: last.date,
      verificationDue: row.verification_due,
      submittedToday: row.submitted_today === true,
    };
    account.meters.push(meter);
  }
  return [...accounts.values()];
}
