import { z } from 'zod';

// Viber REST Bot API shapes: what we send (plain types) and what Viber posts to the webhook (zod schemas,
// because the callbacks come from outside). Only the fields this bot uses are typed; the rest passes through.

export type ViberEventType = 'delivered' | 'seen' | 'failed' | 'subscribed' | 'unsubscribed' | 'conversation_started' | 'message';

export interface ViberButton {
  ActionType: 'reply' | 'share-phone' | 'open-url' | 'none';
  ActionBody: string;
  Text?: string;
  /** 1-6: the keyboard is 6 columns wide. */
  Columns?: number;
  /** 1-2. */
  Rows?: number;
  BgColor?: string;
  TextSize?: 'small' | 'regular' | 'large';
  TextHAlign?: 'left' | 'center' | 'right';
  TextVAlign?: 'top' | 'middle' | 'bottom';
  /** A silent reply is not shown in the chat as the subscriber's message. */
  Silent?: boolean;
}

export interface ViberKeyboard {
  Type: 'keyboard';
  Buttons: ViberButton[];
  DefaultHeight?: boolean;
  BgColor?: string;
  InputFieldState?: 'regular' | 'minimized' | 'hidden';
}

export interface ViberSender {
  name: string;
  avatar?: string;
}

interface MessageBase {
  keyboard?: ViberKeyboard;
  tracking_data?: string;
  /** 3 or more for share-phone buttons; older clients then do not get the message. */
  min_api_version?: number;
}

/** A message body as send_message takes it (without receiver and sender, which the client adds). */
export type ViberOutgoing = MessageBase &
  (
    | { type: 'text'; text: string }
    | { type: 'picture'; text: string; media: string; thumbnail?: string }
    | { type: 'file'; media: string; size: number; file_name: string }
    | { type: 'url'; media: string }
    | { type: 'contact'; contact: { name: string; phone_number: string } }
    | { type: 'payment'; payment: ViberPayment }
  );

/** Viber's Bot Payment API (Ukraine only): a payment message; Viber shows a «continue to checkout» button for 15 minutes. */
export interface ViberPayment {
  /** "GooglePay" on Android, "ApplePay" on iOS: the wallet the checkout uses. */
  type: 'GooglePay' | 'ApplePay';
  description?: string;
  /** In the currency's units: 419.9 for 419,90 грн. */
  total_price: number;
  currency_code: string;
  /** What the payment service provider is given (for LiqPay: gateway, gatewayMerchantId, url, data, signature, payeeId). */
  payment_parameters: { key: string; value: string }[];
}

/** Payment messages need clients of API version 10 or later (send_message answers 13 or 14 otherwise). */
export const PAYMENT_MIN_API_VERSION = 10;

/** Viber's JSON status codes (HTTP is 200 either way). */
export const ViberStatus = {
  ok: 0,
  invalidUrl: 1,
  invalidAuthToken: 2,
  badData: 3,
  missingData: 4,
  receiverNotRegistered: 5,
  receiverNotSubscribed: 6,
  publicAccountBlocked: 7,
  publicAccountNotFound: 8,
  publicAccountSuspended: 9,
  webhookNotSet: 10,
  receiverNoSuitableDevice: 11,
  tooManyRequests: 12,
  apiVersionNotSupported: 13,
  incompatibleWithVersion: 14,
  paymentUnsupported: 22,
} as const;

export interface ViberAccountInfo {
  id: string;
  name: string;
  uri?: string;
  webhook?: string;
  event_types?: string[];
  subscribers_count?: number;
}

export interface ViberUserDetails {
  id: string;
  name?: string;
  avatar?: string;
  language?: string;
  country?: string;
  primary_device_os?: string;
  api_version?: number;
  device_type?: string;
}

// ---- callbacks ------------------------------------------------------------------------------------------

/**
 * Viber's message tokens are 64-bit integers, past what a JS number holds exactly: the raw JSON is rewritten
 * to carry them as strings before parsing (see parseCallbackJson), and numbers are still accepted here.
 */
