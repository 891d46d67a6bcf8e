import type { Clock } from '../../core/clock.ts';
import { defaultCoreSettings, type CoreSettings, type ReadingRules } from '../../core/settings.ts';
import type { Database } from '../../models/database.ts';
import type { Account, Meter, Subscriber } from '../../models/models.ts';
import { aLink, aMeter, anAccount, aSubscriber, type MeterSeed, type SubscriberSeed } from './builders.ts';

export interface CoreDepsForTest {
  db: Database;
  clock: Clock;
  settings: CoreSettings;
}

/** Core's deps with the default settings, the reading rules overridden where a test is about them. */
export function coreDeps(db: Database, clock: Clock, readings: Partial<ReadingRules> = {}): CoreDepsForTest {
  return { db, clock, settings: { ...defaultCoreSettings, readings: { ...defaultCoreSettings.readings, ...readings } } };
}

export interface LinkedMeter {
  account: Account;
  meter: Meter;
  subscriber: Subscriber;
}

/** A subscriber with one linked account holding one meter: the usual starting point of a reading. */
export async function aLinkedMeter(db: Database, seed: { meter?: MeterSeed; subscriber?: SubscriberSeed } = {}): Promise<LinkedMeter> {
  const account = await anAccount(db);
  const meter = await aMeter(db, account, seed.meter);
  const subscriber = await aSubscriber(db, seed.subscriber);
  await aLink(db, subscriber, account);
  return { account, meter, subscriber };
}

export async function aReading(
  db: Database,
  meter: Meter,
  seed: { value: number; localDate: string; submittedAt?: Date; kind?: 'subscriber' | 'staff-correction'; subscriber?: Subscriber },
): Promise<void> {
  const staff = seed.kind === 'staff-correction';
  await db.models.Reading.create({
    meterId: meter.id,
    value: seed.value,
    localDate: seed.localDate,
    submittedAt: seed.submittedAt ?? new Date(`${seed.localDate}T10:00:00Z`),
    subscriberId: seed.subscriber?.id ?? null,
    channel: staff ? 'staff' : 'telegram',
    kind: seed.kind ?? 'subscriber',
    staffName: staff ? 'Оператор' : null,
  });
}
