import express, { type Router } from 'express';
import type { Logger } from '../../bots/logger.ts';
import { toParts } from '../../bots/sms/outgoing.ts';
import { normalizePhone } from '../../core/parse.ts';
import type { DemoAccount } from '../../core/billing/demo-data.ts';
import type { FakeSmsc } from '../fake-smsc/index.ts';
import { BadInput, text } from './input.ts';
import { jsonRoute, unlessShown } from './json-route.ts';
import { UNKNOWN_PHONE } from './people.ts';

// The page's JSON API for SMS (/playground/api/sms/*). A phone "sends" an SMS by the stand-in of the SMSC handing
// the bound app a deliver_sm, as an operator would (a long one in parts joined by a UDH, as a phone splits it);
// the app's replies arrive at the stand-in as submit_sm and are kept here beside what the phone sent.

/** One SMS in a phone's conversation with the utility's number. */
export interface SmsMessageView {
  seq: number;
  /** Sent by the phone (true) or a reply from the utility (false). */
  mine: boolean;
  text: string;
  /** SMS parts it took (UCS-2: 70 characters in one, 67 in each of several). */
  parts: number;
  /** Unix seconds, as the chat views give dates. */
  date: number;
}

export interface SmsChatView {
  phone: string;
  /** Whether the app holds its bind to the stand-in (no bind, no SMS). */
  bound: boolean;
  messages: SmsMessageView[];
  version: string;
}

export interface SmsPhone {
  phone: string;
  label: string;
}

export interface SmsWorld {
  /** The stand-in, or undefined when SMS_SMPP_URL points the app at a real SMSC (the pane is then off). */
  smsc: FakeSmsc | undefined;
  serviceNumber: string;
  phones: SmsPhone[];
  /** Called by the stand-in for each whole reply. */
  replied(reply: { to: string; text: string; parts: number }): void;
  conversation(phone: string): SmsMessageView[];
  sent(phone: string, text: string, parts: number): void;
}

/** What a phone may type before it gives up: a handful of parts, far more than any reading needs. */
const MAX_SMS_UNITS = 6 * 67;

export function createSmsWorld(demo: readonly DemoAccount[], serviceNumber: string): SmsWorld {
  const log: (SmsMessageView & { phone: string })[] = [];
  const add = (phone: string, mine: boolean, body: string, parts: number) => {
    log.push({ seq: log.length + 1, phone, mine, text: body, parts, date: Math.floor(Date.now() / 1000) });
  };
  const billing = demo.filter((a): a is DemoAccount & { phone: string } => !!a.phone);
  return {
    smsc: undefined,
    serviceNumber,
    phones: [
      ...billing.map((a) => ({ phone: a.phone, label: `${a.phone} — ${a.surname} ${a.givenNames.slice(0, 1)}. (рахунок ${a.number})` })),
      { phone: UNKNOWN_PHONE, label: `${UNKNOWN_PHONE} — немає в білінгу` },
    ],
    replied: (reply) => add(normalizePhone(reply.to) ?? reply.to, false, reply.text, reply.parts),
    conversation: (phone) => log.filter((m) => m.phone === phone).map(({ phone: _phone, ...message }) => message),
    sent: (phone, body, parts) => add(phone, true, body, parts),
  };
}

export function createSmsRoutes(world: SmsWorld, logger: Logger): Router {
  const router = express.Router();
  const handle = jsonRoute({ refusalPrefix: /^fake SMSC:\s*/ });
  let ref = 0;

  const phoneOf = (raw: unknown): string => {
    const phone = normalizePhone(String(raw ?? ''));
    if (!phone) throw new BadInput('телефон: потрібен український номер, напр. 380501234567');
    return phone;
  };
  const standIn = (): FakeSmsc => {
    if (!world.smsc) throw new BadInput('SMS_SMPP_URL задано: SMS ходять через справжній SMSC, тут їх не надіслати');
    return world.smsc;
  };

  router.get(
    '/:phone',
    handle((req, res) => {
      const phone = phoneOf(req.params.phone);
      const messages = world.conversation(phone);
      const bound = (world.smsc?.boundSessions() ?? 0) > 0;
      return unlessShown(req, res, { phone, bound, messages, version: `${messages.at(-1)?.seq ?? 0}:${bound}` } satisfies SmsChatView);
    }),
  );

  router.post(
    '/:phone/text',
    handle(async (req) => {
      const phone = phoneOf(req.params.phone);
      const smsc = standIn();
      const body = text(((req.body ?? {}) as Record<string, unknown>).text, 'SMS', MAX_SMS_UNITS);
      if (smsc.boundSessions() === 0) throw new BadInput('застосунок ще не під’єднався до імітації SMSC — спробуйте за мить');
      ref = (ref + 1) & 0xff;
      const parts = toParts(body, ref);
      world.sent(phone, body, parts.length);
      logger.debug({ parts: parts.length }, 'playground: sms sent to the app');
      if (parts.length > 1) {
        await smsc.deliverLong(phone, parts.map((p) => p.text), { ref });
        return { parts: parts.length };
      }
      const status = await smsc.deliver(phone, body);
      // The app answers an error when it could not keep the SMS (a real SMSC would deliver it again later).
      if (status !== 0) throw new BadInput(`застосунок не прийняв SMS (deliver_sm_resp: ${status === null ? 'немає' : `0x${status.toString(16)}`})`);
      return { parts: 1 };
    }),
  );

  return router;
}
