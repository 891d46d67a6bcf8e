import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { QueryTypes } from 'sequelize';
import type { Config } from '../../bots/config.ts';
import type { Logger } from '../../bots/logger.ts';
import type { Clock } from '../../core/clock.ts';
import { loadDemoData, type DemoAccount } from '../../core/billing/demo-data.ts';
import type { Database } from '../../models/database.ts';
import { createPlaygroundApi, type PlaygroundWorld } from './api.ts';
import { seedDemoMeterHistory } from './meter-history.ts';
import {
  FIRST_ADDED_ID,
  PLAYGROUND_TOKEN,
  STAFF_CHAT_ID,
  STAFF_CHAT_TITLE,
  staffSeeds,
  subscriberSeeds,
  UNKNOWN_PHONE,
  PLAYGROUND_VIBER_TOKEN,
  VIBER_WEBHOOK_PATH,
  viberAddedId,
  viberSubscriberSeeds,
  type SubscriberSeed,
} from './people.ts';
import { FakeTelegram } from '../fake-telegram/index.ts';
import { startFakeViber, type FakeViber } from '../fake-viber/index.ts';
import { startFakeLiqPay, type FakeLiqPay } from '../fake-liqpay/index.ts';
import type { LiqPayConfig } from '../../bots/payments/liqpay.ts';
import type { ViberPerson, ViberWorld } from './viber-routes.ts';
import { parseSmppUrl, type SmsSettings } from '../../bots/sms/settings.ts';
import { SERVICE_NUMBER, startFakeSmsc } from '../fake-smsc/index.ts';
import { createSmsWorld } from './sms-routes.ts';

// The local playground: with no bot token configured, the same bot code as production talks to local stand-ins
// of the Telegram Bot API (telegram-api/) and of Viber's REST API (viber-api/) — also the tests' fakes — and a
// page in the browser plays the people: subscribers in their private chats on either channel, and staff in the
// Telegram staff group with topics (the staff desk is Telegram whichever channel a letter came from). Online
// payment goes to a stand-in of LiqPay (fake-liqpay/): its checkout page pays or declines, and its callback
// reaches the app's own /payments/liqpay, as LiqPay's would; the channels' own checkouts are the stand-ins' (a
// Telegram invoice paid through tg.pay, Viber's payment message through user.pay, LiqPay taking Viber's money).

/** The stand-in LiqPay's keys: nothing to protect, the same on every start so links shown before a restart work. */
export const PLAYGROUND_LIQPAY_PUBLIC_KEY = 'sandbox_playground';
const PLAYGROUND_LIQPAY_PRIVATE_KEY = 'sandbox_playground_private_key';

export { BANNER } from './api.ts';
export { STAFF_CHAT_ID, STAFF_CHAT_TITLE, PLAYGROUND_TOKEN, PLAYGROUND_VIBER_TOKEN, VIBER_WEBHOOK_PATH } from './people.ts';

export interface PlaygroundDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** The demo accounts to show with their proofs; loaded into the database (idempotently) when not given. */
  demoAccounts?: readonly DemoAccount[];
  /** For loading the demo data (whose dates hang off today's month). */
  timeZone?: string;
  /** Loopback ports of the stand-ins (PLAYGROUND_TELEGRAM_PORT, PLAYGROUND_VIBER_PORT); 0 or omitted: free ones. */
  ports?: { telegram?: number; viber?: number; liqpay?: number };
  /**
   * The SMS channel's limits on the stand-in of an SMSC (SMS_PER_PHONE_PER_DAY, SMS_REPLIES); defaults when
   * omitted. `false`: SMS_SMPP_URL is set, the app binds to that SMSC and the playground starts no stand-in.
   */
  sms?: false | Pick<SmsSettings, 'perPhonePerDay' | 'replies'>;
}

