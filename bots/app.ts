import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Database } from '../models/database.ts';
import type { Clock } from '../core/clock.ts';
import { createHttpApp } from './server.ts';

export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
}

export interface App {
  http: Express;
  /** Listens on the configured port and starts taking updates and running schedules. */
  start(): Promise<{ port: number }>;
  /** Stops taking updates, lets those in flight finish, stops schedules; the caller closes the database. */
  stop(): Promise<void>;
}

/** The composition root: everything the process runs is wired here, so a test builds the same app in-process. */
export function buildApp(deps: AppDeps): App {
  const { config, db, logger } = deps;
  const http = createHttpApp(
    {
      webhooks: [],
      checkDatabase: async () => {
        await db.sequelize.query('SELECT 1');
        return true;
      },
    },
    logger,
  );

  let server: Server | undefined;
  return {
    http,
    async start() {
      server = await new Promise<Server>((resolve, reject) => {
        const listening = http.listen(config.http.port, config.http.host, () => resolve(listening));
        listening.once('error', reject);
      });
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      return { port };
    },
    async stop() {
      if (server) {
        const closing = server;
        server = undefined;
        await new Promise<void>((resolve) => closing.close(() => resolve()));
      }
    },
  };
}
