import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { systemClock } from '../../core/clock.ts';
import { exportPayments, reconcilePayments, unconfirmedPayments, type ExportEncoding } from '../../core/payments/index.ts';
import type { Database } from '../../models/database.ts';
import type { Config } from '../config.ts';
import { statusSources } from './checkout.ts';

export const PAYMENTS_USAGE = `export-payments --from YYYY-MM-DD --to YYYY-MM-DD --out FILE [--encoding utf8|cp1251]
                            Write the online payments of those days (Kyiv days; refunded ones left out) for
                            billing: account;paid_at;amount;order_id;provider;provider_id.
  payments-report           Paid online orders billing has not booked after PAYMENT_CONFIRM_DAYS days.
  reconcile-payments        Ask LiqPay now about every order still open after PAYMENT_RECONCILE_AFTER_SECONDS.`;

/** Exit codes as bots/cli.ts uses them; `write` prints, `fail` is for a wrong argument (exit 2, with the usage). */
interface CommandIo {
  write: (text: string) => void;
  fail: (message: string) => never;
}

export async function exportPaymentsCommand(db: Database, config: Config, args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, encoding: { type: 'string' } },
    allowPositionals: true,
  });
  if (!values.from || !values.to || !values.out || positionals.length > 0) io.fail('export-payments needs --from YYYY-MM-DD, --to YYYY-MM-DD and --out FILE');
  const encoding = (values.encoding ?? 'utf8').toLowerCase().replace('-', '');
  if (encoding !== 'utf8' && encoding !== 'cp1251') io.fail('--encoding is utf8 or cp1251');
  const result = await exportPayments(db, { from: values.from, to: values.to }, { timeZone: config.core.timeZone, encoding: encoding as ExportEncoding });
  if (result.kind === 'invalid-range') {
    const problems = { 'from-not-a-date': `--from ${values.from} is not a date (YYYY-MM-DD)`, 'to-not-a-date': `--to ${values.to} is not a date (YYYY-MM-DD)`, 'from-after-to': '--from is after --to' };
    io.fail(problems[result.problem]);
  }
  await writeFile(values.out, result.bytes);
  io.write(`exported ${result.rows} online payments to ${values.out} (${encoding})\n`);
  return 0;
}

export async function paymentsReportCommand(db: Database, config: Config, io: CommandIo): Promise<number> {
  const days = config.payments.rules.confirmDays;
  const waiting = await unconfirmedPayments(db, systemClock, days);
  if (waiting.length === 0) {
    io.write(`Every online payment older than ${days} days is booked by billing.\n`);
    return 0;
  }
  io.write(`${waiting.length} online payments paid more than ${days} days ago are not in billing's payments yet:\n`);
  for (const p of waiting) {
    io.write(`  ${p.accountNumber}  ${(p.amountKop / 100).toFixed(2)}  paid ${p.paidAt}  order ${p.orderId}  ${p.provider} ${p.providerPaymentId}\n`);
  }
  return 1;
}

export async function reconcilePaymentsCommand(db: Database, config: Config, io: CommandIo): Promise<number> {
  const liqpay = config.payments.liqpay;
  if (!liqpay) io.fail('reconcile-payments needs LIQPAY_PUBLIC_KEY, LIQPAY_PRIVATE_KEY and PUBLIC_BASE_URL');
  const summary = await reconcilePayments(
    { db, clock: systemClock, settings: config.core, payments: config.payments.rules },
    Object.fromEntries(statusSources(liqpay).map((source) => [source.provider, source])),
    { limit: 1000 },
  );
  io.write(
    `asked LiqPay about ${summary.asked} open orders: ${summary.paid} paid, ${summary.failed} failed, ${summary.unchanged} unchanged, ` +
      `${summary.notFound} not paid yet, ${summary.errors} could not be asked\n`,
  );
  return summary.errors > 0 ? 1 : 0;
}
