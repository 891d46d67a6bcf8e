import cron from 'node-cron';
import { z } from 'zod';
import type { CoreSettings } from '../core/settings.ts';
import { parseSmppUrl, type SmsSettings } from './sms/settings.ts';
import type { PaymentRules } from '../core/payments/types.ts';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const optionalUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.url().optional())
  .optional();
/** An http(s) address with no trailing slash: the clients append `/method` to it, and grammY refuses `//`. */
const optionalApiRoot = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value.replace(/\/+$/, '')))
  .pipe(z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// address' }).optional())
  .optional();
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''])
    .optional()
    .transform((value) => (value === undefined || value === '' ? fallback : ['true', '1', 'yes', 'on'].includes(value)));
const whole = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const positive = (fallback: number) => z.coerce.number().positive().default(fallback);
/** 0 lets the OS pick a free port (on loopback, where these listen). */
const loopbackPort = whole(0, 0, 65535);

/**
 * A Telegram chat id: an integer that a JavaScript number holds exactly. Parsed from the digits, never through
 * `Number()` first, so 2^53 + 1 is refused rather than rounded to a neighbour's id.
 */
export const chatId = z
  .string()
  .trim()
  .transform((value, ctx) => {
    if (!/^-?\d+$/.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'expected a numeric chat id, e.g. -1001234567890' });
      return z.NEVER;
    }
    const id = BigInt(value);
    if (id < BigInt(Number.MIN_SAFE_INTEGER) || id > BigInt(Number.MAX_SAFE_INTEGER)) {
      ctx.addIssue({ code: 'custom', message: 'out of range: a chat id is an integer within ±(2^53 - 1)' });
      return z.NEVER;
    }
    return Number(id);
  });

/** The ports Telegram sends webhooks to (Bot API, setWebhook). */
const TELEGRAM_WEBHOOK_PORTS = ['443', '80', '88', '8443'];

const timeZone = z
  .string()
  .default('Europe/Kyiv')
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'not a known IANA time zone (e.g. Europe/Kyiv)');

/** "1-5" (days 1 to 5), "10-25", or empty for every day. */
const dayWindow = z
  .string()
  .trim()
  .default('')
  .transform((value, ctx) => {
    if (value === '') return null;
    const match = /^(\d{1,2})\s*-\s*(\d{1,2})$/.exec(value);
    const fromDay = Number(match?.[1]);
    const toDay = Number(match?.[2]);
    if (!match || fromDay < 1 || toDay > 31 || fromDay > toDay) {
      ctx.addIssue({ code: 'custom', message: 'expected FROM-TO days of the month, e.g. 1-5, or empty' });
      return z.NEVER;
    }
    return { fromDay, toDay };
  });

/** "21-9" (from 21:00 to 09:00 local time), or empty for none. */
const hourRange = z
  .string()
  .trim()
  .default('21-9')
  .transform((value, ctx) => {
    if (value === '') return null;
    const match = /^(\d{1,2})\s*-\s*(\d{1,2})$/.exec(value);
    const fromHour = Number(match?.[1]);
    const toHour = Number(match?.[2]);
    if (!match || fromHour > 23 || toHour > 23 || fromHour === toHour) {
      ctx.addIssue({ code: 'custom', message: 'expected FROM-TO hours, e.g. 21-9, or empty' });
      return z.NEVER;
    }
    return { fromHour, toHour };
  });

