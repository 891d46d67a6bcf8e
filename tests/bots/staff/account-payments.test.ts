import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, defaultPaymentRules, recordProviderReport } from '../../../core/payments/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aWriter, startStaffHarness, type StaffHarness } from './harness.ts';

// Staff's /account in the staff group lists the account's online payments, over real HTTP against the fake Telegram.

const STAFF = -1001000000002;

let db: TestDatabase;
let h: StaffHarness;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startStaffHarness({ db, staffChatId: STAFF, isForum: true });
});
afterAll(async () => {
  await h?.stop();
  await db?.destroy();
});

describe('/account with online payments', () => {
  it('lists a payment with its LiqPay id, its order and «очікує зарахування» while billing has not booked it; the subscriber got the receipt', async () => {
    const writer = await aWriter(h, { userId: 5201, name: 'Ганна Коваль' });
    const pay = { ...h.core, payments: defaultPaymentRules };
    const created = await createOrder(pay, { subscriberId: writer.subscriber.id, accountId: writer.account.id, amountKop: 12_345, provider: 'liqpay' });
    if (created.kind !== 'created') throw new Error(created.kind);
    const order = created.order;
    await recordProviderReport(pay, {
      orderId: order.id,
      source: 'callback',
      providerStatus: 'success',
      status: 'paid',
      providerPaymentId: '2400009999',
      amountKop: 12_345,
      currency: 'UAH',
      at: new Date('2026-12-05T07:15:00Z'),
    });
    await h.drain();
    await h.tg.waitForSent(5201, /Оплату отримано/);

    const staffMember = h.group.member(h.tg.user({ id: 7101, first_name: 'Ірина' }), 'administrator');
    staffMember.command(`/account ${writer.account.number}`);
    const card = await h.tg.waitForSent(STAFF, `🏠 Рахунок № ${writer.account.number}`);
    expect(card.text).toContain(`Оплати онлайн:\n• 05.12.2026 о 09:15, 123,45 грн, LiqPay № 2400009999, замовлення ${order.id} — очікує зарахування`);
  });
});
