import { afterAll, beforeAll } from 'vitest';
import type { Account, Channel, Meter, Subscriber } from '../../../models/models.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import type { ChannelKind, ChannelOptions, ChannelWorld, ScriptedSubscriber } from '../../support/channels.ts';
import { aLink, aMeter, anAccount, aSubscriber, type MeterSeed } from '../../support/builders.ts';

// What every scenario file does per channel: its own database and the channel running the real cabinet on it,
// and people to play the subscriber, with or without a row already made (consented, for the menu flows).

export interface Stage {
  db: TestDatabase;
  world: ChannelWorld;
  channel: Channel;
}

let nextUserId = 70_000 + Math.floor(Math.random() * 1_000) * 100;

/** Sets up the channel for the enclosing describe; read the stage inside tests. */
export function useChannel(kind: ChannelKind, options: Omit<ChannelOptions, 'db'> = {}): Stage {
  const stage = { channel: kind.name } as Stage;
  beforeAll(async () => {
    stage.db = await createTestDatabase();
    stage.world = await kind.start({ ...options, db: stage.db });
  });
  afterAll(async () => {
    await stage.world?.stop();
    await stage.db?.destroy();
  });
  return stage;
}

/** A newcomer: nobody the bot knows yet. */
export function aNewcomer(stage: Stage, name = 'Оксана'): ScriptedSubscriber {
  return stage.world.person(nextUserId++, name);
}

/** Someone who has consented already (and said «Пізніше» to the phone), with their subscriber row. */
export async function aMember(stage: Stage, name = 'Оксана'): Promise<{ person: ScriptedSubscriber; subscriber: Subscriber }> {
  const userId = nextUserId++;
  const subscriber = await aSubscriber(stage.db, { channel: stage.channel, channelUserId: stage.world.channelUserId(userId), name });
  await subscriber.update({ phoneDeferredAt: new Date('2026-11-01T08:00:00Z') });
  return { person: stage.world.person(userId, name), subscriber };
}

/** A member with one linked account holding one meter (120 m³ on 2026-10-25 unless seeded otherwise). */
export async function aMemberWithMeter(stage: Stage, meterSeed: MeterSeed = {}): Promise<{ person: ScriptedSubscriber; subscriber: Subscriber; account: Account; meter: Meter }> {
  const member = await aMember(stage);
  const account = await anAccount(stage.db);
  const meter = await aMeter(stage.db, account, meterSeed);
  await aLink(stage.db, member.subscriber, account);
  return { ...member, account, meter };
}
