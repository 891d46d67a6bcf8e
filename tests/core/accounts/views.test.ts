import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountView,
  findAccountForStaff,
  lastKnownValues,
  linkByPhone,
  listLinkedAccounts,
  phoneOffers,
  unlinkAccount,
} from '../../../core/accounts/index.ts';
import { setPhone } from '../../../core/subscribers.ts';
import { createOrder, defaultPaymentRules, matchBillingPayments, recordProviderReport, type PaymentOrder } from '../../../core/payments/index.ts';
import { staff } from '../../../bots/texts/staff.ts';
import type { Meter, Subscriber } from '../../../models/models.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aCharge, aLink, aMeter, anAccount, aPayment, aSubscriber } from '../../support/builders.ts';
import { depsAt } from './helpers.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const NOW = '2026-11-25T10:00:00Z';

async function aReading(
  meter: Meter,
  seed: { value: number; localDate: string; kind?: 'subscriber' | 'staff-correction'; submittedAt?: string; subscriber?: Subscriber },
) {
  await db.models.Reading.create({
    meterId: meter.id,
    value: seed.value,
    localDate: seed.localDate,
    submittedAt: new Date(seed.submittedAt ?? `${seed.localDate}T09:00:00Z`),
    subscriberId: seed.subscriber?.id ?? null,
    channel: seed.kind === 'staff-correction' ? 'staff' : 'telegram',
    kind: seed.kind ?? 'subscriber',
  });
}

describe('lastKnownValues', () => {
  it('takes the newest of billing and accepted readings; billing only when its day is later', async () => {
    const account = await anAccount(db);
    const onlyBilling = await aMeter(db, account, { lastReading: 100, lastReadingDate: '2026-10-25' });
    const readingNewer = await aMeter(db, account, { lastReading: 100, lastReadingDate: '2026-10-25' });
    await aReading(readingNewer, { value: 110, localDate: '2026-11-10' });
    await aReading(readingNewer, { value: 105, localDate: '2026-11-01' });
    const billingNewer = await aMeter(db, account, { lastReading: 140, lastReadingDate: '2026-11-20' });
    await aReading(billingNewer, { value: 130, localDate: '2026-11-10' });
    const sameDay = await aMeter(db, account, { lastReading: 150, lastReadingDate: '2026-11-10' });
    await aReading(sameDay, { value: 151, localDate: '2026-11-10' });
    const corrected = await aMeter(db, account, { lastReading: 100, lastReadingDate: null });
    await aReading(corrected, { value: 170, localDate: '2026-11-12', submittedAt: '2026-11-12T08:00:00Z' });
    await aReading(corrected, { value: 117, localDate: '2026-11-12', submittedAt: '2026-11-12T15:00:00Z', kind: 'staff-correction' });

    const known = await lastKnownValues(db, [onlyBilling.id, readingNewer.id, billingNewer.id, sameDay.id, corrected.id, 999_999]);
    expect(known.get(onlyBilling.id)).toEqual({ value: 100, date: '2026-10-25', source: 'billing' });
    expect(known.get(readingNewer.id)).toEqual({ value: 110, date: '2026-11-10', source: 'reading' });
    expect(known.get(billingNewer.id)).toEqual({ value: 140, date: '2026-11-20', source: 'billing' });
    expect(known.get(sameDay.id)).toEqual({ value: 151, date: '2026-11-10', source: 'reading' });
    expect(known.get(corrected.id)).toEqual({ value: 117, date: '2026-11-12', source: 'reading' });
    expect(known.has(999_999)).toBe(false);
    expect((await lastKnownValues(db, [])).size).toBe(0);
  });
});

