/**
 * A fake LiqPay (API v3) over real HTTP: what the cabinet's LiqPay code talks to in tests and the playground.
 *
 * Checkout: GET `checkoutUrl?data=…&signature=…` checks the signature (403 if wrong), remembers the order and
 * shows a page with «Сплатити» and «Відхилити» (POST /checkout/pay|decline, form field order_id).
 * Status API: POST `apiUrl` (form data + signature, action "status") answers the payment as LiqPay does, or
 * `{"result":"error","err_code":"payment_not_found"}` for an order never paid.
 * Viber: POST `viberUrl` (JSON: data, signature, token) is what Viber's checkout sends its payment service
 * provider: a good signature settles the order (success, or failure with `decline: true`) and calls back.
 * Callbacks: each outcome is posted signed to the order's server_url (form fields data and signature).
 *
 * From a test: `open(link)` (what the payer's browser does), `pay(orderId, { amountKop?, currency?,
 * callback?: false })` (false: the provider records success but its callback is lost), `decline`, `refund`,
 * `resend(orderId, status?)` to send a callback again (or an older status: reordering), `postCallback(url,
 * body)` for anything raw, `callbacks` (every callback posted and the HTTP status it got).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCheckout {
  orderId: string;
  amount: number;
  currency: string;
  description: string;
  serverUrl: string;
  resultUrl: string | undefined;
  publicKey: string;
  raw: Record<string, unknown>;
}

export interface FakePayment {
  paymentId: number;
  status: string;
  amount: number;
  currency: string;
  endDate: number;
}

export interface PostedCallback {
  orderId: string;
  status: string;
  httpStatus: number;
}

export interface FakeLiqPay {
  url: string;
  checkoutUrl: string;
  apiUrl: string;
  /** LiqPay's endpoint for Viber's payment messages (the `url` payment parameter; LiqPay's is https://www.liqpay.ua/api/viber). */
  viberUrl: string;
  checkouts: Map<string, FakeCheckout>;
  payments: Map<string, FakePayment>;
  callbacks: PostedCallback[];
  statusRequests: string[];
  open(link: string): Promise<{ status: number; html: string }>;
  pay(orderId: string, options?: { amountKop?: number; currency?: string; callback?: boolean }): Promise<number | undefined>;
  decline(orderId: string): Promise<number | undefined>;
  refund(orderId: string): Promise<number | undefined>;
  /** Posts the callback again: the current status, or any status given (an older one, to reorder). */
  resend(orderId: string, status?: string): Promise<number>;
  postCallback(url: string, body: string): Promise<number>;
  close(): Promise<void>;
}

