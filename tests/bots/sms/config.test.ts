import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../bots/config.ts';

describe('SMS configuration', () => {
  it('is off without SMS_SMPP_URL', () => {
    expect(loadConfig({}).sms).toBeUndefined();
  });

  it('reads the SMPP account from the URL, with the defaults', () => {
    const config = loadConfig({ SMS_SMPP_URL: 'smpp://vodokanal:p%40ss@smsc.example.net:2775', SMS_SOURCE_ADDR: '7750' });
    expect(config.sms).toMatchObject({
      smpp: { host: 'smsc.example.net', port: 2775, systemId: 'vodokanal', password: 'p@ss' },
      sourceAddr: '7750',
      perSecond: 5,
      perPhonePerDay: 10,
      replies: true,
      enquireLinkMs: 30_000,
    });
    expect(loadConfig({ SMS_SMPP_URL: 'smpp://a:b@h:1', SMS_SOURCE_ADDR: 'Vodokanal', SMS_REPLIES: 'false', SMS_PER_PHONE_PER_DAY: '3' }).sms)
      .toMatchObject({ replies: false, perPhonePerDay: 3, sourceAddr: 'Vodokanal' });
  });

  it('without SMS_SMPP_URL, keeps the limits for the playground stand-in of an SMSC', () => {
    expect(loadConfig({}).playground.sms).toEqual({ perPhonePerDay: 10, replies: true });
    const set = loadConfig({ SMS_PER_PHONE_PER_DAY: '3', SMS_REPLIES: 'false' });
    expect(set.sms).toBeUndefined();
    expect(set.playground.sms).toEqual({ perPhonePerDay: 3, replies: false });
  });

  it('refuses a URL that is not smpp:// or a missing source address, without echoing the password', () => {
    let error: unknown;
    try {
      loadConfig({ SMS_SMPP_URL: 'http://user:hunter2@host', SMS_PER_SECOND: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('SMS_SMPP_URL');
    expect(message).toContain('SMS_PER_SECOND');
    expect(message).not.toContain('hunter2');
    expect(() => loadConfig({ SMS_SMPP_URL: 'smpp://a:b@h:1' })).toThrow(/SMS_SOURCE_ADDR/);
  });
});
