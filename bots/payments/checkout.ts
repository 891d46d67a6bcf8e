import type { PaymentOrder, PaymentProvider, PaymentStatusSource } from '../../core/payments/index.ts';
import type { Channel } from '../../models/models.ts';
import type { Invoice, SayOptions } from '../flows/chat.ts';
import { payments as texts } from '../texts/payments.ts';
import { checkoutLink, createLiqPayStatusSource, signedOrder, type LiqPayConfig } from './liqpay.ts';

// Which channel pays how, decided once here: a channel's own payments where the utility has connected them
// (Telegram Payments with BotFather's provider token; Viber's payment message with LiqPay as its payment service
// provider), LiqPay's checkout link everywhere else and as the fallback.

/** LiqPay's endpoint for Viber's payment messages (Viber's "Setup Payment Account", LiqPay's `url` parameter). */
export const VIBER_LIQPAY_PSP_URL = 'https://www.liqpay.ua/api/viber';

export interface ChannelCheckouts {
  /** TELEGRAM_PAYMENT_PROVIDER_TOKEN is set: the Telegram adapter sends invoices with it. */
  telegram: boolean;
  /** VIBER_PAYMENT_PROVIDER=liqpay: Viber's payment message, LiqPay taking the money; `pspUrl` is LiqPay's Viber endpoint. */
  viber: { psp: 'liqpay'; pspUrl: string } | undefined;
}

export const noChannelCheckouts: ChannelCheckouts = { telegram: false, viber: undefined };

/** The provider stored with an order made on `channel`. */
export function providerFor(channels: ChannelCheckouts, channel: Channel): PaymentProvider {
  if (channel === 'telegram' && channels.telegram) return 'telegram';
  if (channel === 'viber' && channels.viber) return 'viber';
  return 'liqpay';
}

/**
 * How a stored order is offered, by the provider stored with it. A Telegram invoice comes without the link: an
 * order paid by one must not be payable by the other, and Telegram's pre-checkout re-check refuses only what
 * our database knows of. Viber's payment message and the link are both LiqPay under one order id (LiqPay takes
 * an order id once), so the link rides along for the adapter to fall back on when Viber refuses the message.
 */
export function checkoutFor(liqpay: LiqPayConfig, channels: ChannelCheckouts, order: PaymentOrder): Pick<SayOptions, 'link' | 'invoice'> {
  const description = texts.checkoutDescription(order.accountNumber);
  const link = { label: texts.linkButton, url: checkoutLink(liqpay, order, description) };
  const invoice: Invoice = { orderId: order.id, title: texts.invoiceTitle, description, amountKop: order.amountKop };
  if (order.provider === 'telegram') return { invoice };
  if (order.provider === 'viber' && channels.viber) {
    const { data, signature } = signedOrder(liqpay, order, description);
    const pspParameters = [
      { key: 'gateway', value: 'liqpay' },
      { key: 'gatewayMerchantId', value: liqpay.publicKey },
      { key: 'url', value: channels.viber.pspUrl },
      { key: 'data', value: data },
      { key: 'signature', value: signature },
      { key: 'payeeId', value: liqpay.publicKey },
    ];
    return { invoice: { ...invoice, pspParameters }, link };
  }
  return { link };
}

/**
 * Whom reconciliation asks about an open order, by its provider. Viber's orders are LiqPay's too (its payment
 * service provider got the same order id). Telegram has no status API: an invoice never paid is closed as
 * abandoned after the order's lifetime, and a payment Telegram did take comes as an update Telegram delivers
 * again until it is handled (a failed order still takes it).
 */
export function statusSources(liqpay: LiqPayConfig): PaymentStatusSource[] {
  const asLiqPay = createLiqPayStatusSource(liqpay);
  return [asLiqPay, { ...asLiqPay, provider: 'viber' }, { provider: 'telegram', status: async () => null }];
}
