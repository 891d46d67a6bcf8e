// A child process running the real app (bots/app.ts buildApp: the cabinet's own flows, both adapters, the
// outbox, the staff desk) on a test database, for the tests that kill it with SIGKILL. Configured as production
// is, by the environment (bots/config.ts); besides, for the tests only:
//   TEST_CLAIM_LEASE_MS, TEST_VIBER_LEASE_MS, TEST_OUTBOX_LEASE_MS — shorter leases, so a dead process's claims are taken over soon;
//   TEST_EMBEDDED_DB=1 — the database is the embedded test one.
// The database is the test's (already migrated); logs go to stderr. Prints `ready` once the app has started.
import { buildApp } from '../../../../bots/app.ts';
import { loadConfig } from '../../../../bots/config.ts';
import { createLogger } from '../../../../bots/logger.ts';
import { systemClock } from '../../../../core/clock.ts';
import { createDatabase } from '../../../../models/database.ts';

const config = loadConfig(process.env);
if (!config.database.url) throw new Error('cabinet-process: DATABASE_URL is required');
// The embedded test database (PGlite behind a socket) does not keep named prepared statements.
const db = createDatabase({ url: config.database.url, poolMax: config.database.poolMax, namedStatements: process.env.TEST_EMBEDDED_DB !== '1' });
const logger = createLogger(config.logLevel, process.stderr as never);
const lease = (name: string) => Number(process.env[name] ?? 0) || undefined;
const telegramLease = lease('TEST_CLAIM_LEASE_MS');
const viberLease = lease('TEST_VIBER_LEASE_MS');
const app = buildApp({
  config,
  db,
  clock: systemClock,
  logger,
  tuning: {
    ...(telegramLease ? { telegramClaimLeaseMs: telegramLease } : {}),
    ...(lease('TEST_OUTBOX_LEASE_MS') ? { outboxLeaseMs: lease('TEST_OUTBOX_LEASE_MS')! } : {}),
    viber: { client: { maxAttempts: 3, baseDelayMs: 20 }, inbox: { ...(viberLease ? { leaseMs: viberLease } : {}), sweepMs: 200, retryBaseMs: 200 } },
  },
});
await app.start();
process.stdout.write('ready\n');
