import { QueryTypes, type Transaction } from 'sequelize';
import { addDays, localDate, type LocalDate } from '../calendar.ts';
import type { CoreDeps } from '../deps.ts';
import { maskHolder } from '../accounts/summaries.ts';
import type { Statement, StatementMeter, StatementOutcome, StatementPeriodsOutcome } from './types.ts';

/** How many billed periods a subscriber may choose a statement from. */
export const STATEMENT_PERIODS = 12;

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])-01$/;

/** '2026-11-01' → '2026-12-01'. */
export function nextPeriod(period: LocalDate): LocalDate {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

async function isLinked(deps: CoreDeps, transaction: Transaction, subscriberId: number, accountId: number): Promise<boolean> {
  const link = await deps.db.models.Link.findOne({ where: { subscriberId, accountId }, transaction });
  return link !== null;
}

async function billedPeriods(deps: CoreDeps, transaction: Transaction, accountId: number): Promise<LocalDate[]> {
  const rows = await deps.db.sequelize.query<{ period: string }>(
    `SELECT DISTINCT period FROM charges WHERE account_id = :accountId ORDER BY period DESC LIMIT ${STATEMENT_PERIODS}`,
    { replacements: { accountId }, type: QueryTypes.SELECT, transaction },
  );
  return rows.map((r) => r.period);
}

/** The periods a statement can be had for, newest first: the last 12 that billing charged. Only a linked account. */
export async function statementPeriods(deps: CoreDeps, request: { subscriberId: number; accountId: number }): Promise<StatementPeriodsOutcome> {
  return deps.db.sequelize.transaction(async (transaction) => {
    if (!(await isLinked(deps, transaction, request.subscriberId, request.accountId))) return { kind: 'not-linked' } as const;
    return { kind: 'periods', periods: await billedPeriods(deps, transaction, request.accountId) } as const;
  });
}

interface MeterRow {
  serial: string;
  service: string;
  place: string;
  verification_due: string | null;
  last_reading: number;
  last_reading_date: string | null;
  start_value: number | null;
  start_date: string | null;
  end_value: number | null;
  end_date: string | null;
}

/**
 * Billing's one known value (meters.last_reading) counts on the side of the bound its date falls; an accepted
 * reading of the same day wins over it, as in the account view (core/accounts/meter-state.ts).
 */
function newest(reading: { value: number | null; date: string | null }, billing: { value: number; date: string | null }, inBound: boolean) {
  const billingCounts = inBound && billing.date !== null && (reading.date === null || billing.date > reading.date);
  return billingCounts ? { value: billing.value, date: billing.date } : { value: reading.value, date: reading.date };
}

function meterOf(row: MeterRow, from: LocalDate, to: LocalDate): StatementMeter {
  const billing = { value: row.last_reading, date: row.last_reading_date };
  const start = newest({ value: row.start_value, date: row.start_date }, billing, billing.date !== null && billing.date < from);
  const end = newest({ value: row.end_value, date: row.end_date }, billing, billing.date !== null && billing.date <= to);
  return {
    serial: row.serial,
    service: row.service,
    place: row.place,
    startValue: start.value,
    startDate: start.date,
    endValue: end.value,
    endDate: end.date,
    verificationDue: row.verification_due,
  };
}

/**
 * A linked account's statement for a billed period: `period` ('YYYY-MM-01') or, without it, the last one billed.
 * Billing gives the balance as of its last export and the charges and payments booked, so the period's closing
 * balance is today's less the charges of later periods plus the payments made after the period, and its opening
 * balance is the closing one less the period's charges plus the period's payments.
 */
export async function statementOf(
  deps: CoreDeps,
  request: { subscriberId: number; accountId: number; period?: LocalDate | undefined },
): Promise<StatementOutcome> {
  if (request.period !== undefined && !PERIOD.test(request.period)) return { kind: 'no-charges' };
  return deps.db.sequelize.transaction(async (transaction) => {
    if (!(await isLinked(deps, transaction, request.subscriberId, request.accountId))) return { kind: 'not-linked' } as const;
    const account = await deps.db.models.Account.findByPk(request.accountId, { transaction });
    if (!account) return { kind: 'not-linked' } as const;
    const period = request.period ?? (await billedPeriods(deps, transaction, request.accountId))[0];
    if (period === undefined) return { kind: 'no-charges' } as const;
    const after = nextPeriod(period);
    const periodEnd = addDays(after, -1);
    const select = { type: QueryTypes.SELECT, transaction, replacements: { accountId: account.id, period, after } } as const;

    const charges = await deps.db.sequelize.query<{ service: string; volume_m3: string; amount_kop: number }>(
      `SELECT service, volume_m3, amount_kop FROM charges WHERE account_id = :accountId AND period = :period ORDER BY service`,
      select,
    );
    if (charges.length === 0) return { kind: 'no-charges' } as const;
    const payments = await deps.db.sequelize.query<{ paid_on: string; amount_kop: number }>(
      `SELECT paid_on, amount_kop FROM payments WHERE account_id = :accountId AND paid_on >= :period AND paid_on < :after
        ORDER BY paid_on, amount_kop`,
      select,
    );
    // Sums as bigint text: twelve years of kopecks would still fit an integer, but a sum is not one.
    const [later] = await deps.db.sequelize.query<{ charged: string; paid: string }>(
      `SELECT (SELECT coalesce(sum(amount_kop), 0) FROM charges WHERE account_id = :accountId AND period >= :after)::text AS charged,
              (SELECT coalesce(sum(amount_kop), 0) FROM payments WHERE account_id = :accountId AND paid_on >= :after)::text AS paid`,
      select,
    );
    const meters = await deps.db.sequelize.query<MeterRow>(
      `SELECT m.serial, m.service, m.place, m.verification_due, m.last_reading, m.last_reading_date,
              s.value AS start_value, s.local_date AS start_date, e.value AS end_value, e.local_date AS end_date
         FROM meters m
         LEFT JOIN LATERAL (
           SELECT value, local_date FROM readings
            WHERE meter_id = m.id AND kind IN ('subscriber', 'staff-correction') AND local_date < :period
            ORDER BY local_date DESC, submitted_at DESC, id DESC LIMIT 1
         ) s ON true
         LEFT JOIN LATERAL (
           SELECT value, local_date FROM readings
            WHERE meter_id = m.id AND kind IN ('subscriber', 'staff-correction') AND local_date < :after
            ORDER BY local_date DESC, submitted_at DESC, id DESC LIMIT 1
         ) e ON true
        WHERE m.account_id = :accountId
        ORDER BY m.serial`,
      select,
    );

    const chargedKop = charges.reduce((sum, c) => sum + c.amount_kop, 0);
    const paidKop = payments.reduce((sum, p) => sum + p.amount_kop, 0);
    const closingKop = account.balanceKop - Number(later!.charged) + Number(later!.paid);
    const statement: Statement = {
      period,
      periodEnd,
      account: { number: account.number, holder: maskHolder(account.surname, account.givenNames), address: account.address },
      openingKop: closingKop - chargedKop + paidKop,
      chargedKop,
      paidKop,
      closingKop,
      toPayKop: Math.max(closingKop, 0),
      charges: charges.map((c) => ({ service: c.service, volumeM3: String(c.volume_m3), amountKop: c.amount_kop })),
      payments: payments.map((p) => ({ paidOn: p.paid_on, amountKop: p.amount_kop })),
      meters: meters.map((row) => meterOf(row, period, periodEnd)),
      issuedOn: localDate(deps.clock.now(), deps.settings.timeZone),
    };
    return { kind: 'statement', statement } as const;
  });
}
