import { Writable } from 'node:stream';
import { Api } from 'grammy';
import { QueryTypes } from 'sequelize';
import { createTelegramBot, type TelegramBot } from '../../../bots/telegram/bot.ts';
import { createStaffDesk, type StaffDesk } from '../../../bots/telegram/staff/index.ts';
import { createStaffDeliveryHandlers } from '../../../bots/outbox/staff-deliveries.ts';
import { createSubscriberDeliveryHandlers } from '../../../bots/outbox/subscriber-deliveries.ts';
import { createOutboxDispatcher, type OutboxDispatcher } from '../../../bots/outbox/dispatcher.ts';
import type { SubscriberNotifier } from '../../../bots/notifier.ts';
import type { Config } from '../../../bots/config.ts';
import { createLogger, type Logger } from '../../../bots/logger.ts';
import { FixedClock } from '../../../core/clock.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import type { CoreDeps } from '../../../core/accounts/types.ts';
import { writeLetter } from '../../../core/letters/index.ts';
import type { Account, Attachment, Channel, ReadingCorrection, Subscriber } from '../../../models/models.ts';
import { FakeTelegram, type FakeGroup } from '../../support/fake-telegram/index.ts';
import type { TestDatabase } from '../../support/database.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';

// The real Telegram bot with the staff desk installed (the shared Telegram harness cannot take a staff chat id),
// the outbox dispatcher with the staff and subscriber handlers, all against the fake Telegram over HTTP.

export interface StaffHarness {
  tg: FakeTelegram;
  group: FakeGroup;
  clock: FixedClock;
  core: CoreDeps;
  app: TelegramBot;
  desk: StaffDesk;
  outbox: OutboxDispatcher;
  logs: string[];
  /** The Bot API as an admin of the group uses it (to delete a topic, as staff would in the app). */
  adminApi: Api;
  /** Runs the outbox until nothing is due, moving the clock past 'later' and backoff times. */
  drain(options?: { maxRounds?: number }): Promise<void>;
  /** Stops this instance and builds a fresh bot, desk and dispatcher on the same database and fake. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StaffHarnessOptions {
  db: TestDatabase;
  staffChatId: number;
  isForum: boolean;
  /** The group limit the desk keeps (shared bucket); the bot's in-process throttle stays fast unless groupPerMinute is set. */
  deskGroupPerMinute?: number;
  groupPerMinute?: number;
  groupBurst?: number;
  extraNotifiers?: Partial<Record<Channel, SubscriberNotifier>>;
  clock?: FixedClock;
}

export async function startStaffHarness(options: StaffHarnessOptions): Promise<StaffHarness> {
  const tg = await FakeTelegram.start();
  const group = tg.group({ id: options.staffChatId, title: 'Абонвідділ', isForum: options.isForum });
  const clock = options.clock ?? new FixedClock(new Date('2026-11-25T09:00:00Z'));
  const core: CoreDeps = { db: options.db, clock, settings: defaultCoreSettings };
  const logs: string[] = [];
  const logger: Logger = createLogger(
    'warn',
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const groupPerMinute = options.groupPerMinute ?? 60_000;
  const telegram: NonNullable<Config['telegram']> = {
    token: tg.token,
    apiRoot: tg.apiRoot,
    webhook: undefined,
    staffChatId: options.staffChatId,
    globalPerSecond: 1000,
    groupPerMinute,
  };

  const build = async () => {
    const app = createTelegramBot({ telegram, core, logger });
    await app.start();
    const desk = createStaffDesk({
      api: app.bot.api,
      core,
      logger,
      staffChatId: options.staffChatId,
      groupPerMinute: options.deskGroupPerMinute ?? groupPerMinute,
      ...(options.groupBurst !== undefined ? { groupBurst: options.groupBurst } : {}),
    });
    const handlers = {
      ...createSubscriberDeliveryHandlers({ core, notifiers: { telegram: app.notifier, ...options.extraNotifiers }, reporter: desk, logger }),
      ...createStaffDeliveryHandlers({ desk }),
    };
    const outbox = createOutboxDispatcher({ sequelize: core.db.sequelize, clock, logger, handlers });
    return { app, desk, outbox };
  };

  let current = await build();
  const harness: StaffHarness = {
    tg,
    group,
    clock,
    core,
    app: current.app,
    desk: current.desk,
    outbox: current.outbox,
    logs,
    adminApi: new Api(tg.token, { apiRoot: tg.apiRoot }),
    async drain({ maxRounds = 200 } = {}) {
      for (let round = 0; round < maxRounds; round++) {
        await harness.outbox.runOnce();
        const [row] = await core.db.sequelize.query<{ pending: string }>(`SELECT count(*) AS pending FROM outbox WHERE status = 'pending'`, {
          type: QueryTypes.SELECT,
        });
        if (Number(row?.pending ?? 0) === 0) return;
        // Entries put back ('later' or backoff): let real time refill the group's bucket, move the outbox clock on.
        await new Promise((resolve) => setTimeout(resolve, 20));
        clock.advance(1000);
      }
      const stuck = await core.db.sequelize.query(`SELECT kind, attempts, next_attempt_at, last_error FROM outbox WHERE status = 'pending'`, {
        type: QueryTypes.SELECT,
      });
      throw new Error(`outbox did not drain: ${JSON.stringify(stuck)}`);
    },
    async restart() {
      await current.outbox.stop();
      await current.app.stop();
      current = await build();
      harness.app = current.app;
      harness.desk = current.desk;
      harness.outbox = current.outbox;
    },
    async stop() {
      await current.outbox.stop();
      await current.app.stop();
      await tg.stop();
    },
  };
  return harness;
}

export interface Writer {
  subscriber: Subscriber;
  account: Account;
}

/** A subscriber with a verified phone and one linked account, who has a chat with the bot in the fake. */
export async function aWriter(
  h: { tg: FakeTelegram; core: CoreDeps },
  seed: { userId: number; name: string; phone?: string; channel?: Channel; channelUserId?: string },
): Promise<Writer> {
  if ((seed.channel ?? 'telegram') === 'telegram') h.tg.user({ id: seed.userId, first_name: seed.name });
  const subscriber = await aSubscriber(h.core.db, {
    channel: seed.channel ?? 'telegram',
    channelUserId: seed.channelUserId ?? String(seed.userId),
    name: seed.name,
    phone: seed.phone ?? '380501234567',
  });
  const account = await anAccount(h.core.db, { balanceKop: 12_345 });
  await aLink(h.core.db, subscriber, account);
  return { subscriber, account };
}

export async function aLetter(
  core: CoreDeps,
  writer: Writer,
  seed: { text: string; attachments?: Attachment[]; category?: 'question' | 'reading-correction'; correction?: ReadingCorrection },
): Promise<number> {
  const outcome = await writeLetter(core, {
    subscriberId: writer.subscriber.id,
    accountId: writer.account.id,
    category: seed.category ?? 'question',
    text: seed.text,
    attachments: seed.attachments ?? [],
    ...(seed.correction ? { correction: seed.correction } : {}),
  });
  if (outcome.kind !== 'stored') throw new Error(`letter not stored: ${outcome.kind}`);
  return outcome.letterId;
}

/** A photo the subscriber sent the bot: its file id is what the letter keeps. */
export function aTelegramPhoto(tg: FakeTelegram): Attachment {
  const sizes = tg.state.addPhoto(Buffer.from('photo'));
  return { kind: 'photo', ref: sizes.at(-1)!.file_id, channel: 'telegram' };
}
