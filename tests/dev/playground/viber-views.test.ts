import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeViber, type FakeViber } from '../../../dev/fake-viber/index.ts';
import { PAYMENT_BUTTON_LIFETIME_MS } from '../../../dev/fake-viber/index.ts';
import { VIBER_MEDIA_ROUTE, viberChatView } from '../../../dev/playground/viber-views.ts';

// The page shows what the bot sent on Viber as the subscriber sees it: a picture as an image, a file as a link
// to download, both from the stand-in's copies (fetched from the bot's addresses when they were sent).

let viber: FakeViber;
beforeAll(async () => {
  viber = await startFakeViber({ authToken: 'views-token' });
});
afterAll(async () => {
  await viber.close();
});

async function send(body: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${viber.apiUrl}/send_message`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Viber-Auth-Token': viber.authToken },
    body: JSON.stringify({ receiver: 'pg-1', sender: { name: 'Водоканал' }, ...body }),
  });
  return ((await response.json()) as { status: number }).status;
}

describe('the playground’s Viber chat', () => {
  it('shows a picture the bot sent as an image and a file as a download, from the stand-in’s copies', async () => {
    const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64, 7)]);
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    // The bot's own addresses, as the app serves them; here the stand-in's media store stands in for the app.
    expect(await send({ type: 'picture', text: 'Графік споживання', media: viber.addMedia(png, 'image/png') })).toBe(0);
    expect(await send({ type: 'file', media: viber.addMedia(pdf, 'application/pdf'), size: pdf.length, file_name: 'rakhunok.pdf' })).toBe(0);
    const [picture, file] = viberChatView(viber, 'pg-1', 'Оксана').messages;
    expect(picture).toMatchObject({ byBot: true, caption: 'Графік споживання' });
    expect(picture!.photoUrl).toMatch(new RegExp(`^${VIBER_MEDIA_ROUTE}`));
    expect(file!.document).toMatchObject({ name: 'rakhunok.pdf' });
    const name = decodeURIComponent(file!.document!.url.slice(VIBER_MEDIA_ROUTE.length));
    expect(viber.media(`${viber.mediaBase}${name}`)?.bytes.equals(pdf)).toBe(true);
  });

  it('shows payment messages with their checkout: only the newest payable, a played one with its outcome, an old one expired', async () => {
    const payment = (kop: number) => ({
      type: 'payment',
      min_api_version: 10,
      tracking_data: `payment:order-${kop}`,
      payment: {
        type: 'GooglePay',
        description: 'Оплата послуг водоканалу, рахунок № 100001',
        total_price: kop / 100,
        currency_code: 'UAH',
        payment_parameters: ['gateway:liqpay', 'gatewayMerchantId:pub', 'url:http://127.0.0.1/api/viber', 'data:d', 'signature:s', 'payeeId:pub'].map((p) => {
          const [key, ...value] = p.split(':');
          return { key: key!, value: value.join(':') };
        }),
      },
    });
    const receiver = { receiver: 'pg-pay' };
    expect(await send({ ...payment(12_345), ...receiver })).toBe(0);
    expect(await send({ ...payment(48_020), ...receiver })).toBe(0);
    const [first, second] = viberChatView(viber, 'pg-pay', 'Петро').messages;
    expect(first!.payment).toEqual({ description: 'Оплата послуг водоканалу, рахунок № 100001', amount: '123,45 грн', wallet: 'GooglePay', payable: false });
    expect(second!.payment).toMatchObject({ amount: '480,20 грн', payable: true });

    const declined = viberChatView(viber, 'pg-pay', 'Петро', new Map([[second!.seq, 'declined']]));
    expect(declined.messages[1]!.payment).toMatchObject({ outcome: 'declined', payable: false });

    const later = viberChatView(viber, 'pg-pay', 'Петро', new Map(), Date.now() + PAYMENT_BUTTON_LIFETIME_MS + 1_000);
    expect(later.messages.map((m) => m.payment?.outcome)).toEqual(['expired', 'expired']);
    expect(later.version).not.toBe(viberChatView(viber, 'pg-pay', 'Петро').version);
  });
});
