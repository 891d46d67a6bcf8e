import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { systemClock } from '../../../core/clock.ts';
import { findOrder } from '../../../core/payments/index.ts';
import { checkoutLink } from '../../../bots/payments/liqpay.ts';
import { freePort } from '../../../dev/free-port.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeTelegram } from '../../support/fake-telegram/index.ts';
import { startFakeLiqPay, type FakeLiqPay } from '../../support/fake-liqpay/index.ts';
import { anOrder, paymentsDeps } from '../../support/payments-builders.ts';

// The real process, killed with SIGKILL while LiqPay's success callback is inside it (its transaction waiting on
// the order's row): the payment was made, our record never committed. After a restart, reconciliation asks
// LiqPay's status API and the order ends paid, credited once.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PRIVATE_KEY = 'sandbox_kill_test_private';
const PUBLIC_KEY = 'sandbox_kill_test_public';

let db: TestDatabase;
let tg: FakeTelegram;
let fake: FakeLiqPay;
let port: number;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 3 });
  tg = await FakeTelegram.start();
  fake = await startFakeLiqPay({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY });
  port = await freePort('127.0.0.1');
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await fake?.close();
  await tg?.stop();
  await db?.destroy();
});

function startApp(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bots/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      DB_POOL_MAX: '2',
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      REMINDER_CRON: '0 3 1 1 *',
      LIQPAY_PUBLIC_KEY: PUBLIC_KEY,
      LIQPAY_PRIVATE_KEY: PRIVATE_KEY,
      LIQPAY_CHECKOUT_URL: fake.checkoutUrl,
      LIQPAY_API_URL: fake.apiUrl,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      PAYMENT_RECONCILE_AFTER_SECONDS: '1',
      PAYMENT_RECONCILE_CRON: '* * * * * *',
    },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

async function until<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const healthy = async () => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
  } catch {
    return false;
  }
};

async function credited(orderId: string): Promise<number> {
  const rows = await db.sequelize.query(`SELECT 1 FROM payment_transactions WHERE order_id = :orderId`, { replacements: { orderId }, type: QueryTypes.SELECT });
  return rows.length;
}

// A child process opens the test's database: only a server takes a second process (an embedded folder is one process's).
describe.runIf(inject('testDatabase').kind === 'server')('a process killed between LiqPay\'s success and our record', () => {
  it('ends paid after the restart, credited once', async () => {
    const deps = paymentsDeps(db, systemClock);
    const order = await anOrder(deps);
    const liqpay = { publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, checkoutUrl: fake.checkoutUrl, apiUrl: fake.apiUrl, publicBaseUrl: `http://127.0.0.1:${port}` };
    expect((await fake.open(checkoutLink(liqpay, order, 'тест'))).status).toBe(200);

    const first = startApp();
    await until(healthy, 60_000, 'the first process');
    // Hold the order's row so the callback's transaction waits inside the process, then kill it there.
    const holder = await db.sequelize.transaction();
    await db.sequelize.query(`SELECT 1 FROM payment_orders WHERE id = :id FOR UPDATE`, { replacements: { id: order.id }, transaction: holder });
    const callback = fake.pay(order.id).catch(() => 'connection lost');
    await until(
      async () =>
        (
          await db.sequelize.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%payment_orders%'`,
            { type: QueryTypes.SELECT },
          )
        ).length > 0,
      30_000,
      'the callback waiting on the order inside the process',
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(await callback).toBe('connection lost');
    await holder.rollback();
    expect(fake.payments.get(order.id)?.status).toBe('success');
    expect((await findOrder(db, order.id))?.status).toBe('created');
    expect(await credited(order.id)).toBe(0);

    const second = startApp();
    await until(async () => (await findOrder(db, order.id))?.status === 'paid', 60_000, 'reconciliation to record the payment');
    expect(fake.statusRequests).toContain(order.id);
    // LiqPay's own retry of the callback, and more reconciliation passes: nothing is credited twice.
    expect(await fake.resend(order.id)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await credited(order.id)).toBe(1);
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
  }, 150_000);
});
