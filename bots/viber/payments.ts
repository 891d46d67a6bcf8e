import type { ProviderReport } from '../../core/payments/index.ts';
import type { Invoice } from '../flows/chat.ts';
import { PAYMENT_MIN_API_VERSION, ViberStatus, type ViberCallbackOf, type ViberOutgoing, type ViberPayment } from './api-types.ts';
import type { ViberClient } from './client.ts';
import { ViberApiError } from './client.ts';

// Viber's Bot Payment API as the adapter uses it (creators.viber.com/docs/bots-api/resources/pay): a flow's invoice
// becomes a `payment` message whose tracking_data names the stored order; Viber's client_status callback about it
// is recorded through core as the order's progress. Viber's documentation gives that callback no amount and no
// transaction id, so it never credits money: the payment service provider (LiqPay, given the order's own signed
// `data`) reports the payment to our LiqPay callback, as it does for the link.

const TRACKING_PREFIX = 'payment:';

/** What Viber refuses a payment message with when this subscriber or this bot cannot pay in Viber: the link then. */
const UNPAYABLE = new Set<number>([ViberStatus.apiVersionNotSupported, ViberStatus.incompatibleWithVersion, ViberStatus.paymentUnsupported]);

export function cannotPayInViber(error: unknown): boolean {
  return error instanceof ViberApiError && UNPAYABLE.has(error.status);
}

/**
 * The wallet Viber's checkout opens: Apple Pay on iOS, Google Pay everywhere else. The device comes from
 * get_user_details, which Viber rate-limits per user: what it said is remembered (per instance), and when it cannot
 * be asked Google Pay is the guess, not remembered.
 */
export function walletChooser(client: ViberClient): (viberUserId: string) => Promise<ViberPayment['type']> {
  const known = new Map<string, ViberPayment['type']>();
  return async (viberUserId) => {
    const remembered = known.get(viberUserId);
    if (remembered) return remembered;
    const details = await client.getUserDetails(viberUserId).catch(() => undefined);
    const wallet = /^ios/i.test(details?.primary_device_os ?? '') ? 'ApplePay' : 'GooglePay';
    if (details) {
      if (known.size >= 10_000) known.clear();
      known.set(viberUserId, wallet);
    }
    return wallet;
  };
}

export function paymentMessage(invoice: Invoice, wallet: ViberPayment['type']): ViberOutgoing {
  return {
    type: 'payment',
    min_api_version: PAYMENT_MIN_API_VERSION,
    tracking_data: `${TRACKING_PREFIX}${invoice.orderId}`,
    payment: {
      type: wallet,
      description: invoice.description,
      total_price: invoice.amountKop / 100,
      currency_code: 'UAH',
      payment_parameters: (invoice.pspParameters ?? []).map(({ key, value }) => ({ key, value })),
    },
  };
}

/**
 * What a client_status callback says about an order, as core records it: code 0 (the subscriber pressed «Pay»)
 * moves the order to pending; any other code ends it as failed (declined or cancelled; money that LiqPay still
 * reports afterwards is credited all the same). Null when it is not about one of our payment messages.
 */
export function reportOfClientStatus(event: ViberCallbackOf<'client_status'>): ProviderReport | null {
  const tracking = event.status.tracking_data ?? '';
  if (event.status.type !== 'payment' || !tracking.startsWith(TRACKING_PREFIX)) return null;
  const orderId = tracking.slice(TRACKING_PREFIX.length);
  if (orderId === '' || orderId.length > 255) return null;
  return {
    orderId,
    source: 'callback',
    providerStatus: `viber:${event.status.code}`,
    status: event.status.code === 0 ? 'pending' : 'failed',
    providerPaymentId: null,
    amountKop: null,
    currency: null,
    at: new Date(event.timestamp),
  };
}