export interface Playground {
  /** Give this to createTelegramBot (or buildApp's telegramFallback): the stand-in's address and staff group. */
  telegram: NonNullable<Config['telegram']>;
  /** The stand-in itself (tests read what the bot sent from it). */
  standIn: FakeTelegram;
  /** The stand-in of Viber (tests read what the Viber bot sent from it). */
  viberStandIn: FakeViber;
  /** The stand-in of LiqPay: its checkout page (pay / decline), callbacks and status API. */
  liqpayStandIn: FakeLiqPay;
  /**
   * Online payment through the stand-in of LiqPay, for an app at `appUrl` (where its callback is posted and the
   * payer is sent back): give it to the app as config.payments.liqpay when no LiqPay keys are set.
   */
  liqpayFor(appUrl: string): LiqPayConfig;
  /**
   * Give this to createViberBot (or buildApp's viberFallback): the stand-in's address, and the webhook at `appUrl`
   * (where the app listens, e.g. http://127.0.0.1:3000), which the stand-in posts the subscribers' callbacks to.
   */
  viberFor(appUrl: string): NonNullable<Config['viber']>;
  /** Give this to createSmsChannel (or buildApp's smsFallback): the stand-in of an SMSC; undefined with `sms: false`. */
  sms: SmsSettings | undefined;
  demoAccounts: readonly DemoAccount[];
  /** Adds `/` (the page), `/playground/*` (its assets) and `/playground/api/*` (its JSON API). */
  mount(app: Express): void;
  /** Stops the stand-ins: pending long polls are answered empty, connections closed. Idempotent. */
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

/** Viber subscribers the database already knows: they reappear in the switcher (with the seeds' ids kept). */
async function knownViberSubscribers(db: Database): Promise<{ id: string; name: string; phone: string | null }[]> {
  const rows = await db.models.Subscriber.findAll({ where: { channel: 'viber' }, attributes: ['channelUserId', 'name', 'phone'], raw: true });
  return rows.map((r) => ({ id: r.channelUserId, name: r.name, phone: r.phone })).filter((r) => r.id.startsWith('pgViber'));
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
  await seedDemoMeterHistory(db, demoAccounts);
  const firstUpdateId = await nextUpdateId(db);
  // Tokens run on from the start time (a thousand a millisecond at most): a restart never reuses one the bot has
  // seen, and they stay above 2^53 as Viber's do.
  const viber = await startFakeViber({ authToken: PLAYGROUND_VIBER_TOKEN, firstToken: 5_000_000_000_000_000_000n + BigInt(Date.now()) * 1000n,
    ...(deps.ports?.viber ? { port: deps.ports.viber } : {}),
  });
  const liqpay = await startFakeLiqPay({
    publicKey: PLAYGROUND_LIQPAY_PUBLIC_KEY,
    privateKey: PLAYGROUND_LIQPAY_PRIVATE_KEY,
    ...(deps.ports?.liqpay ? { port: deps.ports.liqpay } : {}),
  });
  const tg = await FakeTelegram.start({
    token: PLAYGROUND_TOKEN,
    clock,
    ...(deps.ports?.telegram ? { port: deps.ports.telegram } : {}),
    ...(firstUpdateId !== undefined ? { firstUpdateId } : {}),
    // A Viber subscriber's picture reaches the staff group as its URL, which Telegram downloads: here, from the
    // stand-in of Viber, so staff see the very picture.
    urlContent: (url) => viber.media(url)?.bytes,
  });
  const viberWorld: ViberWorld = {
    viber,
    people: new Map(),
    payOutcomes: new Map(),
    add(seed) {
      let n = viberWorld.people.size + 1;
      while (viberWorld.people.has(viberAddedId(n))) n += 1;
      return addViber({ id: viberAddedId(n), name: seed.name, phone: seed.phone || UNKNOWN_PHONE });
    },
  };
  const addViber = (seed: { id: string; name: string; phone: string }): ViberPerson => {
    const entry = { user: viber.user({ id: seed.id, name: seed.name }), name: seed.name, phone: seed.phone };
    viberWorld.people.set(seed.id, entry);
    return entry;
  };

  const smsWorld = createSmsWorld(demoAccounts, SERVICE_NUMBER);
  const smsLimits = deps.sms === false ? undefined : { perPhonePerDay: 10, replies: true, ...deps.sms };
  const smsc = smsLimits ? await startFakeSmsc({ onReply: (reply) => smsWorld.replied(reply) }) : undefined;
  smsWorld.smsc = smsc;

  const staffGroup = tg.group({ id: STAFF_CHAT_ID, title: STAFF_CHAT_TITLE, isForum: true });
  const world: PlaygroundWorld = {
    tg,
    staffGroup,
    subscribers: new Map(),
    staff: new Map(),
    demoAccounts,
    viber: viberWorld,
    sms: smsWorld,
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
  for (const seed of viberSubscriberSeeds(demoAccounts)) addViber(seed);
  for (const known of await knownViberSubscribers(db)) {
    if (!viberWorld.people.has(known.id)) addViber({ id: known.id, name: known.name, phone: known.phone ?? UNKNOWN_PHONE });
  }
  for (const seed of staffSeeds) {
    const user = tg.user({ id: seed.id, first_name: seed.firstName, last_name: seed.lastName });
    world.staff.set(seed.id, { member: staffGroup.member(user, seed.role), role: seed.role });
  }

  const api = createPlaygroundApi(world, logger);
  let stopping: Promise<void> | undefined;
  logger.info(
    { apiRoot: tg.apiRoot, viberApiUrl: viber.apiUrl, liqpayCheckoutUrl: liqpay.checkoutUrl, staffChatId: STAFF_CHAT_ID, smscPort: smsc?.port },
    'playground: local stand-ins of the Telegram Bot API, of the Viber REST API, of LiqPay and of an SMSC started',
  );

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
    viberStandIn: viber,
    liqpayStandIn: liqpay,
    liqpayFor(appUrl) {
      return {
        publicKey: PLAYGROUND_LIQPAY_PUBLIC_KEY,
        privateKey: PLAYGROUND_LIQPAY_PRIVATE_KEY,
        checkoutUrl: liqpay.checkoutUrl,
        apiUrl: liqpay.apiUrl,
        publicBaseUrl: appUrl.replace(/\/+$/, ''),
      };
    },
    viberFor(appUrl) {
      return {
        authToken: PLAYGROUND_VIBER_TOKEN,
        apiUrl: viber.apiUrl,
        name: 'Водоканал',
        avatar: undefined,
        webhook: { url: `${appUrl.replace(/\/+$/, '')}${VIBER_WEBHOOK_PATH}`, path: VIBER_WEBHOOK_PATH },
        remindersEnabled: true,
      };
    },
    sms: smsc && smsLimits
      ? {
          smpp: parseSmppUrl(smsc.url)!,
          sourceAddr: SERVICE_NUMBER,
          perSecond: 50,
          ...smsLimits,
          // Locally the bind comes back at once after a restart of either side.
          enquireLinkMs: 30_000,
          reconnectMinMs: 200,
          reconnectMaxMs: 5_000,
          lockRetryMs: 2_000,
        }
      : undefined,
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
      stopping ??= Promise.all([tg.stop(), viber.close(), liqpay.close(), smsc?.close()]).then(() => undefined);
      return stopping;
    },
  };
}

