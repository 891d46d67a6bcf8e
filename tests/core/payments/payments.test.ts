import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import {
  countForgedCallback,
  createOrder,
  exportPayments,
  findOrder,
  matchBillingPayments,
  paymentOffer,
  reconcilePayments,
  recordProviderReport,
  unconfirmedPayments,
  type PaymentOrder,
  type PaymentStatusSource,
  type ProviderReport,
} from '../../../core/payments/index.ts';
import { aPayment, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLinkedAccount, anOrder, aReport, paymentsDeps } from '../../support/payments-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 12 });
});
afterAll(async () => {
  await db.destroy();
});

const clock = new FixedClock(new Date('2026-12-04T10:00:00Z'));
const deps = () => paymentsDeps(db, clock);

async function credited(orderId: string): Promise<Array<{ provider_payment_id: string; amount_kop: number; reversed_at: Date | null }>> {
  const [rows] = await db.sequelize.query(`SELECT provider_payment_id, amount_kop, reversed_at FROM payment_transactions WHERE order_id = :orderId`, {
    replacements: { orderId },
  });
  return rows as Array<{ provider_payment_id: string; amount_kop: number; reversed_at: Date | null }>;
}

async function alerts(): Promise<Array<{ payload: Record<string, unknown> }>> {
  return (await db.models.OutboxMessage.findAll({ where: { kind: 'payment-alert' }, order: [['id', 'ASC']] })).map((m) => ({ payload: m.payload }));
}

describe('an order', () => {
  it('offers the debt, or nothing owed with an advance still allowed, only on a linked account', async () => {
    const { account, subscriber } = await aLinkedAccount(db, { account: { balanceKop: 31_275 } });
    expect(await paymentOffer(deps(), { subscriberId: subscriber.id, accountId: account.id })).toEqual({
      kind: 'offer',
      accountId: account.id,
      accountNumber: account.number,
      debtKop: 31_275,
      minKop: 100,
      maxKop: 2_000_000,
    });
    const overpaid = await aLinkedAccount(db, { account: { balanceKop: -5_000 } });
    expect(await paymentOffer(deps(), { subscriberId: overpaid.subscriber.id, accountId: overpaid.account.id })).toMatchObject({ kind: 'offer', debtKop: 0 });
    const stranger = await aSubscriber(db);
    expect(await paymentOffer(deps(), { subscriberId: stranger.id, accountId: account.id })).toEqual({ kind: 'not-linked' });
  });

  it('is stored only for a linked account and an amount from 1 грн to the maximum', async () => {
    const { account, subscriber } = await aLinkedAccount(db);
    const other = await anAccount(db);
    const base = { subscriberId: subscriber.id, provider: 'liqpay' as const };
    expect(await createOrder(deps(), { ...base, accountId: other.id, amountKop: 10_000 })).toEqual({ kind: 'not-linked' });
    expect(await createOrder(deps(), { ...base, accountId: account.id, amountKop: 99 })).toEqual({ kind: 'amount-too-small', minKop: 100 });
    expect(await createOrder(deps(), { ...base, accountId: account.id, amountKop: 2_000_001 })).toEqual({ kind: 'amount-too-large', maxKop: 2_000_000 });
    expect(await createOrder(deps(), { ...base, accountId: account.id, amountKop: 12.5 })).toEqual({ kind: 'amount-too-small', minKop: 100 });
    const made = await createOrder(deps(), { ...base, accountId: account.id, amountKop: 2_000_000 });
    expect(made).toMatchObject({ kind: 'created', alreadyCreated: false, order: { status: 'created', amountKop: 2_000_000, channel: 'telegram', accountNumber: account.number } });
  });

  it('is stored once for one idempotency key, however many requests race with it', async () => {
    const { account, subscriber } = await aLinkedAccount(db);
    const input = { subscriberId: subscriber.id, accountId: account.id, amountKop: 5_000, provider: 'liqpay' as const, idempotencyKey: 'flow-7:3' };
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => createOrder(deps(), input)));
    const ids = new Set(outcomes.map((o) => (o.kind === 'created' ? o.order.id : o.kind)));
    expect(ids.size).toBe(1);
    expect(outcomes.filter((o) => o.kind === 'created' && !o.alreadyCreated)).toHaveLength(1);
  });
});

