import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { recordProviderReport } from '../../../core/payments/index.ts';
import { createLogger } from '../../../bots/logger.ts';
import type { OutgoingMessage, Recipient, SubscriberNotifier } from '../../../bots/notifier.ts';
import { createSubscriberDeliveryHandlers } from '../../../bots/outbox/subscriber-deliveries.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { anOrder, aReport, paymentsDeps } from '../../support/payments-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

describe('the receipt', () => {
  it('goes to the subscriber who ordered, once, with amount, account, time, order and LiqPay\'s payment id', async () => {
    const clock = new FixedClock(new Date('2026-12-04T12:30:00Z'));
    const deps = paymentsDeps(db, clock);
    const order = await anOrder(deps, { amountKop: 41_990, account: { number: '7003003' } });
    await recordProviderReport(deps, aReport(order, { providerPaymentId: '2400000777' }));
    await recordProviderReport(deps, aReport(order, { providerPaymentId: '2400000777' }));

    const sent: Array<{ to: Recipient; message: OutgoingMessage }> = [];
    const notifier: SubscriberNotifier = {
      channel: 'telegram',
      async send(to, message) {
        sent.push({ to, message });
        return { kind: 'delivered', messageIds: ['1'] };
      },
    };
    const handlers = createSubscriberDeliveryHandlers({ core: deps, notifiers: { telegram: notifier }, logger: createLogger('silent') });
    const entries = await db.models.OutboxMessage.findAll({ where: { kind: 'payment-receipt' } });
    expect(entries).toHaveLength(1);
    for (const entry of entries) {
      await handlers['payment-receipt']!({ id: entry.id, kind: 'payment-receipt', payload: entry.payload as { orderId: string; subscriberId: number }, attempts: 1 });
    }
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message.text).toBe(
      [
        '✅ Оплату отримано.',
        'Сума: 419,90 грн',
        'Рахунок № 7003003',
        'Дата і час: 04.12.2026 о 14:30',
        `Замовлення: ${order.id}`,
        'Номер платежу LiqPay: 2400000777',
        'Поки білінг не зарахує платіж, у рахунку він буде позначений «оплачено онлайн, очікує зарахування».',
      ].join('\n'),
    );
  });
});
