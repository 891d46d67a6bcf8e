import type { Transaction } from 'sequelize';
import type { Database } from '../../models/database.ts';
import type { Meter } from '../../models/models.ts';
import { lastKnownValues } from './meter-state.ts';
import type { AccountSummary, MeterSummary } from './types.ts';

/** "Шевченко", "Тарас Григорович" → "Шевченко Т. Г." */
export function maskHolder(surname: string, givenNames: string): string {
  const initials = givenNames
    .split(/\s+/u)
    .filter((word) => word.length > 0)
    .map((word) => `${word[0]!.toLocaleUpperCase('uk')}.`);
  return [surname.trim(), ...initials].filter((part) => part.length > 0).join(' ');
}

/** "380671234567" → "+380*****4567": enough for staff to ask "is it the one ending in 4567?". */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  return phone.length <= 4 ? '*'.repeat(phone.length) : `+${phone.slice(0, 3)}${'*'.repeat(Math.max(phone.length - 7, 1))}${phone.slice(-4)}`;
}

export async function meterSummaries(
  db: Database,
  accountIds: readonly number[],
  transaction?: Transaction,
): Promise<Map<number, MeterSummary[]>> {
  const byAccount = new Map<number, MeterSummary[]>(accountIds.map((id) => [id, []]));
  if (accountIds.length === 0) return byAccount;
  const options = transaction ? { transaction } : {};
  const meters: Meter[] = await db.models.Meter.findAll({
    where: { accountId: [...accountIds] },
    order: [['accountId', 'ASC'], ['serial', 'ASC']],
    ...options,
  });
  const known = await lastKnownValues(db, meters.map((m) => m.id), transaction);
  for (const meter of meters) {
    const last = known.get(meter.id);
    byAccount.get(meter.accountId as number)?.push({
      meterId: meter.id,
      serial: meter.serial,
      service: meter.service,
      place: meter.place,
      lastValue: last?.value ?? meter.lastReading,
      lastValueDate: last ? last.date : meter.lastReadingDate,
      verificationDue: meter.verificationDue,
    });
  }
  return byAccount;
}

/** Summaries of the given accounts, in the order given; ids that do not exist are left out. */
export async function accountSummaries(
  db: Database,
  accountIds: readonly number[],
  transaction?: Transaction,
): Promise<AccountSummary[]> {
  if (accountIds.length === 0) return [];
  const options = transaction ? { transaction } : {};
  const accounts = await db.models.Account.findAll({ where: { id: [...accountIds] }, ...options });
  const meters = await meterSummaries(db, accountIds, transaction);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return accountIds.flatMap((id) => {
    const account = byId.get(id);
    if (!account) return [];
    return [
      {
        accountId: account.id,
        number: account.number,
        address: account.address,
        holder: maskHolder(account.surname, account.givenNames),
        balanceKop: account.balanceKop,
        meters: meters.get(account.id) ?? [],
      },
    ];
  });
}