describe('a provider report', () => {
  it('paid: credits the stored amount once and moves the order to paid', async () => {
    const order = await anOrder(deps());
    expect(await recordProviderReport(deps(), aReport(order))).toMatchObject({ kind: 'applied', status: 'paid' });
    expect(await credited(order.id)).toEqual([{ provider_payment_id: `lp-${order.id.slice(0, 8)}`, amount_kop: 25_050, reversed_at: null }]);
    expect((await findOrder(db, order.id))?.status).toBe('paid');
  });

  it('declined: the order fails and nothing is credited; a late «pending» does not reopen it', async () => {
    const order = await anOrder(deps());
    expect(await recordProviderReport(deps(), aReport(order, { providerStatus: 'failure', status: 'failed' }))).toMatchObject({ kind: 'applied', status: 'failed' });
    expect(await recordProviderReport(deps(), aReport(order, { providerStatus: 'processing', status: 'pending' }))).toMatchObject({ kind: 'unchanged', status: 'failed' });
    expect(await credited(order.id)).toEqual([]);
  });

  it('duplicated ×50 at once: one credit, the rest change nothing, every report kept', async () => {
    const order = await anOrder(deps());
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => recordProviderReport(deps(), aReport(order))));
    expect(outcomes.filter((o) => o.kind === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'unchanged')).toHaveLength(49);
    expect(await credited(order.id)).toHaveLength(1);
    const [[kept]] = (await db.sequelize.query(`SELECT count(*)::int AS n FROM payment_reports WHERE order_id = :id`, { replacements: { id: order.id } })) as [Array<{ n: number }>, unknown];
    expect(kept?.n).toBe(50);
    expect(await db.models.OutboxMessage.count({ where: { kind: 'payment-receipt', dedupeKey: `payment-receipt:${order.id}` } })).toBe(1);
  });

  it('cannot credit a second provider payment for one order (the database refuses it)', async () => {
    const order = await anOrder(deps());
    await recordProviderReport(deps(), aReport(order));
    await expect(
      db.sequelize.query(`INSERT INTO payment_transactions (order_id, provider_payment_id, amount_kop, paid_at) VALUES (:id, 'other', 100, now())`, { replacements: { id: order.id } }),
    ).rejects.toMatchObject({ name: 'SequelizeUniqueConstraintError' });
  });

  it('reordered: success before pending stays paid', async () => {
    const order = await anOrder(deps());
    await recordProviderReport(deps(), aReport(order));
    expect(await recordProviderReport(deps(), aReport(order, { providerStatus: 'wait_secure', status: 'pending' }))).toMatchObject({ kind: 'unchanged', status: 'paid' });
    expect(await recordProviderReport(deps(), aReport(order, { providerStatus: 'failure', status: 'failed' }))).toMatchObject({ kind: 'unchanged', status: 'paid' });
    expect((await findOrder(db, order.id))?.status).toBe('paid');
  });

  it('amount mismatch: kept, not credited, staff alerted once per payment', async () => {
    const order = await anOrder(deps(), { amountKop: 40_000 });
    const before = (await alerts()).length;
    const wrong = aReport(order, { amountKop: 400 });
    expect(await recordProviderReport(deps(), wrong)).toMatchObject({ kind: 'mismatch' });
    expect(await recordProviderReport(deps(), wrong)).toMatchObject({ kind: 'mismatch' });
    expect(await recordProviderReport(deps(), aReport(order, { currency: 'USD', providerPaymentId: 'lp-usd' }))).toMatchObject({ kind: 'mismatch' });
    expect(await credited(order.id)).toEqual([]);
    expect((await findOrder(db, order.id))?.status).toBe('created');
    const raised = (await alerts()).slice(before).map((a) => a.payload);
    expect(raised).toEqual([
      { reason: 'amount-mismatch', orderId: order.id, accountNumber: order.accountNumber, expectedKop: 40_000, reportedKop: 400, reportedCurrency: 'UAH' },
      { reason: 'amount-mismatch', orderId: order.id, accountNumber: order.accountNumber, expectedKop: 40_000, reportedKop: 40_000, reportedCurrency: 'USD' },
    ]);
  });

  it('refund: a paid order becomes reversed, its payment marked, and it leaves the export', async () => {
    const order = await anOrder(deps());
    await recordProviderReport(deps(), aReport(order));
    expect(await recordProviderReport(deps(), aReport(order, { providerStatus: 'reversed', status: 'reversed' }))).toMatchObject({ kind: 'applied', status: 'reversed' });
    expect((await credited(order.id))[0]?.reversed_at).not.toBeNull();
    expect(await recordProviderReport(deps(), aReport(order))).toMatchObject({ kind: 'unchanged', status: 'reversed' });
    const exported = await exportPayments(db, { from: '2026-12-04', to: '2026-12-04' }, { timeZone: 'Europe/Kyiv', encoding: 'utf8' });
    expect(exported.kind === 'exported' && exported.bytes.toString('utf8').includes(order.id)).toBe(false);
  });

  it('for an order we never stored: nothing is written', async () => {
    const order = await anOrder(deps());
    expect(await recordProviderReport(deps(), { ...aReport(order), orderId: 'no-such-order' })).toEqual({ kind: 'unknown-order' });
  });
});

