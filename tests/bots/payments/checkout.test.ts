import { describe, expect, it } from 'vitest';
import type { PaymentOrder } from '../../../core/payments/index.ts';
import { checkoutFor, noChannelCheckouts, providerFor, type ChannelCheckouts } from '../../../bots/payments/checkout.ts';
import { checkoutLink } from '../../../bots/payments/liqpay.ts';
import { payments as texts } from '../../../bots/texts/payments.ts';

// Which channel pays how, decided once: the channel's own checkout where it is connected, LiqPay's link otherwise.

const liqpay = { publicKey: 'pub', privateKey: 'priv', checkoutUrl: 'https://www.liqpay.ua/api/3/checkout', apiUrl: 'https://www.liqpay.ua/api/request', publicBaseUrl: 'https://cabinet.example.ua' };
const both: ChannelCheckouts = { telegram: true, viber: { psp: 'liqpay', pspUrl: 'https://www.liqpay.ua/api/viber' } };
const order = (provider: PaymentOrder['provider'], channel: PaymentOrder['channel']): PaymentOrder => ({
  id: '6f1c2a40-0000-4000-8000-000000000001',
  accountId: 1,
  accountNumber: '7003003',
  subscriberId: 1,
  channel,
  provider,
  amountKop: 41_990,
  currency: 'UAH',
  status: 'created',
  createdAt: '2026-12-05T09:00:00.000Z',
});

describe('checkoutFor and providerFor', () => {
  it('keeps LiqPay\'s link on both channels when neither messenger\'s payments are connected', () => {
    expect([providerFor(noChannelCheckouts, 'telegram'), providerFor(noChannelCheckouts, 'viber')]).toEqual(['liqpay', 'liqpay']);
    const link = { label: texts.linkButton, url: checkoutLink(liqpay, order('liqpay', 'viber'), texts.checkoutDescription('7003003')) };
    expect(checkoutFor(liqpay, noChannelCheckouts, order('liqpay', 'viber'))).toEqual({ link });
  });

  it('gives each channel its own invoice when connected, the link beside it for the adapter\'s fallback', () => {
    expect([providerFor(both, 'telegram'), providerFor(both, 'viber')]).toEqual(['telegram', 'viber']);
    expect(providerFor({ telegram: true, viber: undefined }, 'viber')).toBe('liqpay');
    const telegram = checkoutFor(liqpay, both, order('telegram', 'telegram'));
    expect(telegram.invoice).toEqual({ orderId: order('telegram', 'telegram').id, title: texts.invoiceTitle, description: texts.checkoutDescription('7003003'), amountKop: 41_990 });
    expect(telegram.link?.url).toMatch(/^https:\/\/www\.liqpay\.ua\/api\/3\/checkout\?data=/);
    const viber = checkoutFor(liqpay, both, order('viber', 'viber'));
    expect(viber.invoice?.pspParameters?.map((p) => p.key)).toEqual(['gateway', 'gatewayMerchantId', 'url', 'data', 'signature', 'payeeId']);
  });
});
