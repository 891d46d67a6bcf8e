import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from './logger.ts';

export interface HttpRoutes {
  /** Mounted before any body parser: each webhook reads its body the way its platform signs it. */
  webhooks: Array<{ path: string; handler: RequestHandler }>;
  /** Reports whether the database answers; /healthz is 200 only when it does. */
  checkDatabase: () => Promise<boolean>;
  /** Extra routes (the local playground). */
  extra?: (app: Express) => void;
}

export function createHttpApp(routes: HttpRoutes, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  for (const webhook of routes.webhooks) app.post(webhook.path, webhook.handler);

  app.get('/healthz', async (_req, res) => {
    const database = await routes.checkDatabase().catch(() => false);
    res.status(database ? 200 : 503).json({ status: database ? 'ok' : 'degraded', database: database ? 'up' : 'down' });
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
