import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { findOrder, recordProviderReport } from '../../../core/payments/index.ts';
import { checkoutLink } from '../../../bots/payments/liqpay.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startFakeLiqPay, type FakeLiqPay } from '../../support/fake-liqpay/index.ts';
import { anOrder, aReport, paymentsDeps } from '../../support/payments-builders.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

let db: TestDatabase;
let folder: string;
let fake: FakeLiqPay;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
  folder = await mkdtemp(path.join(tmpdir(), 'cabinet-pay-cli-'));
  fake = await startFakeLiqPay({ publicKey: 'pub-cli', privateKey: 'priv-cli' });
});
afterAll(async () => {
  await fake.close();
  await db.destroy();
  await rm(folder, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'bots/cli.ts', ...args],
      { cwd: root, env: { ...process.env, DATABASE_URL: db.url, DB_POOL_MAX: '2', ...env }, timeout: 150_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('payments in the CLI', () => {
  it('exports, reports what billing has not booked, and stops reporting it once a payments file brings it', async () => {
    const paidAt = new Date(Date.now() - 5 * 24 * 60 * 60_000);
    const deps = paymentsDeps(db, new FixedClock(paidAt));
    const order = await anOrder(deps, { amountKop: 48_020, account: { number: '7001001' } });
    await recordProviderReport(deps, aReport(order, { providerPaymentId: '2400000123' }));
    const day = paidAt.toLocaleDateString('sv-SE', { timeZone: 'Europe/Kyiv' });

    const out = path.join(folder, 'payments.csv');
    const exported = await cli(['export-payments', '--from', day, '--to', day, '--out', out, '--encoding', 'cp1251']);
    expect(exported).toMatchObject({ code: 0 });
    expect(iconv.decode(await readFile(out), 'win1251')).toBe(
      `account;paid_at;amount;order_id;provider;provider_id\n7001001;${paidAt.toISOString()};480.20;${order.id};liqpay;2400000123\n`,
    );
    expect((await cli(['export-payments', '--from', day, '--to', '2020-01-01', '--out', out])).code).toBe(2);

    const report = await cli(['payments-report']);
    expect(report.code).toBe(1);
    expect(report.stdout).toContain(`7001001  480.20`);
    expect(report.stdout).toContain(order.id);

    const booked = path.join(folder, 'billing-payments.csv');
    await writeFile(booked, `account;date;amount\n7001001;${day};480,20\n`);
    const imported = await cli(['import', booked]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('matched 1 online payments');
    expect(await cli(['payments-report'])).toMatchObject({ code: 0, stdout: expect.stringContaining('booked by billing') });
  }, 400_000);

  it('reconciles open orders with LiqPay on demand', async () => {
    const deps = paymentsDeps(db, new FixedClock(new Date(Date.now() - 10 * 60_000)));
    const order = await anOrder(deps);
    const liqpay = { publicKey: 'pub-cli', privateKey: 'priv-cli', checkoutUrl: fake.checkoutUrl, apiUrl: fake.apiUrl, publicBaseUrl: 'http://127.0.0.1:9' };
    await fake.open(checkoutLink(liqpay, order, 'тест'));
    await fake.pay(order.id, { callback: false });
    const env = { LIQPAY_PUBLIC_KEY: 'pub-cli', LIQPAY_PRIVATE_KEY: 'priv-cli', LIQPAY_API_URL: fake.apiUrl, PUBLIC_BASE_URL: 'http://127.0.0.1:9' };
    const run = await cli(['reconcile-payments'], env);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('1 paid') });
    expect((await findOrder(db, order.id))?.status).toBe('paid');
    expect((await cli(['reconcile-payments'])).code).toBe(2);
  }, 400_000);
});
