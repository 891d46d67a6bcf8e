import { loadConfig, ConfigError, type Config } from './config.ts';
import { createLogger, secretsOf, type Logger } from './logger.ts';
import { openDatabase, type OpenedDatabase } from '../models/open-database.ts';
import { DataFolderBusyError } from '../models/data-folder-lock.ts';
import { DeadlineError } from '../core/deadline.ts';
import { systemClock } from '../core/clock.ts';
import { buildApp, type App } from './app.ts';
import { ListenError } from './server.ts';
import { startPlayground, withPlaygroundPayments, type Playground } from '../dev/playground/index.ts';
import { freePort, localUrl } from '../dev/free-port.ts';

// How long a failed start may spend letting go of what it had opened before the process exits anyway.
const GIVE_UP_MS = 5_000;

/** What was opened so far, closed in reverse on shutdown or on a failed start. */
interface Opened {
  db?: OpenedDatabase;
  playground?: Playground;
  app?: App;
}

async function closeAll(opened: Opened): Promise<void> {
  await opened.app?.stop();
  await opened.playground?.stop();
  await opened.db?.close();
}

/** Errors whose message is the whole story for an operator (no stack, no error object with its fields). */
const explained = (error: unknown): error is Error =>
  error instanceof ListenError || error instanceof DeadlineError || error instanceof DataFolderBusyError;

async function start(config: Config, logger: Logger, opened: Opened): Promise<void> {
  logger.info({ embedded: !config.database.url }, 'opening the database');
  opened.db = await openDatabase({
    url: config.database.url,
    embeddedDir: config.database.embeddedDir,
    embeddedPort: config.database.embeddedPort,
    poolMax: config.database.poolMax,
    connectTimeoutMs: config.startupTimeoutMs,
    role: 'app',
  });
  const db = opened.db;
  logger.info({ embedded: db.embedded }, 'database ready');

  // No token at all: the local playground, where the same bots talk to stand-ins of the Telegram Bot API and of Viber.
  if (!config.telegram && !config.viber) {
    opened.playground = await startPlayground({
      db,
      clock: systemClock,
      logger: logger.child({ part: 'playground' }),
      timeZone: config.core.timeZone,
      ports: { telegram: config.playground.telegramPort, viber: config.playground.viberPort },
      sms: config.sms ? false : config.playground.sms,
    });
  }
  const playground = opened.playground;
  if (playground && config.http.port === 0) {
    // The stand-in of Viber posts callbacks to the app's own webhook URL, so the port is chosen before listening.
    config = { ...config, http: { ...config.http, port: await freePort(config.http.host) } };
  }
  // No keys in the playground: payment goes through the stand-ins (LiqPay's checkout page, Telegram's invoices,
  // Viber's payment message), whole, with no keys.
  if (playground) config = withPlaygroundPayments(config, playground, localUrl(config.http.host, config.http.port));
  opened.app = buildApp({
    config,
    db,
    clock: systemClock,
    logger,
    ...(playground
      ? {
          telegramFallback: playground.telegram,
          viberFallback: playground.viberFor(localUrl(config.http.host, config.http.port)),
          ...(playground.sms ? { smsFallback: playground.sms } : {}),
          mountExtra: (http) => playground.mount(http),
        }
      : {}),
  });
  const { port } = await opened.app.start();
  logger.info({ port, host: config.http.host }, `listening on http://${config.http.host}:${port}`);
  if (playground) {
    const address = `${localUrl(config.http.host, port)}/`;
    logger.info({ playground: address }, 'local playground: no tokens are set, so the bots talk to stand-ins of Telegram and Viber');
    process.stdout.write(`\n  Local playground (test environment, nothing goes to real Telegram or Viber): ${address}\n\n`);
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, undefined, { secrets: secretsOf(config) });
  const opened: Opened = {};

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    stopping ??= (async () => {
      logger.info({ signal }, 'shutting down');
      const forced = setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      }, 20_000);
      forced.unref();
      try {
        await closeAll(opened);
      } finally {
        clearTimeout(forced);
      }
      logger.info('stopped');
    })();
    return stopping;
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    await start(config, logger, opened);
  } catch (error) {
    // A process that cannot do its work must not look alive: no half-started outbox or schedule without HTTP.
    const message = explained(error) ? error.message : String((error as Error)?.message ?? error);
    logger.fatal(explained(error) ? {} : { err: error }, `start-up failed: ${message}`);
    console.error(`start-up failed: ${message}`);
    const givingUp = setTimeout(() => process.exit(1), GIVE_UP_MS);
    givingUp.unref();
    await closeAll(opened).catch(() => undefined);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
