import { QueryTypes } from 'sequelize';
import { addressColumns, parseAddress } from '../../core/addresses/index.ts';
import type { Clock } from '../../core/clock.ts';
import { defaultOutageSettings, type OutageDelivery, type OutageDeliveryDeps, type OutageDraft, type OutageNotice, type OutageSender, type OutageSettings } from '../../core/outages/index.ts';
import type { Database } from '../../models/database.ts';
import type { Account, Channel, Subscriber } from '../../models/models.ts';
import { aLink, anAccount, aSubscriber } from './builders.ts';

/** Empties what the outages tests fill. */
export async function clearOutageData(db: Database): Promise<void> {
  await db.sequelize.query('TRUNCATE outages, outage_accounts, outage_changes, outage_notices, outage_planned_optouts, street_aliases, links, meters, accounts, subscribers, rate_buckets CASCADE');
}

/** An account at this address, with its parts stored as the accounts import stores them. */
export async function anAccountAt(db: Database, address: string): Promise<Account> {
  const account = await anAccount(db, { address });
  const columns = addressColumns(parseAddress(address));
  await db.sequelize.query(
    'UPDATE accounts SET street = :street, house = :house, flat = :flat, street_norm = :streetNorm, house_key = :houseKey WHERE id = :id',
    { replacements: { ...columns, id: account.id } },
  );
  return account;
}

/** A subscriber on `channel` linked to these accounts. */
export async function aSubscriberOf(db: Database, accounts: Account[], channel: Channel = 'telegram', channelUserId?: string): Promise<Subscriber> {
  const subscriber = await aSubscriber(db, { channel, ...(channelUserId ? { channelUserId } : {}) });
  for (const account of accounts) await aLink(db, subscriber, account);
  return subscriber;
}

export function aDraft(overrides: Partial<OutageDraft> = {}): OutageDraft {
  return {
    targets: [{ street: 'Соборна', houses: [{ from: 1, to: 25 }] }],
    kind: 'emergency',
    startsAt: '2026-12-05T08:00:00Z',
    endsAt: '2026-12-05T16:00:00Z',
    affects: ['cold-water'],
    text: 'Пошкодження водогону.',
    ...overrides,
  };
}

/** A stand-in for the sending side: records what it was asked to deliver, answers what the test says. */
export class RecordingOutageSender implements OutageSender {
  readonly delivered: OutageNotice[] = [];
  private calls = 0;
  constructor(private readonly answer: (notice: OutageNotice, index: number) => Promise<OutageDelivery> | OutageDelivery = () => ({ kind: 'sent', rateLimitedWaits: 0 })) {}
  async deliver(notice: OutageNotice): Promise<OutageDelivery> {
    const result = await this.answer(notice, this.calls++);
    if (result.kind === 'sent') this.delivered.push(notice);
    return result;
  }
  /** Subscriber ids that got this change, sorted. */
  got(change: string): number[] {
    return this.delivered.filter((n) => n.change === change).map((n) => n.subscriberId).sort((a, b) => a - b);
  }
}

export function outageDeliveryDeps(db: Database, clock: Clock, sender: OutageSender, settings: Partial<OutageSettings> = {}): OutageDeliveryDeps {
  return { db, clock, sender, settings: { ...defaultOutageSettings, concurrency: 4, pageSize: 3, ...settings } };
}

export async function noticeRows(db: Database, outageId: number): Promise<{ change: string; subscriber_id: number; status: string; attempts: number }[]> {
  return db.sequelize.query('SELECT change, subscriber_id, status, attempts FROM outage_notices WHERE outage_id = :outageId ORDER BY change, subscriber_id', {
    replacements: { outageId },
    type: QueryTypes.SELECT,
  });
}

export async function changeRows(db: Database, outageId: number): Promise<{ change: string; status: string; due_at: Date }[]> {
  return db.sequelize.query('SELECT change, status, due_at FROM outage_changes WHERE outage_id = :outageId ORDER BY due_at, change', {
    replacements: { outageId },
    type: QueryTypes.SELECT,
  });
}
