import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Session } from 'smpp';

// A stand-in of an operator's SMSC over real SMPP 3.4 (the `smpp` package's server side), for tests and local
// runs: it takes transceiver binds, hands the bound app SMS (as a phone would send them: whole, in UDH or sar_
// parts) and keeps every submit_sm the app sends, joined back into whole replies, answering with delivery receipts.

export interface FakeSmsc {
  port: number;
  url: string;
  /** Binds accepted so far, and the sessions bound right now. */
  binds: number;
  /** enquire_link requests the app sent (its keep-alive). */
  enquireLinks: number;
  boundSessions(): number;
  /** Whole replies received (parts joined), oldest first. */
  replies: { to: string; text: string; parts: number }[];
  /** Sends an SMS from `from` to the bound app; resolves with the deliver_sm_resp status (or null if none came). */
  deliver(from: string, text: string, options?: DeliverOptions): Promise<number | null>;
  /** Sends a long SMS in parts (UDH, or sar_ parameters). */
  deliverLong(from: string, parts: string[], options?: { sar?: boolean; ref?: number }): Promise<void>;
  /** Drops every connection (as a network failure would). */
  dropAll(): void;
  /** Waits until `n` replies have arrived. */
  waitForReplies(n: number, timeoutMs?: number): Promise<FakeSmsc['replies']>;
  waitForBind(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface DeliverOptions {
  /** Reuse this sequence number (an SMSC resending the same deliver_sm). */
  sequence?: number;
  /** Drop the connection right after sending, before the app's answer arrives. */
  dropBeforeResp?: boolean;
}

/** The utility's number the stand-in's subscribers write to (what SMS_SOURCE_ADDR would be). */
export const SERVICE_NUMBER = '7750';

export interface FakeSmscOptions {
  systemId?: string;
  password?: string;
  receipts?: boolean;
  /** Told of each whole reply as it arrives (the playground's SMS pane keeps the conversation in order). */
  onReply?: (reply: FakeSmsc['replies'][number]) => void;
}

export async function startFakeSmsc(options: FakeSmscOptions = {}): Promise<FakeSmsc> {
  const systemId = options.systemId ?? 'vodokanal';
  const password = options.password ?? 'secret';
  const bound = new Set<Session>();
  const sessions = new Set<Session>();
  const partsByRef = new Map<string, string[]>();
  let nextMessageId = 1000;
  let sequence = 5000;

  const fake: FakeSmsc = {
    port: 0,
    url: '',
    binds: 0,
    enquireLinks: 0,
    boundSessions: () => bound.size,
    replies: [],
    deliver,
    deliverLong,
    dropAll,
    waitForReplies,
    waitForBind,
    close,
  };

  const server = smpp.createServer({}, (session: Session) => {
    sessions.add(session);
    session.on('close', () => {
      sessions.delete(session);
      bound.delete(session);
    });
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu: PDU) => {
      if (pdu.system_id !== systemId || pdu.password !== password) {
        session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
        session.close();
        return;
      }
      fake.binds += 1;
      bound.add(session);
      session.send(pdu.response({ system_id: 'FAKE-SMSC' }));
    });
    session.on('enquire_link', (pdu: PDU) => {
      fake.enquireLinks += 1;
      session.send(pdu.response());
    });
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: PDU) => {
      const messageId = String(nextMessageId++);
      session.send(pdu.response({ message_id: messageId }));
      const decoded = pdu.short_message as { message: string; udh?: Buffer[] };
      const to = String(pdu.destination_addr);
      const concat = decoded.udh?.find((element) => element[0] === 0x00);
      if (concat) {
        const key = `${to}:${concat[2]}`;
        const got = partsByRef.get(key) ?? [];
        got[concat[4]! - 1] = decoded.message;
        partsByRef.set(key, got);
        if (got.filter((p) => p !== undefined).length === concat[3]) {
          partsByRef.delete(key);
          received({ to, text: got.join(''), parts: concat[3]! });
        }
      } else {
        received({ to, text: decoded.message, parts: 1 });
      }
      if (options.receipts !== false) {
        session.deliver_sm({
          source_addr: to,
          destination_addr: String(pdu.source_addr),
          esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
          short_message: `id:${messageId} sub:001 dlvrd:001 submit date:2612041200 done date:2612041200 stat:DELIVRD err:000 text:`,
          receipted_message_id: messageId,
          message_state: 2,
        });
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.port = (server.address() as AddressInfo).port;
  fake.url = `smpp://${systemId}:${password}@127.0.0.1:${fake.port}`;

  function received(reply: FakeSmsc['replies'][number]): void {
    fake.replies.push(reply);
    options.onReply?.(reply);
  }

  function anyBound(): Session {
    const [session] = bound;
    if (!session) throw new Error('no app is bound to the fake SMSC');
    return session;
  }

  function deliver(from: string, text: string, opts: DeliverOptions = {}): Promise<number | null> {
    const session = anyBound();
    return new Promise((resolve) => {
      const pdu = new (smpp as unknown as { PDU: new (command: string, options: Record<string, unknown>) => PDU }).PDU('deliver_sm', {
        sequence_number: opts.sequence ?? ++sequence,
        source_addr: from,
        source_addr_ton: 1,
        source_addr_npi: 1,
        destination_addr: SERVICE_NUMBER,
        data_coding: smpp.ENCODING.UCS2,
        short_message: { message: text },
      });
      const onClose = () => resolve(null);
      session.once('close', onClose);
      session.send(pdu, (resp: PDU) => {
        session.off('close', onClose);
        resolve(resp.command_status);
      });
      if (opts.dropBeforeResp) session.destroy();
    });
  }

  async function deliverLong(from: string, parts: string[], opts: { sar?: boolean; ref?: number } = {}): Promise<void> {
    const session = anyBound();
    const ref = opts.ref ?? 42;
    for (const [i, text] of parts.entries()) {
      await new Promise<void>((resolve) => {
        const params: Record<string, unknown> = {
          source_addr: from,
          destination_addr: SERVICE_NUMBER,
          data_coding: smpp.ENCODING.UCS2,
        };
        if (opts.sar) {
          Object.assign(params, { short_message: { message: text }, sar_msg_ref_num: ref, sar_total_segments: parts.length, sar_segment_seqnum: i + 1 });
        } else {
          Object.assign(params, {
            esm_class: smpp.ESM_CLASS.UDH_INDICATOR,
            short_message: { udh: Buffer.from([0x05, 0x00, 0x03, ref, parts.length, i + 1]), message: text },
          });
        }
        session.deliver_sm(params, () => resolve());
      });
    }
  }

  function dropAll(): void {
    for (const session of sessions) session.destroy();
  }

  async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`fake SMSC: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function waitForReplies(n: number, timeoutMs = 10_000) {
    await until(() => fake.replies.length >= n, timeoutMs, `${n} replies (got ${fake.replies.length})`);
    return fake.replies;
  }

  async function waitForBind(timeoutMs = 10_000) {
    await until(() => bound.size > 0, timeoutMs, 'a bind');
  }

  async function close(): Promise<void> {
    dropAll();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  return fake;
}