const environment = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: whole(3000, 0, 65535),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: optionalUrl,
  EMBEDDED_DB_DIR: z.string().trim().min(1).default('./data'),
  EMBEDDED_DB_PORT: loopbackPort,
  DB_POOL_MAX: whole(10, 2, 200),
  STARTUP_TIMEOUT_SECONDS: whole(30, 1, 3600),

  CABINET_TZ: timeZone,
  PROOF_PAIR_FAILURES_PER_DAY: whole(3, 1, 100),
  PROOF_SUBSCRIBER_ACCOUNTS_PER_DAY: whole(3, 1, 100),
  PROOF_SUBSCRIBER_ACCOUNTS_PER_MONTH: whole(10, 1, 1000),
  PROOF_ACCOUNT_FAILURES_PER_DAY: whole(5, 1, 1000),
  PROOF_BURST_ALERT_PER_HOUR: whole(30, 1, 100_000),
  READINGS_WINDOW: dayWindow,
  READINGS_REFUSE_AFTER_VERIFICATION: flag(true),
  READINGS_JUMP_M3_PER_DAY: positive(3),
  UTILITY_EMERGENCY_PHONE: optionalText.pipe(z.string().max(64).optional()),

  TELEGRAM_BOT_TOKEN: optionalText,
  TELEGRAM_API_ROOT: optionalApiRoot,
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and -')
    .optional(),
  TELEGRAM_STAFF_CHAT_ID: chatId.optional(),
  TELEGRAM_GLOBAL_PER_SECOND: positive(30),
  TELEGRAM_GROUP_PER_MINUTE: positive(20),

  VIBER_AUTH_TOKEN: optionalText,
  VIBER_API_URL: optionalApiRoot,
  VIBER_BOT_NAME: z.string().trim().min(1).max(28).default('Водоканал'),
  VIBER_BOT_AVATAR: optionalUrl,
  VIBER_WEBHOOK_URL: optionalUrl,
  VIBER_REMINDERS: flag(true),
  /** The bot's public account URI (viber://pa?chatURI=…): the «Підключити Viber» deep link needs it. */
  VIBER_CHAT_URI: z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'the chat URI from the Viber bot account, letters, digits, _ . -').optional(),

  SMS_SMPP_URL: optionalText.pipe(
    z
      .string()
      .refine((url) => parseSmppUrl(url) !== null, 'expected smpp://system_id:password@host:port')
      .optional(),
  ),
  SMS_SOURCE_ADDR: optionalText.pipe(z.string().max(21).optional()),
  SMS_PER_SECOND: positive(5),
  SMS_PER_PHONE_PER_DAY: whole(10, 1, 1000),
  SMS_REPLIES: flag(true),
  SMS_ENQUIRE_LINK_SECONDS: whole(30, 5, 600),

  REMINDER_CRON: z
    .string()
    .trim()
    .default('0 10 20-25 * *')
    .refine((expression) => cron.validate(expression), 'not a valid cron expression (node-cron), e.g. 0 10 20-25 * *'),
  REMINDER_TZ: timeZone,
  REMINDER_QUIET_HOURS: hourRange,
  /** How long a reminder claim may stay unsettled before another sender takes it over (tests shorten it). */
  REMINDER_LEASE_SECONDS: positive(600),

  /** Local hour of the evening before planned works at which subscribers are told of them. */
  OUTAGE_EVENING_HOUR: whole(18, 0, 23),
  /** How often each instance looks for outage notices due (an emergency goes out within this). */
  OUTAGE_DELIVERY_SECONDS: positive(10),
  /** How long an outage notice claim may stay unsettled before another sender takes it over. */
  OUTAGE_LEASE_SECONDS: positive(600),

  PLAYGROUND_TELEGRAM_PORT: loopbackPort,
  PLAYGROUND_VIBER_PORT: loopbackPort,

  // Online payments (issue 14): LiqPay's keys from its merchant cabinet; without both, payment is not offered.
  LIQPAY_PUBLIC_KEY: optionalText,
  LIQPAY_PRIVATE_KEY: optionalText,
  LIQPAY_CHECKOUT_URL: z.url().default('https://www.liqpay.ua/api/3/checkout'),
  LIQPAY_API_URL: z.url().default('https://www.liqpay.ua/api/request'),
  PUBLIC_BASE_URL: optionalUrl,
  PAYMENT_MAX_UAH: whole(20_000, 1, 1_000_000),
  PAYMENT_CONFIRM_DAYS: whole(3, 1, 60),
  PAYMENT_RECONCILE_AFTER_SECONDS: whole(300, 1, 86_400),
  PAYMENT_RECONCILE_CRON: z.string().trim().min(1).default('*/2 * * * *'),
});

type Environment = z.infer<typeof environment>;

