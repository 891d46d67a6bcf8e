import { createServer, type Server } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from './logger.ts';

/** Where the app is in its life: only a started app that is not stopping can do its work. */
export type AppPhase = 'starting' | 'started' | 'stopping';

export interface HttpRoutes {
  /** Mounted before any body parser: each webhook reads its body the way its platform signs it. */
  webhooks: Array<{ path: string; handler: RequestHandler }>;
  /** Whether the database answers (within a short deadline: a hung database is a down one). */
  checkDatabase: () => Promise<boolean>;
  /** Where the app is; without it (a bare bot mounted by a test or a bench) the routes count as started. */
  phase?: () => AppPhase;
  /** Extra routes (the local playground). */
  extra?: (app: Express) => void;
}

export function createHttpApp(routes: HttpRoutes, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  for (const webhook of routes.webhooks) app.post(webhook.path, webhook.handler);

  // 200 only when the app can do its work: started (bots registered, outbox and schedule running) and the
  // database answering. A load balancer or an orchestrator's readiness probe reads just the status.
  app.get('/healthz', async (_req, res) => {
    const phase = routes.phase?.() ?? 'started';
    const database = await routes.checkDatabase().catch(() => false);
    const ok = phase === 'started' && database;
    const status = ok ? 'ok' : phase === 'started' ? 'degraded' : phase;
    res.status(ok ? 200 : 503).json({ status, database: database ? 'up' : 'down' });
  });

  routes.extra?.(app);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(((error, _req, res, _next) => {
    logger.error({ err: error }, 'http request failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
  }) as express.ErrorRequestHandler);
  return app;
}

/** A listen that failed: the message names PORT/HOST and why, for an operator. */
export class ListenError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
    this.name = 'ListenError';
  }
}

/**
 * Listens, or rejects with a ListenError. Not `app.listen(port, host, callback)`: Express 5 hands the listen
 * error to that callback, so a port already in use looked like success.
 */
export function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    const failed = (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? 'is already in use (another instance of the app, or another program)'
          : error.code === 'EACCES'
            ? 'needs privileges this process does not have'
            : error.code === 'EADDRNOTAVAIL'
              ? 'is not an address of this machine'
              : `cannot be listened on (${error.code ?? error.message})`;
      reject(new ListenError(`PORT ${port} on HOST ${host} ${why}`, error.code));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve(server);
    });
  });
}
