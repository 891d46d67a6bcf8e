import type { MiddlewareFn } from 'grammy';
import type { Database } from '../../models/database.ts';
import type { BotContext, SessionData } from './context.ts';
import { deleteState, writeState } from './storage.ts';

// grammY's session plugin reads its storage by key alone, so it cannot take the state beginUpdate already read
// in the update's one round trip: this middleware plays its part on that prefetched state.

/**
 * ctx.session, kept under `prefix + chat id`: the chat's session as beginUpdate read it (an empty one when there
 * is none), written back only when a handler changed it, and removed when one set it to undefined. Like grammY's
 * session, nothing is written when the handling fails.
 */
export function chatSession(db: Database, prefix: string): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const key = ctx.chat === undefined ? undefined : prefix + ctx.chat.id;
    if (key === undefined) {
      const outside = () => {
        throw new Error('This update has no chat, so it has no session');
      };
      Object.defineProperty(ctx, 'session', { get: outside, set: outside, configurable: true });
      return next();
    }
    const stored = ctx.prefetchedState.get(key) as SessionData | undefined;
    const before = JSON.stringify(stored ?? {});
    let value: SessionData | undefined = stored ?? {};
    Object.defineProperty(ctx, 'session', {
      get: () => value,
      set: (next: SessionData | undefined) => {
        value = next;
      },
      configurable: true,
      enumerable: true,
    });
    await next();
    if (value === undefined || value === null) {
      if (stored !== undefined) await deleteState(db, key);
      return;
    }
    const after = JSON.stringify(value);
    if (after !== before) await writeState(db, key, after);
  };
}
