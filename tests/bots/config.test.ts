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

  it('refuses to start the playground in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TELEGRAM_BOT_TOKEN or VIBER_AUTH_TOKEN/);
    expect(loadConfig({ NODE_ENV: 'production', TELEGRAM_BOT_TOKEN: '1:abc' }).telegram?.token).toBe('1:abc');
  });
});