const token = z.union([z.string().regex(/^\d{1,25}$/), z.number().int().nonnegative()]).transform(String);

const user = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional().default(''),
  avatar: z.string().optional(),
  language: z.string().optional(),
  country: z.string().optional(),
  api_version: z.number().optional(),
});

const inboundMessage = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  media: z.string().optional(),
  thumbnail: z.string().optional(),
  file_name: z.string().optional(),
  file_size: z.number().optional(),
  sticker_id: z.number().optional(),
  location: z.looseObject({ lat: z.number(), lon: z.number() }).optional(),
  contact: z.looseObject({ name: z.string().optional(), phone_number: z.string().optional() }).optional(),
  tracking_data: z.string().optional(),
});

export const callbackSchemas = {
  webhook: z.looseObject({ event: z.literal('webhook'), timestamp: z.number(), message_token: token.optional() }),
  conversation_started: z.looseObject({
    event: z.literal('conversation_started'),
    timestamp: z.number(),
    message_token: token,
    type: z.string().optional(),
    context: z.string().optional(),
    user,
    subscribed: z.boolean().optional().default(false),
  }),
  subscribed: z.looseObject({ event: z.literal('subscribed'), timestamp: z.number(), message_token: token, user }),
  unsubscribed: z.looseObject({ event: z.literal('unsubscribed'), timestamp: z.number(), message_token: token, user_id: z.string().min(1) }),
  message: z.looseObject({
    event: z.literal('message'),
    timestamp: z.number(),
    message_token: token,
    sender: user,
    message: inboundMessage,
  }),
  delivered: z.looseObject({ event: z.literal('delivered'), timestamp: z.number(), message_token: token, user_id: z.string().optional() }),
  seen: z.looseObject({ event: z.literal('seen'), timestamp: z.number(), message_token: token, user_id: z.string().optional() }),
  /**
   * The payment message's status callback (Viber's "Payment Button Clicked"): the subscriber pressed the provider's
   * «Pay»; code 0 as Viber's status codes go. It names no amount and no transaction: the payment service
   * provider's own callback brings those.
   */
  client_status: z.looseObject({
    event: z.literal('client_status'),
    timestamp: z.number(),
    message_token: token,
    user,
    status: z.looseObject({
      type: z.string(),
      code: z.number().int(),
      supported_psps: z.array(z.string()).optional(),
      tracking_data: z.string().max(4000).optional(),
    }),
  }),
  failed: z.looseObject({
    event: z.literal('failed'),
    timestamp: z.number(),
    message_token: token,
    user_id: z.string().optional(),
    desc: z.string().optional(),
  }),
} as const;

export type ViberCallback = { [K in keyof typeof callbackSchemas]: z.infer<(typeof callbackSchemas)[K]> }[keyof typeof callbackSchemas];
export type ViberCallbackOf<E extends ViberCallback['event']> = Extract<ViberCallback, { event: E }>;
export type ViberInboundMessage = z.infer<typeof inboundMessage>;
export type ViberUser = z.infer<typeof user>;

export type ParsedCallback = { kind: 'event'; event: ViberCallback } | { kind: 'unknown-event'; name: string } | { kind: 'invalid'; reason: string };

/** Parses a (signature-checked) body: unknown events are reported as such so the webhook can ignore them politely. */
export function parseCallbackJson(raw: string): ParsedCallback {
  let json: unknown;
  try {
    json = JSON.parse(raw.replace(/"message_token"\s*:\s*(\d+)/g, '"message_token":"$1"'));
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  const head = z.object({ event: z.string() }).safeParse(json);
  if (!head.success) return { kind: 'invalid', reason: 'no event name' };
  const name = head.data.event;
  if (!Object.hasOwn(callbackSchemas, name)) return { kind: 'unknown-event', name };
  const parsed = callbackSchemas[name as keyof typeof callbackSchemas].safeParse(json);
  if (!parsed.success) return { kind: 'invalid', reason: `${name}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
  return { kind: 'event', event: parsed.data as ViberCallback };
}
