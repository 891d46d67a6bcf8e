/** The SMS channel's settings (from SMS_* in bots/config.ts); no settings, no channel. */
export interface SmsSettings {
  smpp: { host: string; port: number; systemId: string; password: string };
  /** The utility's number or short code replies are sent from (SMS_SOURCE_ADDR). */
  sourceAddr: string;
  /** submit_sm per second the provider allows (SMS_PER_SECOND). */
  perSecond: number;
  /** Incoming SMS handled per phone and day (SMS_PER_PHONE_PER_DAY); the rest are kept but not answered. */
  perPhonePerDay: number;
  /** SMS_REPLIES=false: readings are taken, nothing is sent back (e.g. while the provider bills replies). */
  replies: boolean;
  /** How often to ask the SMSC whether the bind is alive. */
  enquireLinkMs: number;
  /** First and longest wait before binding again after the connection is lost. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** How often an instance without the bind asks whether it may take it. */
  lockRetryMs: number;
}

/** 'smpp://system_id:password@host:port' → its parts; null when it is not such a URL. */
export function parseSmppUrl(url: string): SmsSettings['smpp'] | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'smpp:' || !parsed.hostname || !parsed.username) return null;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 2775,
    systemId: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}
