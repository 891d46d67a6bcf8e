import { createHash, timingSafeEqual } from 'node:crypto';
import type { PaymentOrder, PaymentStatusSource, ProviderReport } from '../../core/payments/index.ts';

// LiqPay API v3: every message is `data` (base64 of a JSON object) and `signature`
// (base64 of sha1(private_key + data + private_key)), both ways.

export const LIQPAY_CHECKOUT_URL = 'https://www.liqpay.ua/api/3/checkout';
export const LIQPAY_API_URL = 'https://www.liqpay.ua/api/request';
export const LIQPAY_CALLBACK_PATH = '/payments/liqpay';

export interface LiqPayConfig {
  publicKey: string;
  /** Never logged: it signs everything. */
  privateKey: string;
  checkoutUrl: string;
  apiUrl: string;
  /** PUBLIC_BASE_URL: where LiqPay posts its callback (server_url) and sends the payer back (result_url). */
  publicBaseUrl: string;
}

export function liqpaySignature(privateKey: string, data: string): string {
  return createHash('sha1').update(privateKey + data + privateKey).digest('base64');
}

/** Signed `data` and `signature` for a request object. */
export function signRequest(config: Pick<LiqPayConfig, 'privateKey'>, payload: Record<string, unknown>): { data: string; signature: string } {
  const data = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
  return { data, signature: liqpaySignature(config.privateKey, data) };
}

/** Checks a signature in constant time (the length check leaks only the length, which is public: 28 characters). */
export function signatureMatches(privateKey: string, data: string, signature: string): boolean {
  const expected = Buffer.from(liqpaySignature(privateKey, data), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function hryvnias(kop: number): number {
  return kop / 100;
}

/** A day to pay: after it LiqPay refuses the link, so an order it has never seen can be closed as abandoned. */
const LINK_LIFETIME_MS = 24 * 60 * 60_000;

function liqpayDate(date: Date): string {
  // LiqPay's expired_date is 'YYYY-MM-DD HH:mm:ss' in UTC.
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A stored order as LiqPay takes it, signed: what the checkout link carries, and what Viber's payment message hands
 * LiqPay (its `data` and `signature` payment parameters). Either way LiqPay reports to our callback (server_url).
 */
export function signedOrder(config: LiqPayConfig, order: PaymentOrder, description: string): { data: string; signature: string } {
  const base = config.publicBaseUrl.replace(/\/+$/, '');
  return signRequest(config, {
    version: 3,
    public_key: config.publicKey,
    action: 'pay',
    amount: hryvnias(order.amountKop),
    currency: order.currency,
    description,
    order_id: order.id,
    language: 'uk',
    server_url: `${base}${LIQPAY_CALLBACK_PATH}`,
    result_url: base,
    expired_date: liqpayDate(new Date(new Date(order.createdAt).getTime() + LINK_LIFETIME_MS)),
  });
}

/** The checkout page's address for a stored order: everything LiqPay needs is signed inside `data`. */
export function checkoutLink(config: LiqPayConfig, order: PaymentOrder, description: string): string {
  const { data, signature } = signedOrder(config, order, description);
  const url = new URL(config.checkoutUrl);
  url.searchParams.set('data', data);
  url.searchParams.set('signature', signature);
  return url.toString();
}

const paidStatuses = new Set(['success', 'sandbox']);
const failedStatuses = new Set(['failure', 'error']);
const pendingStatuses = new Set([
  'processing', 'prepared', 'wait_secure', 'wait_accept', 'wait_lc', 'wait_compensation', 'wait_reserve', 'wait_card', 'wait_qr', 'wait_sender',
  '3ds_verify', 'cvv_verify', 'otp_verify', 'password_verify', 'phone_verify', 'pin_verify', 'receiver_verify', 'sender_verify', 'senderapp_verify', 'captcha_verify', 'ivr_verify', 'invoice_wait', 'cash_wait', 'hold_wait',
]);

function mapStatus(status: string): ProviderReport['status'] {
  if (paidStatuses.has(status)) return 'paid';
  if (failedStatuses.has(status)) return 'failed';
  if (status === 'reversed') return 'reversed';
  if (pendingStatuses.has(status)) return 'pending';
  return null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : null);

/**
 * What a LiqPay message says about an order, as core reads it; null when it names no order. Amounts come as
 * hryvnias with a fraction ("250.5"): rounded to kopecks here, and compared with the order's in core.
 */
export function reportOf(payload: unknown, source: ProviderReport['source']): ProviderReport | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Record<string, unknown>;
  const orderId = text(p['order_id']);
  const status = text(p['status']);
  if (!orderId || !status || orderId.length > 255) return null;
  const amount = typeof p['amount'] === 'number' ? p['amount'] : typeof p['amount'] === 'string' ? Number(p['amount']) : NaN;
  const endDate = typeof p['end_date'] === 'number' ? new Date(p['end_date']) : null;
  return {
    orderId,
    source,
    providerStatus: status,
    status: mapStatus(status),
    providerPaymentId: text(p['payment_id']) ?? text(p['transaction_id']),
    amountKop: Number.isFinite(amount) ? Math.round(amount * 100) : null,
    currency: text(p['currency']),
    at: endDate && !Number.isNaN(endDate.getTime()) ? endDate : null,
  };
}

export type CallbackCheck = { kind: 'forged' } | { kind: 'malformed' } | { kind: 'report'; report: ProviderReport };

/**
 * A callback's body as it came (application/x-www-form-urlencoded): the signature is checked over the `data`
 * field before `data` is decoded or parsed at all.
 */
export function checkCallback(privateKey: string, rawBody: string): CallbackCheck {
  const form = new URLSearchParams(rawBody);
  const data = form.get('data');
  const signature = form.get('signature');
  if (!data || !signature || !signatureMatches(privateKey, data, signature)) return { kind: 'forged' };
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return { kind: 'malformed' };
  }
  const report = reportOf(payload, 'callback');
  return report ? { kind: 'report', report } : { kind: 'malformed' };
}

export class LiqPayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiqPayError';
  }
}

/** LiqPay's status API ("action": "status") for reconciliation. Errors name the HTTP status, never the request. */
export function createLiqPayStatusSource(config: LiqPayConfig, options: { timeoutMs?: number } = {}): PaymentStatusSource {
  return {
    provider: 'liqpay',
    async status(orderId) {
      const { data, signature } = signRequest(config, { action: 'status', version: 3, public_key: config.publicKey, order_id: orderId });
      const response = await fetch(config.apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ data, signature }).toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      if (!response.ok) throw new LiqPayError(`LiqPay status API answered HTTP ${response.status}`);
      const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
      if (!body) throw new LiqPayError('LiqPay status API answered with something that is not JSON');
      if (body['result'] === 'error' || body['status'] === 'error') {
        if (body['err_code'] === 'payment_not_found' || body['code'] === 'payment_not_found') return null;
        // "error" with another code is a payment that ended in an error: the order failed.
        if (!text(body['order_id'])) throw new LiqPayError(`LiqPay status API refused: ${String(body['err_code'] ?? body['code'] ?? 'unknown')}`.slice(0, 200));
      }
      const report = reportOf(body, 'status-api');
      if (!report || report.orderId !== orderId) throw new LiqPayError('LiqPay status API answered about another order');
      return report;
    },
  };
}
