import smpp, { type PDU, type Session } from 'smpp';
import type { CoreDeps } from '../../core/deps.ts';
import type { Logger } from '../logger.ts';
import { createOutboxDispatcher, type ClaimedEntry, type HandlerResult, type OutboxDispatcher } from '../outbox/dispatcher.ts';
import { tryBindLock, type BindLock } from './bind-lock.ts';
import { readDeliverSm } from './incoming.ts';
import { handleInboxRow, pendingInbox, recordSentPart, storeIncoming } from './inbox.ts';
import { createPacer, toParts } from './outgoing.ts';
import type { SmsSettings } from './settings.ts';

// The SMS channel over SMPP 3.4: one transceiver bind (taken only by the instance holding the bind lock) that
// receives deliver_sm and sends submit_sm. Incoming SMS go through sms_inbox (bots/sms/inbox.ts), replies through
// the outbox, sent by a dispatcher of this channel's own that runs only while the bind is up.

export interface SmsChannel {
  start(): void;
  /** Unbinds, frees the bind lock, waits for the SMS in hand. */
  stop(): Promise<void>;
  /** Whether this instance holds the bind right now. */
  bound(): boolean;
  /** Handles what is left in the inbox (tests; the channel does it by itself after each bind and SMS). */
  drain(): Promise<void>;
  outbox: OutboxDispatcher;
}

export interface SmsChannelDeps {
  settings: SmsSettings;
  core: CoreDeps;
  logger: Logger;
  /** How often the reply dispatcher looks for due replies when idle. */
  outboxPollMs?: number;
}

const RESPONSE_TIMEOUT_MS = 10_000;
const DRAIN_EVERY_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class SmppError extends Error {
  constructor(readonly command: string, readonly status: number) {
    super(`${command} answered with status 0x${status.toString(16)}`);
    this.name = 'SmppError';
  }
}

