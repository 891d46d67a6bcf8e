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
 * How a stored order is offered, by the provider stored with it: the channel's invoice with the link beside it,
 * which the adapter shows only when the channel refuses the invoice (Telegram: a sum under its minimum for the
 * currency; Viber: a client too old for payment messages). So one order is never offered both ways at once.
 */
export function checkoutFor(liqpay: LiqPayConfig, channels: ChannelCheckouts, order: PaymentOrder): Pick<SayOptions, 'link' | 'invoice'> {
  const description = texts.checkoutDescription(order.accountNumber);
  const link = { label: texts.linkButton, url: checkoutLink(liqpay, order, description) };
  const invoice: Invoice = { orderId: order.id, title: texts.invoiceTitle, description, amountKop: order.amountKop };
  if (order.provider === 'telegram') return { invoice, link };
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
 * Whom reconciliation asks about an open order, by its provider: LiqPay for every one. Viber's orders went to
 * LiqPay under their own id (it is Viber's payment service provider here), and a Telegram order whose invoice
 * was refused may have been paid through the link. Telegram itself has no status API: an invoice LiqPay never
 * saw is closed as abandoned after the order's lifetime, and a payment Telegram did take arrives as an update
 * Telegram delivers until it is handled (a failed order still takes money that arrives).
 */
export function statusSources(liqpay: LiqPayConfig): PaymentStatusSource[] {
  const asLiqPay = createLiqPayStatusSource(liqpay);
  return [asLiqPay, { ...asLiqPay, provider: 'viber' }, { ...asLiqPay, provider: 'telegram' }];
}