describe('linked accounts', () => {
  it('lists only linked accounts, holder masked, with meters and their last values', async () => {
    const deps = depsAt(db, NOW);
    const subscriber = await aSubscriber(db);
    const mine = await anAccount(db, { surname: 'Шевченко', givenNames: 'Тарас Григорович', balanceKop: -1_250 });
    const meter = await aMeter(db, mine, { serial: 'SH-1', lastReading: 300, lastReadingDate: '2026-10-25', verificationDue: '2029-05-01' });
    await aReading(meter, { value: 312, localDate: '2026-11-20', subscriber });
    await anAccount(db); // someone else's
    await aLink(db, subscriber, mine);

    expect(await listLinkedAccounts(deps, subscriber.id)).toEqual([
      {
        accountId: mine.id,
        number: mine.number,
        address: mine.address,
        holder: 'Шевченко Т. Г.',
        balanceKop: -1_250,
        meters: [{
          meterId: meter.id, serial: 'SH-1', service: 'водопостачання', place: 'кухня',
          lastValue: 312, lastValueDate: '2026-11-20', verificationDue: '2029-05-01',
        }],
      },
    ]);
  });

  it('shows a linked account in full: last 12 charges, last 12 payments, last 20 readings', async () => {
    const deps = depsAt(db, NOW);
    const subscriber = await aSubscriber(db);
    const account = await anAccount(db, { surname: 'Коваленко', givenNames: 'Олена' });
    const meter = await aMeter(db, account, { serial: 'KV-7' });
    for (let month = 1; month <= 14; month++) {
      const mm = String(((month - 1) % 12) + 1).padStart(2, '0');
      const year = month <= 12 ? 2025 : 2026;
      await aCharge(db, account, { period: `${year}-${mm}-01`, volumeM3: `${month}.500`, amountKop: month * 1_000 });
      await aPayment(db, account, `${year}-${mm}-20`, month * 1_000);
    }
    for (let day = 1; day <= 22; day++) await aReading(meter, { value: 200 + day, localDate: `2026-10-${String(day).padStart(2, '0')}` });
    await aLink(db, subscriber, account);

    const view = await accountView(deps, { subscriberId: subscriber.id, accountId: account.id });
    if (view.kind !== 'view') throw new Error(`expected a view, got ${view.kind}`);
    expect(view.account.holder).toBe('Коваленко О.');
    expect(view.charges).toHaveLength(12);
    expect(view.charges[0]).toEqual({ period: '2026-02-01', service: 'водопостачання', volumeM3: '14.500', amountKop: 14_000 });
    expect(view.charges.at(-1)).toMatchObject({ period: '2025-03-01' });
    expect(view.payments).toHaveLength(12);
    expect(view.payments[0]).toEqual({ paidOn: '2026-02-20', amountKop: 14_000 });
    expect(view.readings).toHaveLength(20);
    expect(view.readings[0]).toEqual({ meterSerial: 'KV-7', value: 222, localDate: '2026-10-22', channel: 'telegram', kind: 'subscriber' });
    expect(view.readings.at(-1)).toMatchObject({ localDate: '2026-10-03' });
  });

  it('marks the meters past their verification date, by the Kyiv day', async () => {
    // 22:30 UTC on the 24th is already the 25th in Kyiv: a meter due on the 24th is overdue, one due on the 25th is not.
    const deps = depsAt(db, '2026-11-24T22:30:00Z');
    const subscriber = await aSubscriber(db);
    const account = await anAccount(db);
    const overdue = await aMeter(db, account, { verificationDue: '2026-11-24' });
    await aMeter(db, account, { verificationDue: '2026-11-25' });
    await aMeter(db, account, { verificationDue: null });
    await aLink(db, subscriber, account);
    const view = await accountView(deps, { subscriberId: subscriber.id, accountId: account.id });
    expect(view).toMatchObject({ kind: 'view', overdueMeterIds: [overdue.id] });
  });

  it('never shows an account the subscriber has not linked', async () => {
    const deps = depsAt(db, NOW);
    const [subscriber, holder] = [await aSubscriber(db), await aSubscriber(db)];
    const account = await anAccount(db);
    await aLink(db, holder, account);
    expect(await accountView(deps, { subscriberId: subscriber.id, accountId: account.id })).toEqual({ kind: 'not-linked' });
    expect(await accountView(deps, { subscriberId: subscriber.id, accountId: 999_999 })).toEqual({ kind: 'not-linked' });
  });

  it('unlinks, once', async () => {
    const deps = depsAt(db, NOW);
    const subscriber = await aSubscriber(db);
    const account = await anAccount(db);
    await aLink(db, subscriber, account);
    expect(await unlinkAccount(deps, { subscriberId: subscriber.id, accountId: account.id })).toEqual({ kind: 'unlinked' });
    expect(await unlinkAccount(deps, { subscriberId: subscriber.id, accountId: account.id })).toEqual({ kind: 'not-linked' });
    expect(await listLinkedAccounts(deps, subscriber.id)).toEqual([]);
    expect(await accountView(deps, { subscriberId: subscriber.id, accountId: account.id })).toEqual({ kind: 'not-linked' });
  });
});

