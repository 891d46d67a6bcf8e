import { loadConfig, ConfigError } from './config.ts';
import { createLogger } from './logger.ts';
import { openDatabase } from '../models/open-database.ts';
import { systemClock } from '../core/clock.ts';
import { buildApp } from './app.ts';

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
  const logger = createLogger(config.logLevel);
  const db = await openDatabase({ url: config.database.url, embeddedDir: config.database.embeddedDir, poolMax: config.database.poolMax });
  logger.info({ embedded: db.embedded }, 'database ready');

  const app = buildApp({ config, db, clock: systemClock, logger });
  const { port } = await app.start();
  logger.info({ port, host: config.http.host }, `listening on http://${config.http.host}:${port}`);

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
