// The IT admin's tool: `npm run cli -- <command>`. Argument parsing and printing only; the work is in core/billing.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase, type OpenedDatabase } from '../models/open-database.ts';
import { DataFolderBusyError } from '../models/data-folder-lock.ts';
import { DeadlineError } from '../core/deadline.ts';
import { createMigrator } from '../migrations/migrator.ts';
import { importBillingFiles } from '../core/billing/import-files.ts';
import type { BadLine } from '../core/billing/import-file.ts';
import { detectDelimiter, readHeaderLine } from '../core/billing/read-csv.ts';
import { importStreetAliases, isStreetAliasesHeader } from '../core/addresses/aliases.ts';
import { importOutagesFile, isOutagesHeader } from '../core/outages/import.ts';
import { exportReadings } from '../core/billing/export-readings.ts';
import { loadDemoData } from '../core/billing/demo-data.ts';
import { systemClock } from '../core/clock.ts';
import { buildApp } from './app.ts';
import { createLogger, secretsOf } from './logger.ts';
import { SEND_REMINDERS_USAGE, sendRemindersCommand } from './reminders/cli-command.ts';
import { matchBillingPayments } from '../core/payments/index.ts';
import { exportPaymentsCommand, PAYMENTS_USAGE, paymentsReportCommand, reconcilePaymentsCommand } from './payments/cli-commands.ts';

const USAGE = `Usage: npm run cli -- <command>

Commands:
  import FILE...            Import billing CSV exports (accounts, meters, charges, payments; kind read
                            from the header). Accounts go first. A file with any bad line is rejected
                            whole and its bad lines are listed; the other files are still imported.
                            Also street aliases (alias;street) and outages
                            (street;houses;kind;starts_at;ends_at;text), after the billing files.
  export-readings --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE]
                            Write the readings of those days as CSV for billing (to stdout without --out).
  demo-data                 Load a small demo city (idempotent) and print its accounts and their proofs.
  migrate                   Apply database migrations.
  ${SEND_REMINDERS_USAGE.replace(/\n/g, '\n  ')}
  ${PAYMENTS_USAGE}
  help                      Show this text.

Database: DATABASE_URL, or the embedded database kept in EMBEDDED_DB_DIR (default ./data). While the app runs
on that folder, commands work through the app's embedded server; a folder held by another command is refused.
Exit code: 0 when everything went in, 1 when something was rejected or failed, 2 for a wrong command or setting.
`;

const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

class UsageError extends Error {}

async function withDatabase<T>(work: (db: OpenedDatabase) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // The CLI runs one transaction at a time: a small pool leaves connections to the running bots.
  const db = await openDatabase({
    url: config.database.url,
    embeddedDir: config.database.embeddedDir,
    poolMax: Math.min(config.database.poolMax, 3),
    connectTimeoutMs: config.startupTimeoutMs,
    role: 'cli',
  });
  if (db.throughApp) process.stderr.write(`The app is running on ${config.database.embeddedDir}: working through its embedded database.\n`);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** Which importer a file goes to, by its header: outages and street aliases, or a billing export. */
async function smallFileKind(file: string): Promise<'outages' | 'street-aliases' | 'billing'> {
  try {
    const header = await readHeaderLine({ path: file });
    const names = header.split(detectDelimiter(header)).map((name) => name.trim().replace(/^"|"$/g, '').toLowerCase());
    if (isOutagesHeader(names)) return 'outages';
    if (isStreetAliasesHeader(names)) return 'street-aliases';
  } catch {
    // Unreadable: the billing importer says why.
  }
  return 'billing';
}

type SmallOutcome = { kind: 'imported'; summary: string } | { kind: 'rejected'; errors: BadLine[]; moreErrors: number };

async function importCommand(files: string[]): Promise<number> {
  if (files.length === 0) throw new UsageError('import needs at least one FILE');
  const kinds = await Promise.all(files.map(async (file) => ({ file, kind: await smallFileKind(file) })));
  const { results, matched, small } = await withDatabase(async (db) => {
    const billing = kinds.filter((k) => k.kind === 'billing').map((k) => ({ path: k.file }));
    const imported = billing.length > 0 ? await importBillingFiles(db, billing) : [];
    // Online payments billing has now booked stop being shown as pending.
    const paymentsIn = imported.some((r) => r.outcome.kind === 'imported' && r.outcome.fileKind === 'payments');
    const config = loadConfig();
    const core = { db, clock: systemClock, settings: config.core };
    // Aliases before outages: an outage is matched to accounts by the street names known when it is imported.
    const small: { name: string; outcome: SmallOutcome }[] = [];
    for (const { file } of kinds.filter((k) => k.kind === 'street-aliases')) {
      const outcome = await importStreetAliases(db, { path: file });
      small.push({ name: file, outcome: outcome.kind === 'imported' ? { kind: 'imported', summary: `imported ${outcome.rows} street aliases: ${outcome.inserted} new, ${outcome.updated} updated, ${outcome.unchanged} unchanged` } : outcome });
    }
    for (const { file } of kinds.filter((k) => k.kind === 'outages')) {
      const outcome = await importOutagesFile(core, { path: file });
      small.push({ name: file, outcome: outcome.kind === 'imported' ? { kind: 'imported', summary: `imported ${outcome.rows} outages: ${outcome.announced} announced, ${outcome.updated} updated, ${outcome.unchanged} unchanged` } : outcome });
    }
    return { results: imported, matched: paymentsIn ? await matchBillingPayments(db, config.core.timeZone) : 0, small };
  });
  if (matched > 0) process.stdout.write(`matched ${matched} online payments to billing's payments\n`);
  let exit: number = EXIT.ok;
  const listing = (errors: BadLine[], more: number, what: string) => {
    const lines = errors.map((e) => (e.line > 0 ? `  line ${e.line}: ${e.reason}` : `  ${e.reason}`));
    if (more > 0) lines.push(`  … and ${more} more ${what}`);
    return lines.join('\n');
  };
  for (const { name, outcome } of results) {
    const file = path.basename(name);
    if (outcome.kind === 'imported') {
      process.stdout.write(
        `${file}: imported ${outcome.rows} ${outcome.fileKind} rows: ${outcome.inserted} new, ${outcome.updated} updated, ${outcome.unchanged} unchanged ` +
          `(${outcome.encoding}, '${outcome.delimiter}'-delimited)\n`,
      );
      const unread = outcome.unreadAddresses ?? [];
      if (unread.length > 0) {
        const total = unread.length + (outcome.moreUnreadAddresses ?? 0);
        process.stdout.write(
          `${file}: ${total} addresses could not be read into street and house; their accounts are imported, but outages will not find them:\n` +
            `${listing(unread, outcome.moreUnreadAddresses ?? 0, 'addresses')}\n`,
        );
      }
      continue;
    }
    exit = EXIT.rejected;
    const kind = outcome.fileKind ? ` ${outcome.fileKind} file` : '';
    process.stderr.write(`${file}: REJECTED${kind}, nothing of it was written:\n${listing(outcome.errors, outcome.moreErrors, 'bad lines')}\n`);
  }
  for (const { name, outcome } of small) {
    const file = path.basename(name);
    if (outcome.kind === 'imported') {
      process.stdout.write(`${file}: ${outcome.summary}\n`);
      continue;
    }
    exit = EXIT.rejected;
    process.stderr.write(`${file}: REJECTED, nothing of it was written:\n${listing(outcome.errors, outcome.moreErrors, 'bad lines')}\n`);
  }
  return exit;
}

async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } }, allowPositionals: true });
  if (!values.from || !values.to || positionals.length > 0) throw new UsageError('export-readings needs --from YYYY-MM-DD and --to YYYY-MM-DD');
  const range = { from: values.from, to: values.to };
  const result = await withDatabase((db) => exportReadings(db, range));
  if (result.kind === 'invalid-range') {
    const problems = { 'from-not-a-date': `--from ${range.from} is not a date (YYYY-MM-DD)`, 'to-not-a-date': `--to ${range.to} is not a date (YYYY-MM-DD)`, 'from-after-to': '--from is after --to' };
    throw new UsageError(problems[result.problem]);
  }
  if (values.out) {
    await writeFile(values.out, result.csv, 'utf8');
    process.stderr.write(`exported ${result.rows} readings to ${values.out}\n`);
  } else {
    process.stdout.write(result.csv);
  }
  return EXIT.ok;
}