const sign = (privateKey: string, data: string) => createHash('sha1').update(privateKey + data + privateKey).digest('base64');
const encode = (payload: unknown) => Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `port`: a loopback port of the caller's choosing (the playground's); 0 or omitted: a free one. */
export async function startFakeLiqPay(options: { publicKey: string; privateKey: string; port?: number }): Promise<FakeLiqPay> {
  const { publicKey, privateKey } = options;
  const checkouts = new Map<string, FakeCheckout>();
  const payments = new Map<string, FakePayment>();
  const callbacks: PostedCallback[] = [];
  const statusRequests: string[] = [];
  let nextPaymentId = 2_400_000_000;

  function decodeSigned(data: string | null, signature: string | null): Record<string, unknown> | null {
    if (!data || !signature || sign(privateKey, data) !== signature) return null;
    try {
      return JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
  }

  function message(checkout: FakeCheckout, payment: FakePayment, status = payment.status): Record<string, unknown> {
    return {
      action: 'pay',
      payment_id: payment.paymentId,
      status,
      version: 3,
      type: 'buy',
      paytype: 'card',
      public_key: checkout.publicKey,
      order_id: checkout.orderId,
      liqpay_order_id: `FAKE${payment.paymentId}`,
      description: checkout.description,
      amount: payment.amount,
      currency: payment.currency,
      transaction_id: payment.paymentId,
      end_date: payment.endDate,
      ...(status === 'failure' ? { err_code: 'limit', err_description: 'Перевищено ліміт картки' } : {}),
    };
  }

  async function postCallback(url: string, body: string): Promise<number> {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    await response.arrayBuffer();
    return response.status;
  }

  async function sendCallback(orderId: string, status?: string): Promise<number> {
    const checkout = checkouts.get(orderId);
    const payment = payments.get(orderId);
    if (!checkout || !payment) throw new Error(`fake LiqPay: no payment for order ${orderId}`);
    const data = encode(message(checkout, payment, status));
    const httpStatus = await postCallback(checkout.serverUrl, new URLSearchParams({ data, signature: sign(privateKey, data) }).toString());
    callbacks.push({ orderId, status: status ?? payment.status, httpStatus });
    return httpStatus;
  }

  async function settle(orderId: string, status: string, options: { amountKop?: number; currency?: string; callback?: boolean } = {}) {
    const checkout = checkouts.get(orderId);
    if (!checkout) throw new Error(`fake LiqPay: order ${orderId} was never opened`);
    const earlier = payments.get(orderId);
    payments.set(orderId, {
      paymentId: earlier?.paymentId ?? (nextPaymentId += 1),
      status,
      amount: options.amountKop === undefined ? checkout.amount : options.amountKop / 100,
      currency: options.currency ?? checkout.currency,
      endDate: Date.now(),
    });
    return options.callback === false ? undefined : sendCallback(orderId);
  }

  function remember(payload: Record<string, unknown>): FakeCheckout {
    const checkout: FakeCheckout = {
      orderId: String(payload['order_id']),
      amount: Number(payload['amount']),
      currency: String(payload['currency']),
      description: String(payload['description'] ?? ''),
      serverUrl: String(payload['server_url']),
      resultUrl: typeof payload['result_url'] === 'string' ? payload['result_url'] : undefined,
      publicKey: String(payload['public_key']),
      raw: payload,
    };
    checkouts.set(checkout.orderId, checkout);
    return checkout;
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake-liqpay');
      if (req.method === 'GET' && url.pathname === '/api/3/checkout') {
        const payload = decodeSigned(url.searchParams.get('data'), url.searchParams.get('signature'));
        if (!payload || payload['public_key'] !== publicKey || payload['version'] !== 3) {
          res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('Невірний підпис');
          return;
        }
        const checkout = remember(payload);
        const id = escapeHtml(checkout.orderId);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
          `<!doctype html><meta charset="utf-8"><title>LiqPay (тестова)</title>
<h1>Тестова сторінка оплати</h1><p>${escapeHtml(checkout.description)}</p><p>${checkout.amount.toFixed(2)} ${escapeHtml(checkout.currency)}</p>
<form method="post" action="/checkout/pay"><input type="hidden" name="order_id" value="${id}"><button>Сплатити</button></form>
<form method="post" action="/checkout/decline"><input type="hidden" name="order_id" value="${id}"><button>Відхилити</button></form>`,
        );
        return;
      }
      if (req.method === 'POST' && (url.pathname === '/checkout/pay' || url.pathname === '/checkout/decline')) {
        const orderId = new URLSearchParams(await readBody(req)).get('order_id') ?? '';
        if (!checkouts.has(orderId)) {
          res.writeHead(404).end();
          return;
        }
        await settle(orderId, url.pathname.endsWith('pay') ? 'success' : 'failure');
        // LiqPay sends the payer back to result_url (the cabinet's address: in the playground, its page).
        const back = checkouts.get(orderId)?.resultUrl;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
          `<!doctype html><meta charset="utf-8"><title>LiqPay (тестова)</title>${url.pathname.endsWith('pay') ? '<p>Оплачено</p>' : '<p>Оплату відхилено</p>'}` +
            (back && /^https?:\/\//.test(back) ? `<p><a href="${escapeHtml(back)}">Повернутися</a></p>` : ''),
        );
        return;
      }
      if (req.method === 'POST' && url.pathname === '/api/viber') {
        // Viber's checkout hands LiqPay the order's signed data and the wallet's token (the wallet's part is the
        // fake's own shape: Viber's documentation does not show it). A good signature pays (or declines) the order,
        // and LiqPay's callback goes to its server_url as for the checkout page.
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(await readBody(req)) as Record<string, unknown>;
        } catch {
          // an empty or broken body fails the signature check below
        }
        const payload = decodeSigned(typeof body['data'] === 'string' ? body['data'] : null, typeof body['signature'] === 'string' ? body['signature'] : null);
        res.setHeader('content-type', 'application/json');
        if (!payload || payload['public_key'] !== publicKey || payload['version'] !== 3 || typeof body['token'] !== 'string') {
          res.writeHead(403).end(JSON.stringify({ result: 'error', status: 'error', err_code: 'err_access', err_description: 'Invalid signature' }));
          return;
        }
        const checkout = remember(payload);
        const status = body['decline'] === true ? 'failure' : 'success';
        const callbackStatus = await settle(checkout.orderId, status);
        res.end(JSON.stringify({ result: 'ok', status, callback_http_status: callbackStatus }));
        return;
      }
      if (req.method === 'POST' && url.pathname === '/api/request') {
        const form = new URLSearchParams(await readBody(req));
        const payload = decodeSigned(form.get('data'), form.get('signature'));
        res.setHeader('content-type', 'application/json');
        if (!payload || payload['public_key'] !== publicKey) {
          res.end(JSON.stringify({ result: 'error', status: 'error', err_code: 'err_access', err_description: 'Invalid signature' }));
          return;
        }
        const orderId = String(payload['order_id']);
        statusRequests.push(orderId);
        const checkout = checkouts.get(orderId);
        const payment = payments.get(orderId);
        if (payload['action'] !== 'status' || !checkout || !payment) {
          res.end(JSON.stringify({ result: 'error', status: 'error', err_code: 'payment_not_found', err_description: 'Payment not found' }));
          return;
        }
        res.end(JSON.stringify({ result: 'ok', ...message(checkout, payment) }));
        return;
      }
      res.writeHead(404).end();
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    checkoutUrl: `${base}/api/3/checkout`,
    apiUrl: `${base}/api/request`,
    viberUrl: `${base}/api/viber`,
    checkouts,
    payments,
    callbacks,
    statusRequests,
    async open(link) {
      const response = await fetch(link);
      return { status: response.status, html: await response.text() };
    },
    pay: (orderId, o) => settle(orderId, 'success', o),
    decline: (orderId) => settle(orderId, 'failure'),
    refund: (orderId) => settle(orderId, 'reversed'),
    resend: sendCallback,
    postCallback,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