/**
 * Telegram Payments' provider token in the playground: the stand-in of Telegram takes any token, and a test one
 * (BotFather's test tokens have `:TEST:` in them) says plainly that no money moves.
 */
export const PLAYGROUND_TELEGRAM_PROVIDER_TOKEN = '284685063:TEST:playground';

/**
 * The app's config in the playground: online payment through the stand-in of LiqPay when no LiqPay keys are set
 * (npm start with no keys offers the whole path), for the app listening at `appUrl`; and the channels' own
 * checkouts unless real values are set: Telegram's invoices with a test provider token, and Viber's payment
 * message with the stand-in of LiqPay as its payment service provider. Viber's is left off with real LiqPay keys:
 * the stand-in could not check their signatures, and Viber's checkout would not reach the real LiqPay from here.
 */
export function withPlaygroundPayments(config: Config, playground: Pick<Playground, 'liqpayFor' | 'liqpayStandIn'>, appUrl: string): Config {
  const standInLiqPay = !config.payments.liqpay;
  return {
    ...config,
    payments: {
      ...config.payments,
      liqpay: config.payments.liqpay ?? playground.liqpayFor(appUrl),
      telegramProviderToken: config.payments.telegramProviderToken ?? PLAYGROUND_TELEGRAM_PROVIDER_TOKEN,
      viber: config.payments.viber ?? (standInLiqPay ? { psp: 'liqpay', pspUrl: playground.liqpayStandIn.viberUrl } : undefined),
    },
  };
}