describe('linking by phone', () => {
  it('offers the accounts billing knows under the shared phone, and links them without a proof', async () => {
    const deps = depsAt(db, NOW);
    const subscriber = await aSubscriber(db);
    const other = await aSubscriber(db);
    const home = await anAccount(db, { phone: '380671110001' });
    const dacha = await anAccount(db, { phone: '380671110001' });
    const linkedAlready = await anAccount(db, { phone: '380671110001' });
    await anAccount(db, { phone: '380671119999' });
    await aLink(db, subscriber, linkedAlready);
    await aLink(db, other, dacha);

    const saved = await setPhone(deps, subscriber.id, '+38 (067) 111-00-01');
    expect(saved).toEqual({
      kind: 'saved',
      phone: '380671110001',
      offers: [home, dacha]
        .map((a) => ({ accountId: a.id, number: a.number, address: a.address }))
        .sort((x, y) => x.number.localeCompare(y.number)),
    });

    expect(await linkByPhone(deps, { subscriberId: subscriber.id, accountId: home.id })).toMatchObject({
      kind: 'linked', noticesQueued: 0, account: { accountId: home.id },
    });
    expect(await linkByPhone(deps, { subscriberId: subscriber.id, accountId: dacha.id })).toMatchObject({ kind: 'linked', noticesQueued: 1 });
    expect(await linkByPhone(deps, { subscriberId: subscriber.id, accountId: dacha.id })).toMatchObject({ kind: 'already-linked' });
    expect(await phoneOffers(deps, subscriber.id)).toEqual([]);
    const links = await db.models.Link.findAll({ where: { subscriberId: subscriber.id, accountId: [home.id, dacha.id] } });
    expect(links.map((l) => l.method)).toEqual(['phone', 'phone']);
    const attempts = await db.models.OwnershipAttempt.findAll({ where: { subscriberId: subscriber.id }, order: [['id', 'ASC']] });
    expect(attempts.map((a) => [a.accountNumber, a.method, a.result])).toEqual([
      [home.number, 'phone', 'success'],
      [dacha.number, 'phone', 'success'],
      [dacha.number, 'phone', 'success'],
    ]);
  });

  it('refuses an account whose billing phone is not the subscriber’s', async () => {
    const deps = depsAt(db, NOW);
    const withoutPhone = await aSubscriber(db);
    const subscriber = await aSubscriber(db, { phone: '380502220002' });
    const account = await anAccount(db, { phone: '380502229999' });
    expect(await linkByPhone(deps, { subscriberId: subscriber.id, accountId: account.id })).toEqual({ kind: 'not-offered' });
    expect(await linkByPhone(deps, { subscriberId: withoutPhone.id, accountId: account.id })).toEqual({ kind: 'not-offered' });
    expect(await linkByPhone(deps, { subscriberId: subscriber.id, accountId: 999_999 })).toEqual({ kind: 'not-offered' });
    expect(await phoneOffers(deps, withoutPhone.id)).toEqual([]);
    expect(await db.models.Link.count({ where: { accountId: account.id } })).toBe(0);
  });
});

