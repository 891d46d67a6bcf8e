import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bots/config.ts';

describe('configuration', () => {
  it('starts on defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ port: 3000, host: '127.0.0.1' });
    expect(config.database.url).toBeUndefined();
    expect(config.core.timeZone).toBe('Europe/Kyiv');
    expect(config.core.readings.window).toBeNull();
    expect(config.telegram).toBeUndefined();
    expect(config.viber).toBeUndefined();
    expect(config.reminders.quietHours).toEqual({ fromHour: 21, toHour: 9 });
  });

  it('names every wrong variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', CABINET_TZ: 'Mars/Olympus', READINGS_WINDOW: '5-1', DATABASE_URL: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'CABINET_TZ', 'READINGS_WINDOW', 'DATABASE_URL']) expect(message).toContain(name);
  });

  it('requires the secret with a Telegram webhook and derives the route from the URL', () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_URL: 'https://bots.example.org/tg/hook' })).toThrow(
      /TELEGRAM_WEBHOOK_SECRET/,
    );
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: '1:abc',
      TELEGRAM_WEBHOOK_URL: 'https://bots.example.org/tg/hook',
      TELEGRAM_WEBHOOK_SECRET: 's3cret_value',
      TELEGRAM_STAFF_CHAT_ID: '-1001234567890',
    });
    expect(config.telegram?.webhook).toEqual({ url: 'https://bots.example.org/tg/hook', path: '/tg/hook', secret: 's3cret_value' });
    expect(config.telegram?.staffChatId).toBe(-1001234567890);
  });

  it('reads windows, quiet hours and flags', () => {
    const config = loadConfig({ READINGS_WINDOW: '1-25', REMINDER_QUIET_HOURS: '', READINGS_REFUSE_AFTER_VERIFICATION: 'false' });
    expect(config.core.readings.window).toEqual({ fromDay: 1, toDay: 25 });
    expect(config.reminders.quietHours).toBeNull();
    expect(config.core.readings.refuseAfterVerificationDue).toBe(false);
  });

  it('reads the leak warning and meter photo settings, and refuses ones that make no sense by name', () => {
    expect(loadConfig({}).core.readings).toMatchObject({ leakFactor: 3, leakMinM3PerDay: 0.5, photoRequiredAboveJump: false, photoMaxBytes: 5 * 1024 * 1024 });
    const config = loadConfig({ LEAK_FACTOR: '4', LEAK_MIN_M3_PER_DAY: '1.2', READINGS_PHOTO_REQUIRED_ABOVE_JUMP: 'true', READINGS_PHOTO_MAX_BYTES: '1000000' });
    expect(config.core.readings).toMatchObject({ leakFactor: 4, leakMinM3PerDay: 1.2, photoRequiredAboveJump: true, photoMaxBytes: 1_000_000 });
    // A factor of 1 would call every month a leak; Telegram hands bots no file over 20 MB.
    expect(() => loadConfig({ LEAK_FACTOR: '1' })).toThrow(/LEAK_FACTOR/);
    expect(() => loadConfig({ LEAK_MIN_M3_PER_DAY: '0' })).toThrow(/LEAK_MIN_M3_PER_DAY/);
    expect(() => loadConfig({ READINGS_PHOTO_MAX_BYTES: String(21 * 1024 * 1024) })).toThrow(/READINGS_PHOTO_MAX_BYTES/);
  });

  it('refuses to start the playground in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TELEGRAM_BOT_TOKEN or VIBER_AUTH_TOKEN/);
    expect(loadConfig({ NODE_ENV: 'production', TELEGRAM_BOT_TOKEN: '1:abc' }).telegram?.token).toBe('1:abc');
  });

  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('drops a trailing slash from the API roots, and refuses one that is not an http(s) address, by name', () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/', VIBER_AUTH_TOKEN: 'v', VIBER_API_URL: 'https://viber.example.org/pa//', VIBER_WEBHOOK_URL: 'https://bots.example.org/vb' });
    expect(config.telegram?.apiRoot).toBe('http://127.0.0.1:8081');
    expect(config.viber?.apiUrl).toBe('https://viber.example.org/pa');
    const problems = problemsOf({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_API_ROOT: 'ftp://files.example.org', VIBER_API_URL: 'chatapi' });
    expect(problems).toEqual([expect.stringMatching(/^TELEGRAM_API_ROOT: /), expect.stringMatching(/^VIBER_API_URL: /)]);
  });

  it("refuses a webhook Telegram's own API would never call, naming the variable and the reason", () => {
    const base = { TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_SECRET: 'secret' };
    expect(problemsOf({ ...base, TELEGRAM_WEBHOOK_URL: 'http://bots.example.org/tg' })).toEqual([
      expect.stringMatching(/^TELEGRAM_WEBHOOK_URL: .*only over https:\/\/ \(this is http:\/\/\)/),
    ]);
    expect(problemsOf({ ...base, TELEGRAM_WEBHOOK_URL: 'https://bots.example.org:3000/tg' })).toEqual([
      expect.stringMatching(/^TELEGRAM_WEBHOOK_URL: .*ports 443, 80, 88 or 8443 \(this is 3000\)/),
    ]);
    for (const url of ['https://bots.example.org/tg', 'https://bots.example.org:8443/tg', 'https://bots.example.org:88/tg', 'https://bots.example.org:80/tg']) {
      expect(loadConfig({ ...base, TELEGRAM_WEBHOOK_URL: url }).telegram?.webhook?.url).toBe(url);
    }
    // A self-hosted Bot API server (local mode) calls plain HTTP on any port: there the check is the server's.
    const local = loadConfig({ ...base, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081', TELEGRAM_WEBHOOK_URL: 'http://127.0.0.1:3000/tg' });
    expect(local.telegram?.webhook?.path).toBe('/tg');
  });

  it('takes chat ids as exact integers and refuses one past 2^53 instead of rounding it', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_STAFF_CHAT_ID: String(-Number.MAX_SAFE_INTEGER) }).telegram?.staffChatId).toBe(-Number.MAX_SAFE_INTEGER);
    for (const id of ['9007199254740993', '-9007199254740993', '100000000000000000000']) {
      expect(problemsOf({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_STAFF_CHAT_ID: id })).toEqual([expect.stringMatching(/^TELEGRAM_STAFF_CHAT_ID: out of range/)]);
    }
    expect(problemsOf({ TELEGRAM_STAFF_CHAT_ID: '-100abc' })).toEqual([expect.stringMatching(/^TELEGRAM_STAFF_CHAT_ID: expected a numeric chat id/)]);
  });

  it('finds a bad REMINDER_CRON in the config check, before anything connects', () => {
    expect(problemsOf({ REMINDER_CRON: '0 10 32 * *' })).toEqual([expect.stringMatching(/^REMINDER_CRON: not a valid cron expression/)]);
    expect(problemsOf({ REMINDER_CRON: 'every day' })).toHaveLength(1);
    expect(loadConfig({ REMINDER_CRON: '*/5 * * * *' }).reminders.cron).toBe('*/5 * * * *');
  });

  it('gives one line per wrong variable, however many of its checks fail', () => {
    const problems = problemsOf({ PORT: '-1.5', TELEGRAM_STAFF_CHAT_ID: 'x' });
    expect(problems.filter((p) => p.startsWith('PORT:'))).toHaveLength(1);
    expect(problems).toHaveLength(2);
  });

  it('names the loopback ports and the start-up timeout, 0 meaning a free port the OS picks', () => {
    const defaults = loadConfig({});
    expect(defaults.database.embeddedPort).toBe(0);
    expect(defaults.playground).toMatchObject({ telegramPort: 0, viberPort: 0 });
    expect(defaults.startupTimeoutMs).toBe(30_000);
    const set = loadConfig({ EMBEDDED_DB_PORT: '5433', PLAYGROUND_TELEGRAM_PORT: '3001', PLAYGROUND_VIBER_PORT: '3002', STARTUP_TIMEOUT_SECONDS: '5' });
    expect([set.database.embeddedPort, set.playground.telegramPort, set.playground.viberPort, set.startupTimeoutMs]).toEqual([5433, 3001, 3002, 5000]);
    expect(problemsOf({ EMBEDDED_DB_PORT: '70000' })).toEqual([expect.stringMatching(/^EMBEDDED_DB_PORT: /)]);
  });

  it('turns the channels\' own checkouts on: the Telegram provider token, Viber with LiqPay as its provider', () => {
    const off = loadConfig({});
    expect([off.payments.telegramProviderToken, off.payments.viber]).toEqual([undefined, undefined]);
    const on = loadConfig({ TELEGRAM_PAYMENT_PROVIDER_TOKEN: ' 632593626:TEST:abc ', VIBER_PAYMENT_PROVIDER: 'liqpay' });
    expect(on.payments.telegramProviderToken).toBe('632593626:TEST:abc');
    expect(on.payments.viber).toEqual({ psp: 'liqpay', pspUrl: 'https://www.liqpay.ua/api/viber' });
    expect(problemsOf({ VIBER_PAYMENT_PROVIDER: 'portmone' })).toEqual([expect.stringMatching(/^VIBER_PAYMENT_PROVIDER: /)]);
    expect(problemsOf({ VIBER_PAYMENT_PSP_URL: 'liqpay' })).toEqual([expect.stringMatching(/^VIBER_PAYMENT_PSP_URL: /)]);
  });

  it('reads the media settings, refusing a short signing key and a link that outlives its media', () => {
    expect(loadConfig({}).media).toEqual({ publicBaseUrl: undefined, urlSecret: undefined, linkTtlMs: 24 * 3_600_000, keepMs: 7 * 86_400_000 });
    const secret = 'k'.repeat(32);
    expect(loadConfig({ MEDIA_URL_SECRET: secret, PUBLIC_BASE_URL: 'https://cabinet.example.ua', MEDIA_KEEP_DAYS: '2' }).media).toMatchObject({
      urlSecret: secret,
      publicBaseUrl: 'https://cabinet.example.ua',
      keepMs: 2 * 86_400_000,
    });
    expect(problemsOf({ MEDIA_URL_SECRET: 'short' })).toEqual([expect.stringMatching(/^MEDIA_URL_SECRET: /)]);
    expect(problemsOf({ MEDIA_LINK_TTL_HOURS: '49', MEDIA_KEEP_DAYS: '2' })).toEqual([expect.stringMatching(/^MEDIA_LINK_TTL_HOURS: /)]);
  });
});

describe('the utility’s details on statements (UTILITY_*)', () => {
  it('default to the name alone; take a spaced IBAN and check its digits and the ЄДРПОУ', () => {
    expect(loadConfig({}).core.utility).toMatchObject({ name: 'Водоканал', iban: undefined, edrpou: undefined });
    const config = loadConfig({ UTILITY_NAME: 'КП «Водоканал»', UTILITY_IBAN: 'ua21 3223 1300 0002 6007 2335 6600 1', UTILITY_EDRPOU: '03341316' });
    expect(config.core.utility).toMatchObject({ name: 'КП «Водоканал»', iban: 'UA213223130000026007233566001', edrpou: '03341316' });
    let problems: string[] = [];
    try {
      loadConfig({ UTILITY_IBAN: 'UA213223130000026007233566002', UTILITY_EDRPOU: '3341316' });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/UTILITY_IBAN: .*check digits/);
    expect(problems.join('\n')).toMatch(/UTILITY_EDRPOU: .*8 digits/);
  });
});
