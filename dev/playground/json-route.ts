import type { NextFunction, Request, Response } from 'express';
import { BadInput } from './input.ts';

// How the page's JSON API answers, the same for the Telegram and the Viber side.

export type RouteWork = (req: Request, res: Response) => unknown;

export interface StandIn {
  /** Errors whose message starts so are the stand-in refusing what the real service would not allow. */
  refusalPrefix: RegExp;
  /** Told when the bot's webhook could not be reached, for a stand-in that calls the bot itself. */
  botUnreachable?: string;
}

/**
 * An Express handler: the work's result (or its promise's) as JSON. What the tester asked that the app or the
 * stand-in refuses (no such button, a closed topic…) comes back as 400 with the reason; anything else is a fault.
 */
export function jsonRoute(standIn: StandIn): (work: RouteWork) => (req: Request, res: Response, next: NextFunction) => void {
  return (work) => (req, res, next) => {
    Promise.resolve()
      .then(() => work(req, res))
      .then((result) => {
        if (result !== undefined && !res.headersSent) res.json(result);
      })
      .catch((error: unknown) => {
        if (error instanceof BadInput) {
          res.status(400).json({ error: error.message });
        } else if (error instanceof Error && standIn.refusalPrefix.test(error.message)) {
          res.status(400).json({ error: error.message.replace(standIn.refusalPrefix, '') });
        } else if (standIn.botUnreachable && error instanceof TypeError && /fetch failed/.test(error.message)) {
          res.status(502).json({ error: standIn.botUnreachable });
        } else {
          next(error);
        }
      });
  };
}

/** A chat view the page polls for: 204 (and nothing) when the page already shows this version. */
export function unlessShown<View extends { version: string }>(req: Request, res: Response, view: View): View | undefined {
  if (req.query.version !== view.version) return view;
  res.status(204).end();
  return undefined;
}