async function demoCommand(): Promise<number> {
  const accounts = await withDatabase((db) => loadDemoData(db, systemClock, loadConfig().core.timeZone));
  process.stdout.write('Demo accounts (account number, surname proof, last two payments):\n');
  for (const a of accounts) {
    const payments = a.lastPayments.map((p) => `${(p.amountKop / 100).toFixed(2)} (${p.paidOn})`).join(', ');
    process.stdout.write(`  ${a.number}  ${a.surname} ${a.givenNames} [${a.surnameStart}]  payments: ${payments}  — ${a.note}\n`);
  }
  return EXIT.ok;
}

async function migrateCommand(): Promise<number> {
  const applied = await withDatabase(async (db) => (await createMigrator(db.sequelize).executed()).map((m) => m.name));
  process.stdout.write(`Schema is up to date (${applied.length} migrations applied):\n${applied.map((name) => `  ${name}`).join('\n')}\n`);
  return EXIT.ok;
}

/** The bots are built (never started) only for their notifiers: a reminder goes out exactly as the schedule sends it. */
async function sendRemindersNow(args: string[]): Promise<number> {
  const config = loadConfig();
  return withDatabase((db) => {
    const app = buildApp({ config, db, clock: systemClock, logger: createLogger(config.logLevel, undefined, { secrets: secretsOf(config) }) });
    return sendRemindersCommand(app.reminders, args);
  });
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'import':
      return importCommand(rest);
    case 'export-readings':
      return exportCommand(rest);
    case 'demo-data':
      return demoCommand();
    case 'migrate':
      return migrateCommand();
    case 'send-reminders':
      return sendRemindersNow(rest);
    case 'export-payments':
    case 'payments-report':
    case 'reconcile-payments': {
      const config = loadConfig();
      const io = { write: (text: string) => process.stdout.write(text), fail: (message: string): never => { throw new UsageError(message); } };
      return withDatabase((db) =>
        command === 'export-payments'
          ? exportPaymentsCommand(db, config, rest, io)
          : command === 'payments-report'
            ? paymentsReportCommand(db, config, io)
            : reconcilePaymentsCommand(db, config, io),
      );
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = EXIT.usage;
  } else if (error instanceof DataFolderBusyError || error instanceof DeadlineError) {
    process.stderr.write(`failed: ${error.message}\n`);
    process.exitCode = EXIT.rejected;
  } else if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = EXIT.usage;
  } else {
    process.stderr.write(`failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT.rejected;
  }
}
