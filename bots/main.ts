import { loadConfig, ConfigError } from './config.ts';
import { createLogger, secretsOf } from './logger.ts';
import { openDatabase } from '../models/open-database.ts';
import { systemClock } from '../core/clock.ts';
import { buildApp } from './app.ts';
import { startPlayground } from '../dev/playground/index.ts';
import { freePort, localUrl } from '../dev/free-port.ts';

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
  const db = await openDatabase({ url: config.database.url, embeddedDir: config.database.embeddedDir, poolMax: config.database.poolMax });
  logger.info({ embedded: db.embedded }, 'database ready');

  // No token at all: the local playground, where the same bots talk to stand-ins of the Telegram Bot API and of Viber.
  const playground =
    !config.telegram && !config.viber
      ? await startPlayground({ db, clock: systemClock, logger: logger.child({ part: 'playground' }), timeZone: config.core.timeZone })
      : undefined;
  if (playground && config.http.port === 0) {
    // The stand-in of Viber posts callbacks to the app's own webhook URL, so the port is chosen before listening.
    config = { ...config, http: { ...config.http, port: await freePort(config.http.host) } };
  }
  const app = buildApp({
    config,
    db,
    clock: systemClock,
    logger,
    ...(playground
      ? {
          telegramFallback: playground.telegram,
          viberFallback: playground.viberFor(localUrl(config.http.host, config.http.port)),
          mountExtra: (http) => playground.mount(http),
        }
      : {}),
  });
  const { port } = await app.start();
  logger.info({ port, host: config.http.host }, `listening on http://${config.http.host}:${port}`);
  if (playground) {
    const address = `${localUrl(config.http.host, port)}/`;
    logger.info({ playground: address }, 'local playground: no tokens are set, so the bots talk to stand-ins of Telegram and Viber');
    process.stdout.write(`\n  Local playground (test environment, nothing goes to real Telegram or Viber): ${address}\n\n`);
  }

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
        await app.stop();
        await playground?.stop();
        await db.close();
      } finally {
        clearTimeout(forced);
      }
      logger.info('stopped');
    })();
    return stopping;
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