describe('staff view', () => {
  it('shows the full holder, meters and who has linked the account, phones masked', async () => {
    const deps = depsAt(db, NOW);
    const account = await anAccount(db, { number: '7700123', surname: 'Петренко', givenNames: 'Ганна Іванівна', phone: '380931234567' });
    const meter = await aMeter(db, account, { serial: 'PT-1', lastReading: 50, lastReadingDate: '2026-10-25' });
    await aReading(meter, { value: 58, localDate: '2026-11-24' });
    const subscriber = await aSubscriber(db, { name: 'Ганна', phone: '380931234567', channel: 'viber' });
    await aLink(db, subscriber, account);

    expect(await findAccountForStaff(deps, ' 77-00-123 ')).toEqual({
      accountId: account.id,
      number: '7700123',
      holder: 'Петренко Ганна Іванівна',
      address: account.address,
      balanceKop: account.balanceKop,
      phoneMasked: '+380*****4567',
      meters: [expect.objectContaining({ serial: 'PT-1', lastValue: 58, lastValueDate: '2026-11-24' })],
      linkedSubscribers: [{ subscriberId: subscriber.id, channel: 'viber', name: 'Ганна', phoneMasked: '+380*****4567', linkedVia: 'surname' }],
      onlinePayments: [],
    });
    expect(await findAccountForStaff(deps, '0000000')).toBeNull();
  });
});

describe('online payments in the views', () => {
  it('the subscriber sees unbooked and refunded ones, staff see every one with its state; billing\'s row ends pending', async () => {
    const deps = depsAt(db, '2026-12-05T10:00:00Z');
    const pay = { ...deps, payments: defaultPaymentRules };
    const account = await anAccount(db, { number: '7700999' });
    const subscriber = await aSubscriber(db);
    await aLink(db, subscriber, account);
    const paid = async (amountKop: number, providerPaymentId: string, at: string): Promise<PaymentOrder> => {
      const created = await createOrder(pay, { subscriberId: subscriber.id, accountId: account.id, amountKop, provider: 'liqpay' });
      if (created.kind !== 'created') throw new Error(created.kind);
      const order = created.order;
      await recordProviderReport(pay, { orderId: order.id, source: 'callback', providerStatus: 'success', status: 'paid', providerPaymentId, amountKop, currency: 'UAH', at: new Date(at) });
      return order;
    };
    const booked = await paid(30_000, '2400000001', '2026-12-01T08:00:00Z');
    const waiting = await paid(45_050, '2400000002', '2026-12-04T22:30:00Z'); // 5 December in Kyiv
    const refunded = await paid(12_000, '2400000003', '2026-12-03T09:00:00Z');
    await recordProviderReport(pay, { orderId: refunded.id, source: 'callback', providerStatus: 'reversed', status: 'reversed', providerPaymentId: '2400000003', amountKop: 12_000, currency: 'UAH', at: new Date('2026-12-04T09:00:00Z') });
    await aPayment(db, account, '2026-12-02', 30_000);
    expect(await matchBillingPayments(db, 'Europe/Kyiv')).toBe(1);

    const view = await accountView(deps, { subscriberId: subscriber.id, accountId: account.id });
    if (view.kind !== 'view') throw new Error(view.kind);
    expect(view.onlinePayments).toEqual([
      { orderId: waiting.id, amountKop: 45_050, paidOn: '2026-12-05', state: 'pending' },
      { orderId: refunded.id, amountKop: 12_000, paidOn: '2026-12-03', state: 'reversed' },
    ]);
    expect(view.payments).toEqual([{ paidOn: '2026-12-02', amountKop: 30_000 }]);

    const seen = await findAccountForStaff(deps, '7700999');
    expect(seen?.onlinePayments.map((p) => [p.orderId, p.billingPaidOn, p.reversedAt !== null])).toEqual([
      [waiting.id, null, false],
      [refunded.id, null, true],
      [booked.id, '2026-12-02', false],
    ]);
    const card = staff.accountCard(seen!, 'Europe/Kyiv');
    expect(card).toContain(`Оплати онлайн:\n• 05.12.2026 о 00:30, 450,50 грн, LiqPay № 2400000002, замовлення ${waiting.id} — очікує зарахування`);
    expect(card).toContain(`LiqPay № 2400000003, замовлення ${refunded.id} — повернено`);
    expect(card).toContain(`LiqPay № 2400000001, замовлення ${booked.id} — зараховано білінгом 02.12.2026`);
  });
});
