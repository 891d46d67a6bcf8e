import type { Sequelize } from 'sequelize';
import { SharedRateLimiter, type RateLimit } from '../../rate-limiter.ts';

/**
 * Sends into the staff group share one token bucket (in rate_buckets, the table SharedRateLimiter keeps) for the
 * whole deployment. Interactive answers to staff commands wait for their turn (`take`); outbox work asks
 * `tryTake` and, when no token is free, goes back to the outbox until one will be, instead of holding a handler
 * for minutes. Both draw from the same row with the same refill rule, so the limit holds across both.
 */
export interface GroupPacer {
  tryTake(): Promise<{ taken: true } | { taken: false; waitMs: number }>;
  take(): Promise<void>;
}

export function groupLimit(groupPerMinute: number, burst = 3): RateLimit {
  return { perSecond: groupPerMinute / 60, burst: Math.max(1, burst) };
}

export function createGroupPacer(sequelize: Sequelize, chatId: number, limit: RateLimit): GroupPacer {
  const key = `telegram-group:${chatId}`;
  const shared = new SharedRateLimiter(sequelize);
  return {
    tryTake: () => shared.tryTake(key, limit),
    take: () => shared.take(key, limit),
  };
}
