import type { Database } from '../../models/database.ts';
import type { Account, Channel, Meter, Subscriber } from '../../models/models.ts';

// Data builders: each makes one realistic row with overridable fields, so a test names only what it is about.

let sequence = 0;
const next = () => ++sequence;

export interface AccountSeed {
  number?: string;
  surname?: string;
  givenNames?: string;
  address?: string;
  balanceKop?: number;
  phone?: string | null;
}

export async function anAccount(db: Database, seed: AccountSeed = {}): Promise<Account> {
  const n = next();
  return db.models.Account.create({
    number: seed.number ?? String(100000 + n),
    surname: seed.surname ?? 'Шевченко',
    givenNames: seed.givenNames ?? 'Тарас Григорович',
    address: seed.address ?? `м. Кам'янське, вул. Соборна, ${n}, кв. ${n + 10}`,
    balanceKop: seed.balanceKop ?? 25_050,
    phone: seed.phone ?? null,
  });
}

export interface MeterSeed {
  serial?: string;
  service?: string;
  place?: string;
  lastReading?: number;
  lastReadingDate?: string | null;
  verificationDue?: string | null;
  digits?: number;
}

export async function aMeter(db: Database, account: Account, seed: MeterSeed = {}): Promise<Meter> {
  return db.models.Meter.create({
    accountId: account.id,
    serial: seed.serial ?? `M-${next()}`,
    service: seed.service ?? 'водопостачання',
    place: seed.place ?? 'кухня',
    lastReading: seed.lastReading ?? 120,
    lastReadingDate: seed.lastReadingDate === undefined ? '2026-10-25' : seed.lastReadingDate,
    verificationDue: seed.verificationDue === undefined ? '2030-01-01' : seed.verificationDue,
    digits: seed.digits ?? 5,
  });
}

export async function aPayment(db: Database, account: Account, paidOn: string, amountKop: number): Promise<void> {
  await db.models.Payment.create({ accountId: account.id, paidOn, amountKop });
}

export async function aCharge(
  db: Database,
  account: Account,
  seed: { period: string; service?: string; volumeM3?: string; amountKop: number },
): Promise<void> {
  await db.models.Charge.create({
    accountId: account.id,
    period: seed.period,
    service: seed.service ?? 'водопостачання',
    volumeM3: seed.volumeM3 ?? '5.000',
    amountKop: seed.amountKop,
  });
}

export interface SubscriberSeed {
  channel?: Channel;
  channelUserId?: string;
  name?: string;
  phone?: string | null;
  consented?: boolean;
  remindersEnabled?: boolean;
}

export async function aSubscriber(db: Database, seed: SubscriberSeed = {}): Promise<Subscriber> {
  return db.models.Subscriber.create({
    channel: seed.channel ?? 'telegram',
    channelUserId: seed.channelUserId ?? String(5_000_000 + next()),
    name: seed.name ?? 'Оксана',
    phone: seed.phone ?? null,
    consentedAt: seed.consented === false ? null : new Date('2026-11-01T08:00:00Z'),
    remindersEnabled: seed.remindersEnabled ?? true,
  });
}

export async function aLink(db: Database, subscriber: Subscriber, account: Account): Promise<void> {
  await db.models.Link.create({ subscriberId: subscriber.id, accountId: account.id, method: 'surname' });
}