describe('reconciliation', () => {
  function provider(answers: Map<string, ProviderReport | null | Error>): PaymentStatusSource & { asked: string[] } {
    const asked: string[] = [];
    return {
      provider: 'liqpay',
      asked,
      async status(orderId) {
        asked.push(orderId);
        const answer = answers.get(orderId) ?? null;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
  }

  it('late: an order whose callback never came ends paid, once, and the late callback changes nothing', async () => {
    const local = new FixedClock(new Date('2026-12-04T12:00:00Z'));
    const d = paymentsDeps(db, local);
    const order = await anOrder(d);
    const answers = new Map<string, ProviderReport | null | Error>([[order.id, aReport(order, { source: 'status-api' })]]);
    const source = provider(answers);
    await reconcilePayments(d, { liqpay: source });
    expect(source.asked).not.toContain(order.id);
    local.advance(6 * 60_000);
    const summary = await reconcilePayments(d, { liqpay: source });
    expect(summary.paid).toBeGreaterThanOrEqual(1);
    expect(source.asked).toContain(order.id);
    expect(await recordProviderReport(d, aReport(order))).toMatchObject({ kind: 'unchanged', status: 'paid' });
    expect(await credited(order.id)).toHaveLength(1);
  });

  it('asks each open order at most once per interval, keeps asking after an error, and gives up on an abandoned one after a day', async () => {
    const local = new FixedClock(new Date('2026-12-05T12:00:00Z'));
    const d = paymentsDeps(db, local);
    const failing = await anOrder(d);
    const abandoned = await anOrder(d);
    const source = provider(new Map<string, ProviderReport | null | Error>([[failing.id, new Error('network down')]]));
    local.advance(6 * 60_000);
    const first = await reconcilePayments(d, { liqpay: source });
    expect(first.errors).toBeGreaterThanOrEqual(1);
    expect(first.notFound).toBeGreaterThanOrEqual(1);
    const askedOnce = source.asked.filter((id) => id === failing.id || id === abandoned.id).length;
    await reconcilePayments(d, { liqpay: source });
    expect(source.asked.filter((id) => id === failing.id || id === abandoned.id).length).toBe(askedOnce);
    local.advance(25 * 60 * 60_000);
    await reconcilePayments(d, { liqpay: source });
    expect((await findOrder(db, abandoned.id))?.status).toBe('failed');
    expect((await findOrder(db, failing.id))?.status).toBe('created');
  });
});

describe('billing', () => {
  it('matches paid orders to billing rows by account, amount and day, one row to one order', async () => {
    const local = new FixedClock(new Date('2026-12-06T21:30:00Z')); // 23:30 in Kyiv, 6 December
    const d = paymentsDeps(db, local, { confirmDays: 3 });
    const { account, subscriber } = await aLinkedAccount(db);
    const orders: PaymentOrder[] = [];
    for (let i = 0; i < 2; i += 1) {
      const made = await createOrder(d, { subscriberId: subscriber.id, accountId: account.id, amountKop: 30_000, provider: 'liqpay' });
      if (made.kind !== 'created') throw new Error(made.kind);
      orders.push(made.order);
      await recordProviderReport(d, aReport(made.order, { providerPaymentId: `lp-b${i}` }));
    }
    local.advance(4 * 24 * 60 * 60_000);
    expect((await unconfirmedPayments(db, local, 3)).filter((p) => p.accountNumber === account.number)).toHaveLength(2);
    await aPayment(db, account, '2026-12-05', 30_000); // the day before the payment: not it
    await aPayment(db, account, '2026-12-08', 30_000);
    expect(await matchBillingPayments(db, 'Europe/Kyiv')).toBe(1);
    expect(await matchBillingPayments(db, 'Europe/Kyiv')).toBe(0);
    expect((await unconfirmedPayments(db, local, 3)).filter((p) => p.accountNumber === account.number)).toHaveLength(1);
    await aPayment(db, account, '2026-12-09', 30_000);
    expect(await matchBillingPayments(db, 'Europe/Kyiv')).toBe(1);
    expect((await unconfirmedPayments(db, local, 3)).filter((p) => p.accountNumber === account.number)).toEqual([]);
  });

  it('exports paid payments of the Kyiv days asked, in UTF-8 or cp1251, with spreadsheet-safe cells', async () => {
    const local = new FixedClock(new Date('2026-12-09T22:30:00Z')); // 00:30 on 10 December in Kyiv
    const d = paymentsDeps(db, local);
    const order = await anOrder(d, { amountKop: 123_405, account: { number: '=HYPERLINK("x")' } });
    await recordProviderReport(d, aReport(order, { providerPaymentId: '+380-1', at: null }));
    const utf = await exportPayments(db, { from: '2026-12-10', to: '2026-12-10' }, { timeZone: 'Europe/Kyiv', encoding: 'utf8' });
    if (utf.kind !== 'exported') throw new Error(utf.kind);
    const lines = utf.bytes.toString('utf8').trimEnd().split('\n');
    expect(lines).toEqual(['account;paid_at;amount;order_id;provider;provider_id', `"'=HYPERLINK(""x"")";2026-12-09T22:30:00.000Z;1234.05;${order.id};liqpay;"'+380-1"`]);
    expect(await exportPayments(db, { from: '2026-12-09', to: '2026-12-09' }, { timeZone: 'Europe/Kyiv', encoding: 'utf8' })).toMatchObject({ rows: 0 });
    const cp = await exportPayments(db, { from: '2026-12-10', to: '2026-12-10' }, { timeZone: 'Europe/Kyiv', encoding: 'cp1251' });
    if (cp.kind !== 'exported') throw new Error(cp.kind);
    expect(iconv.decode(cp.bytes, 'win1251')).toBe(utf.bytes.toString('utf8'));
    expect(await exportPayments(db, { from: '2026-12-10', to: '2026-12-01' }, { timeZone: 'Europe/Kyiv', encoding: 'utf8' })).toEqual({ kind: 'invalid-range', problem: 'from-after-to' });
  });
});

describe('forged callbacks', () => {
  it('are counted per hour and alert staff once when the count reaches the threshold', async () => {
    const local = new FixedClock(new Date('2026-12-04T15:10:00Z'));
    const d = paymentsDeps(db, local);
    const before = (await alerts()).length;
    const results = await Promise.all(Array.from({ length: 7 }, () => countForgedCallback(d, 5)));
    expect(results.filter((r) => r.alerted)).toHaveLength(1);
    expect(Math.max(...results.map((r) => r.count))).toBe(7);
    expect((await alerts()).slice(before).map((a) => a.payload)).toEqual([{ reason: 'forged-callbacks', count: 5, sinceIso: '2026-12-04T15:00:00.000Z' }]);
  });
});