export function createSmsChannel(deps: SmsChannelDeps): SmsChannel {
  const { settings, core, logger } = deps;
  let stopped = true;
  let session: Session | undefined;
  let isBound = false;
  let loop: Promise<void> | undefined;
  let wake: () => void = () => undefined;
  let work: Promise<unknown> = Promise.resolve();
  let ref = Math.floor(Math.random() * 256);
  const pace = createPacer(settings.perSecond);

  /** Runs jobs one after another: SMS are handled in the order they arrived. */
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const next = work.then(job, job);
    work = next.catch(() => undefined);
    return next;
  };

  const drain = () =>
    serial(async () => {
      for (const id of await pendingInbox(core)) {
        try {
          await handleInboxRow({ core, settings, logger }, id);
        } catch (error) {
          logger.error({ smsId: id, err: error instanceof Error ? error.message : String(error) }, 'sms not handled; will retry');
        }
      }
      outbox.poke();
    });

  function request(s: Session, command: 'submit_sm' | 'bind_transceiver' | 'enquire_link', params: Record<string, unknown>): Promise<PDU> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command}: no answer in ${RESPONSE_TIMEOUT_MS} ms`)), RESPONSE_TIMEOUT_MS);
      const sent = s[command](params, (pdu: PDU) => {
        clearTimeout(timer);
        if (pdu.command_status === 0) resolve(pdu);
        else reject(new SmppError(command, pdu.command_status));
      });
      if (!sent) {
        clearTimeout(timer);
        reject(new Error(`${command}: the connection is closed`));
      }
    });
  }

  async function sendReply(entry: ClaimedEntry<'sms-reply'>): Promise<HandlerResult> {
    const s = session;
    if (!s || !isBound) return { kind: 'later', at: new Date(core.clock.now().getTime() + 5000) };
    const { phone, text } = entry.payload;
    const [already] = await core.db.hot<{ parts: string }>(`SELECT count(*) AS parts FROM sms_sent WHERE outbox_id = $1`, [entry.id]);
    ref = (ref + 1) & 0xff;
    const parts = toParts(text, ref);
    // Parts already accepted by the SMSC (the entry was cut short by a crash or a drop) are not sent again.
    for (const [i, part] of parts.entries()) {
      if (i < Number(already?.parts ?? 0)) continue;
      await pace();
      let response: PDU;
      try {
        response = await request(s, 'submit_sm', {
          source_addr: settings.sourceAddr,
          source_addr_ton: /^\d+$/.test(settings.sourceAddr) ? (settings.sourceAddr.length <= 6 ? 3 : 1) : 5,
          source_addr_npi: /^\d+$/.test(settings.sourceAddr) ? 1 : 0,
          destination_addr: phone,
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          data_coding: smpp.ENCODING.UCS2,
          esm_class: part.udh ? smpp.ESM_CLASS.UDH_INDICATOR : 0,
          registered_delivery: 1,
          short_message: part.udh ? { udh: part.udh, message: part.text } : { message: part.text },
        });
      } catch (error) {
        if (error instanceof SmppError && error.status === smpp.ESME_RTHROTTLED) {
          return { kind: 'later', at: new Date(core.clock.now().getTime() + 2000) };
        }
        throw error;
      }
      const messageId = typeof response.message_id === 'string' && response.message_id !== '' ? response.message_id : null;
      await recordSentPart(core, { outboxId: entry.id, part: i, messageId });
    }
    return { kind: 'done' };
  }

  const outbox = createOutboxDispatcher({
    sequelize: core.db.sequelize,
    clock: core.clock,
    logger: logger.child({ part: 'sms-outbox' }),
    handlers: { 'sms-reply': sendReply },
    pollMs: deps.outboxPollMs ?? 1000,
    leaseMs: 60_000,
  });

  function onDeliverSm(s: Session, pdu: PDU): void {
    // Kept before it is answered: an SMS the SMSC saw answered is never sent again.
    void serial(async () => {
      let status = 0;
      let storedId: number | null = null;
      try {
        const stored = await storeIncoming(core, readDeliverSm(pdu));
        logger.debug({ stored: stored.kind }, 'deliver_sm kept');
        if (stored.kind === 'stored') storedId = stored.id;
      } catch (error) {
        status = smpp.ESME_RSYSERR;
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'sms not kept; the SMSC will deliver it again');
      }
      s.send(pdu.response({ command_status: status }));
      if (storedId !== null) {
        try {
          await handleInboxRow({ core, settings, logger }, storedId);
        } catch (error) {
          logger.error({ smsId: storedId, err: error instanceof Error ? error.message : String(error) }, 'sms not handled; will retry');
        }
        outbox.poke();
      }
    });
  }

  /** Connects and binds; resolves when the connection is over (or never came up). */
  async function bindOnce(lock: BindLock): Promise<boolean> {
    const s = smpp.connect({ host: settings.smpp.host, port: settings.smpp.port });
    session = s;
    const closed = new Promise<void>((resolve) => {
      s.on('close', () => resolve());
    });
    s.on('error', (error: Error) => logger.warn({ err: error.message }, 'smpp connection error'));
    s.on('deliver_sm', (pdu: PDU) => onDeliverSm(s, pdu));
    s.on('enquire_link', (pdu: PDU) => s.send(pdu.response()));
    s.on('unbind', (pdu: PDU) => {
      s.send(pdu.response());
      s.close();
    });
    const end = () => s.destroy();
    void lock.lost.then(end);
    let wasBound = false;
    let keepAlive: NodeJS.Timeout | undefined;
    try {
      await Promise.race([new Promise<void>((resolve) => s.socket.once('connect', () => resolve())), closed]);
      if (!s.socket.writable) return false;
      await request(s, 'bind_transceiver', {
        system_id: settings.smpp.systemId,
        password: settings.smpp.password,
        interface_version: 0x34,
      });
      wasBound = true;
      isBound = true;
      logger.info({ host: settings.smpp.host }, 'smpp bound as transceiver');
      keepAlive = setInterval(() => {
        request(s, 'enquire_link', {}).catch((error: unknown) => {
          logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'smpp link not answering; reconnecting');
          s.destroy();
        });
      }, settings.enquireLinkMs);
      outbox.start();
      void drain();
      const drainTimer = setInterval(() => void drain(), DRAIN_EVERY_MS);
      await closed;
      clearInterval(drainTimer);
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'smpp bind failed');
      s.destroy();
    } finally {
      clearInterval(keepAlive);
      isBound = false;
      session = undefined;
      await outbox.stop();
    }
    return wasBound;
  }

  async function holdBind(lock: BindLock): Promise<void> {
    let backoff = settings.reconnectMinMs;
    let lost = false;
    void lock.lost.then(() => {
      lost = true;
      wake();
    });
    while (!stopped && !lost) {
      const wasBound = await bindOnce(lock);
      if (stopped || lost) break;
      if (wasBound) backoff = settings.reconnectMinMs;
      logger.info({ inMs: backoff }, 'smpp reconnecting');
      await nap(backoff);
      backoff = Math.min(settings.reconnectMaxMs, backoff * 2);
    }
  }

  /** Sleeps, but stop() or a lost lock cut it short. */
  function nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async function run(): Promise<void> {
    while (!stopped) {
      let lock: BindLock | null = null;
      try {
        lock = await tryBindLock(core.db);
      } catch (error) {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'sms bind lock not checked');
      }
      if (!lock) {
        await nap(settings.lockRetryMs);
        continue;
      }
      try {
        await holdBind(lock);
      } finally {
        await lock.release();
      }
      // A lock lost with its connection: give another instance the first chance to take the bind.
      if (!stopped) await nap(settings.lockRetryMs);
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop = run().catch((error: unknown) => logger.error({ err: error instanceof Error ? error.message : String(error) }, 'sms channel stopped'));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      wake();
      const s = session;
      if (s) {
        // A polite unbind, then the socket goes whatever the SMSC says.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000);
          const sent = s.unbind(() => {
            clearTimeout(timer);
            resolve();
          });
          if (!sent) {
            clearTimeout(timer);
            resolve();
          }
        });
        s.destroy();
      }
      await loop;
      await work;
    },
    bound: () => isBound,
    drain,
    outbox,
  };
}