export interface Config {
  env: Environment['NODE_ENV'];
  http: { port: number; host: string };
  logLevel: Environment['LOG_LEVEL'];
  /** How long each start-up step (connecting to the database, starting a bot) may take before the start fails. */
  startupTimeoutMs: number;
  database: { url: string | undefined; embeddedDir: string; embeddedPort: number; poolMax: number };
  core: CoreSettings;
  telegram:
    | {
        token: string;
        apiRoot: string | undefined;
        webhook: { url: string; path: string; secret: string } | undefined;
        staffChatId: number | undefined;
        globalPerSecond: number;
        groupPerMinute: number;
      }
    | undefined;
  viber:
    | {
        authToken: string;
        apiUrl: string;
        name: string;
        avatar: string | undefined;
        webhook: { url: string; path: string } | undefined;
        remindersEnabled: boolean;
        chatUri?: string;
      }
    | undefined;
  reminders: { cron: string; timeZone: string; quietHours: { fromHour: number; toHour: number } | null; leaseMs: number };
  /** Outage notices (core/outages); quiet hours and the zone are the reminders'. */
  outages: { eveningHour: number; deliveryEveryMs: number; leaseMs: number };
  /** Loopback ports of the playground's stand-ins of Telegram and Viber; 0 lets the OS pick free ones. */
  playground: { telegramPort: number; viberPort: number };
  /** Readings by SMS over SMPP; undefined (the channel off) without SMS_SMPP_URL. */
  sms: SmsSettings | undefined;
  payments: {
    rules: PaymentRules;
    /** When the reconciliation job runs (node-cron; a sixth leading field is seconds). */
    reconcileCron: string;
    /** Set when both LiqPay keys are. The private key is in here: never log this object. */
    liqpay: { publicKey: string; privateKey: string; checkoutUrl: string; apiUrl: string; publicBaseUrl: string } | undefined;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; every wrong variable is named in one error, so an operator fixes them all at once. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(source);
  if (!parsed.success) {
    // One line per variable, however many of its checks failed.
    const byVariable = new Map<string, string[]>();
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.') || '(environment)';
      byVariable.set(name, [...(byVariable.get(name) ?? []), issue.message]);
    }
    throw new ConfigError([...byVariable].map(([name, messages]) => `${name}: ${[...new Set(messages)].join('; ')}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set');
  }
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_BOT_TOKEN) problems.push('TELEGRAM_BOT_TOKEN: required when TELEGRAM_WEBHOOK_URL is set');
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_API_ROOT) problems.push(...webhookReachableByTelegram(e.TELEGRAM_WEBHOOK_URL));
  if (e.VIBER_AUTH_TOKEN && !e.VIBER_WEBHOOK_URL) {
    problems.push('VIBER_WEBHOOK_URL: required when VIBER_AUTH_TOKEN is set (Viber only delivers to a webhook)');
  }
  if (e.NODE_ENV === 'production' && !e.TELEGRAM_BOT_TOKEN && !e.VIBER_AUTH_TOKEN) {
    problems.push('TELEGRAM_BOT_TOKEN or VIBER_AUTH_TOKEN: required when NODE_ENV=production (without them the local playground starts, with demo data)');
  }
  if (e.SMS_SMPP_URL && !e.SMS_SOURCE_ADDR) problems.push('SMS_SOURCE_ADDR: required when SMS_SMPP_URL is set (the number replies come from)');
  if (Boolean(e.LIQPAY_PUBLIC_KEY) !== Boolean(e.LIQPAY_PRIVATE_KEY)) problems.push('LIQPAY_PUBLIC_KEY and LIQPAY_PRIVATE_KEY: set both or neither');
  if (e.LIQPAY_PRIVATE_KEY && !e.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL: required with the LiqPay keys (LiqPay posts its callback there)');
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST },
    logLevel: e.LOG_LEVEL,
    startupTimeoutMs: e.STARTUP_TIMEOUT_SECONDS * 1000,
    database: { url: e.DATABASE_URL, embeddedDir: e.EMBEDDED_DB_DIR, embeddedPort: e.EMBEDDED_DB_PORT, poolMax: e.DB_POOL_MAX },
    core: {
      timeZone: e.CABINET_TZ,
      proofLimits: {
        pairFailuresPerDay: e.PROOF_PAIR_FAILURES_PER_DAY,
        subscriberAccountsPerDay: e.PROOF_SUBSCRIBER_ACCOUNTS_PER_DAY,
        subscriberAccountsPerMonth: e.PROOF_SUBSCRIBER_ACCOUNTS_PER_MONTH,
        accountFailuresPerDay: e.PROOF_ACCOUNT_FAILURES_PER_DAY,
        burstAlertPerHour: e.PROOF_BURST_ALERT_PER_HOUR,
      },
      readings: {
        window: e.READINGS_WINDOW,
        refuseAfterVerificationDue: e.READINGS_REFUSE_AFTER_VERIFICATION,
        jumpConfirmM3PerDay: e.READINGS_JUMP_M3_PER_DAY,
      },
      emergencyPhone: e.UTILITY_EMERGENCY_PHONE,
      outageEveningHour: e.OUTAGE_EVENING_HOUR,
    },
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT,
          webhook:
            e.TELEGRAM_WEBHOOK_URL && e.TELEGRAM_WEBHOOK_SECRET
              ? { url: e.TELEGRAM_WEBHOOK_URL, path: new URL(e.TELEGRAM_WEBHOOK_URL).pathname, secret: e.TELEGRAM_WEBHOOK_SECRET }
              : undefined,
          staffChatId: e.TELEGRAM_STAFF_CHAT_ID,
          globalPerSecond: e.TELEGRAM_GLOBAL_PER_SECOND,
          groupPerMinute: e.TELEGRAM_GROUP_PER_MINUTE,
        }
      : undefined,
    viber: e.VIBER_AUTH_TOKEN
      ? {
          authToken: e.VIBER_AUTH_TOKEN,
          apiUrl: e.VIBER_API_URL ?? 'https://chatapi.viber.com/pa',
          name: e.VIBER_BOT_NAME,
          avatar: e.VIBER_BOT_AVATAR,
          webhook: e.VIBER_WEBHOOK_URL ? { url: e.VIBER_WEBHOOK_URL, path: new URL(e.VIBER_WEBHOOK_URL).pathname } : undefined,
          remindersEnabled: e.VIBER_REMINDERS,
          ...(e.VIBER_CHAT_URI ? { chatUri: e.VIBER_CHAT_URI } : {}),
        }
      : undefined,
    reminders: { cron: e.REMINDER_CRON, timeZone: e.REMINDER_TZ, quietHours: e.REMINDER_QUIET_HOURS, leaseMs: e.REMINDER_LEASE_SECONDS * 1000 },
    outages: { eveningHour: e.OUTAGE_EVENING_HOUR, deliveryEveryMs: e.OUTAGE_DELIVERY_SECONDS * 1000, leaseMs: e.OUTAGE_LEASE_SECONDS * 1000 },
    playground: { telegramPort: e.PLAYGROUND_TELEGRAM_PORT, viberPort: e.PLAYGROUND_VIBER_PORT },
    sms:
      e.SMS_SMPP_URL && e.SMS_SOURCE_ADDR
        ? {
            smpp: parseSmppUrl(e.SMS_SMPP_URL)!,
            sourceAddr: e.SMS_SOURCE_ADDR,
            perSecond: e.SMS_PER_SECOND,
            perPhonePerDay: e.SMS_PER_PHONE_PER_DAY,
            replies: e.SMS_REPLIES,
            enquireLinkMs: e.SMS_ENQUIRE_LINK_SECONDS * 1000,
            reconnectMinMs: 1000,
            reconnectMaxMs: 60_000,
            lockRetryMs: 15_000,
          }
        : undefined,
    payments: {
      rules: { maxKop: e.PAYMENT_MAX_UAH * 100, confirmDays: e.PAYMENT_CONFIRM_DAYS, reconcileAfterMs: e.PAYMENT_RECONCILE_AFTER_SECONDS * 1000 },
      reconcileCron: e.PAYMENT_RECONCILE_CRON,
      liqpay:
        e.LIQPAY_PUBLIC_KEY && e.LIQPAY_PRIVATE_KEY && e.PUBLIC_BASE_URL
          ? {
              publicKey: e.LIQPAY_PUBLIC_KEY,
              privateKey: e.LIQPAY_PRIVATE_KEY,
              checkoutUrl: e.LIQPAY_CHECKOUT_URL,
              apiUrl: e.LIQPAY_API_URL,
              publicBaseUrl: e.PUBLIC_BASE_URL,
            }
          : undefined,
    },
  };
}

/**
 * Telegram's own Bot API calls webhooks only over HTTPS and only on ports 443, 80, 88 and 8443; any other URL
 * passes every local check and fails at setWebhook. (A self-hosted Bot API server in local mode takes plain
 * HTTP on any port, so with TELEGRAM_API_ROOT set the check is that server's.)
 */
function webhookReachableByTelegram(address: string): string[] {
  const url = new URL(address);
  if (url.protocol !== 'https:') {
    return [`TELEGRAM_WEBHOOK_URL: Telegram calls webhooks only over https:// (this is ${url.protocol}//); use HTTPS, or set TELEGRAM_API_ROOT to a self-hosted Bot API server`];
  }
  const port = url.port === '' ? '443' : url.port;
  if (!TELEGRAM_WEBHOOK_PORTS.includes(port)) {
    return [`TELEGRAM_WEBHOOK_URL: Telegram calls webhooks only on ports 443, 80, 88 or 8443 (this is ${port})`];
  }
  return [];
}
