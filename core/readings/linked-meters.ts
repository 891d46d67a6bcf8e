import { localDate, type LocalDate } from '../calendar.ts';
import { Coalescer } from '../coalescer.ts';
import type { Database } from '../../models/database.ts';
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

// What both reads return for an account and each of its meters ($2 the day "today" is).
const ACCOUNT_METER_COLUMNS = `a.id AS account_id, a.number, a.address,
            m.id AS meter_id, m.serial, m.service, m.place, m.digits, m.verification_due,
            EXISTS (SELECT 1 FROM readings r
                     WHERE r.meter_id = m.id AND r.local_date = $2 AND r.kind = 'subscriber') AS submitted_today,
            ${LAST_KNOWN_COLUMNS}`;

// Every step of the readings flow reads the subscriber's meters afresh (a rule may have changed in between), so
// under load this is one statement per update. Reads asked for while one is in flight go together in the next
// (core/coalescer.ts): one statement for the subscribers of a batch, each answered with their own rows. A read
// alone goes at once, and by a statement of its own: PostgreSQL guesses `= ANY($1)` at ten subscribers, so
// the batch statement's kept (generic) plan looks ten times dearer than one planned for one subscriber, and it
// would be planned afresh on every run (0.4 ms); the one-subscriber statement keeps its plan.
const linkedMetersSql = (subscribers: string) => `SELECT l.subscriber_id, ${ACCOUNT_METER_COLUMNS}
       FROM links l
       JOIN accounts a ON a.id = l.account_id
       LEFT JOIN meters m ON m.account_id = a.id
       ${LAST_KNOWN_JOIN}
      WHERE ${subscribers}
      ORDER BY l.subscriber_id, a.number, m.serial, m.id`;
const LINKED_METERS_OF_ONE = linkedMetersSql('l.subscriber_id = $1');
const LINKED_METERS_OF_MANY = linkedMetersSql('l.subscriber_id = ANY($1::int[])');

/** At most this many subscribers' meters in one statement. */
const BATCH_MAX = 64;

interface Wanted {
  subscriberId: number;
  today: LocalDate;
}

/** One statement per distinct day in the batch (two only across midnight), each for all its subscribers. */
async function readBatch(db: Database, wanted: Wanted[]): Promise<Row[][]> {
  const byDay = new Map<LocalDate, Map<number, Row[]>>();
  for (const { subscriberId, today } of wanted) {
    const day = byDay.get(today) ?? new Map<number, Row[]>();
    day.set(subscriberId, []);
    byDay.set(today, day);
  }
  for (const [today, bySubscriber] of byDay) {
    const ids = [...bySubscriber.keys()];
    const rows = await db.hot<Row & { subscriber_id: number }>(
      ids.length === 1 ? LINKED_METERS_OF_ONE : LINKED_METERS_OF_MANY,
      [ids.length === 1 ? ids[0] : ids, today],
    );
    for (const row of rows) bySubscriber.get(row.subscriber_id)!.push(row);
  }
  return wanted.map(({ subscriberId, today }) => byDay.get(today)!.get(subscriberId)!);
}

const readers = new WeakMap<Database, Coalescer<Wanted, Row[]>>();

function readerFor(db: Database): Coalescer<Wanted, Row[]> {
  let reader = readers.get(db);
  if (!reader) {
    reader = new Coalescer((wanted) => readBatch(db, wanted), BATCH_MAX);
    readers.set(db, reader);
  }
  return reader;
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
  const rows = await readerFor(db).submit({ subscriberId, today: localDate(clock.now(), settings.timeZone) });
  const { meterId } = options;
  return groupByAccount(meterId === undefined ? rows : rows.filter((row) => row.meter_id === meterId));
}

/**
 * These accounts with their meters, read as linkedMeters reads them: for the accounts a phone may submit for by
 * SMS, which has no subscriber link. Ordered by account number.
 */
export async function metersOfAccounts(deps: ReadingsDeps, accountIds: readonly number[]): Promise<AccountMeters[]> {
  if (accountIds.length === 0) return [];
  const today = localDate(deps.clock.now(), deps.settings.timeZone);
  const rows = await deps.db.hot<Row>(
    `SELECT ${ACCOUNT_METER_COLUMNS}
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
