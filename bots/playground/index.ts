import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { QueryTypes } from 'sequelize';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../../core/clock.ts';
import { loadDemoData, type DemoAccount } from '../../core/billing/demo-data.ts';
import type { Database } from '../../models/database.ts';
import { createPlaygroundApi, type PlaygroundWorld } from './api.ts';
import {
  FIRST_ADDED_ID,
  PLAYGROUND_TOKEN,
  STAFF_CHAT_ID,
  STAFF_CHAT_TITLE,
  staffSeeds,
  subscriberSeeds,
  UNKNOWN_PHONE,
  type SubscriberSeed,
} from './people.ts';
import { FakeTelegram } from './telegram-api/index.ts';

// The local playground: with no bot token configured, the same bot code as production talks to a local stand-in
// of the Telegram Bot API (telegram-api/, also the tests' fake), and a page in the browser plays the people —
// subscribers in their private chats and staff in the staff group with topics.

export { BANNER } from './api.ts';
export { STAFF_CHAT_ID, STAFF_CHAT_TITLE, PLAYGROUND_TOKEN } from './people.ts';

export interface PlaygroundDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** The demo accounts to show with their proofs; loaded into the database (idempotently) when not given. */
  demoAccounts?: readonly DemoAccount[];
  /** For loading the demo data (whose dates hang off today's month). */
  timeZone?: string;
}

export interface Playground {
  /** Give this to createTelegramBot (or buildApp's telegramFallback): the stand-in's address and staff group. */
  telegram: NonNullable<Config['telegram']>;
  /** The stand-in itself (tests read what the bot sent from it). */
  standIn: FakeTelegram;
  demoAccounts: readonly DemoAccount[];
  /** Adds `/` (the page), `/playground/*` (its assets) and `/playground/api/*` (its JSON API). */
  mount(app: Express): void;
  /** Stops the stand-in: pending long polls are answered empty, connections closed. Idempotent. */
  stop(): Promise<void>;
}

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** Update ids the bot's database has seen are skipped as duplicates, so a restarted stand-in continues above them. */
async function nextUpdateId(db: Database): Promise<number | undefined> {
  const [row] = await db.sequelize.query<{ last: string | null }>('SELECT max(update_id)::text AS last FROM telegram_processed_updates', {
    type: QueryTypes.SELECT,
  });
  return row?.last ? Number(row.last) + 1 : undefined;
}

/** Telegram subscribers the database already knows (from an earlier run): they reappear in the switcher. */
async function knownSubscribers(db: Database): Promise<{ id: number; name: string; phone: string | null }[]> {
  const rows = await db.models.Subscriber.findAll({ where: { channel: 'telegram' }, attributes: ['channelUserId', 'name', 'phone'], raw: true });
  return rows
    .map((r) => ({ id: Number(r.channelUserId), name: r.name, phone: r.phone }))
    .filter((r) => Number.isSafeInteger(r.id) && r.id > 0);
}

export async function startPlayground(deps: PlaygroundDeps): Promise<Playground> {
  const { db, clock, logger } = deps;
  const demoAccounts = deps.demoAccounts ?? (await loadDemoData(db, clock, deps.timeZone));
  const firstUpdateId = await nextUpdateId(db);
  const tg = await FakeTelegram.start({ token: PLAYGROUND_TOKEN, clock, ...(firstUpdateId !== undefined ? { firstUpdateId } : {}) });

  const staffGroup = tg.group({ id: STAFF_CHAT_ID, title: STAFF_CHAT_TITLE, isForum: true });
  const world: PlaygroundWorld = {
    tg,
    staffGroup,
    subscribers: new Map(),
    staff: new Map(),
    demoAccounts,
    addSubscriber(seed) {
      const taken = [...world.subscribers.keys()];
      const id = Math.max(FIRST_ADDED_ID - 1, ...taken) + 1;
      return add({ id, ...seed, phone: seed.phone || UNKNOWN_PHONE });
    },
  };
  const add = (seed: SubscriberSeed) => {
    const user = tg.user({ id: seed.id, first_name: seed.firstName, ...(seed.lastName ? { last_name: seed.lastName } : {}) });
    const entry = { user, phone: seed.phone };
    world.subscribers.set(seed.id, entry);
    return entry;
  };
  for (const seed of subscriberSeeds(demoAccounts)) add(seed);
  for (const known of await knownSubscribers(db)) {
    if (world.subscribers.has(known.id)) continue;
    const [firstName = 'Абонент', ...rest] = known.name.split(' ').filter(Boolean);
    add({ id: known.id, firstName, ...(rest.length ? { lastName: rest.join(' ') } : {}), phone: known.phone ?? UNKNOWN_PHONE });
  }
  for (const seed of staffSeeds) {
    const user = tg.user({ id: seed.id, first_name: seed.firstName, last_name: seed.lastName });
    world.staff.set(seed.id, { member: staffGroup.member(user, seed.role), role: seed.role });
  }

  const api = createPlaygroundApi(world, logger);
  let stopping: Promise<void> | undefined;
  logger.info({ apiRoot: tg.apiRoot, staffChatId: STAFF_CHAT_ID }, 'playground: local stand-in of the Telegram Bot API started');

  return {
    telegram: {
      token: PLAYGROUND_TOKEN,
      apiRoot: tg.apiRoot,
      webhook: undefined,
      staffChatId: STAFF_CHAT_ID,
      // Nothing to protect locally; high enough that the tester never waits on a limit.
      globalPerSecond: 1000,
      groupPerMinute: 1000,
    },
    standIn: tg,
    demoAccounts,
    mount(app) {
      app.get('/', (_req, res) => {
        res.set('cache-control', 'no-store');
        res.sendFile('index.html', { root: PUBLIC_DIR });
      });
      app.use('/playground/api', api);
      app.use('/playground', express.static(PUBLIC_DIR, { index: false, fallthrough: true }));
    },
    stop() {
      stopping ??= tg.stop();
      return stopping;
    },
  };
}
