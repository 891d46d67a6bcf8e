import { QueryTypes, type Sequelize } from 'sequelize';
import type { Clock } from '../../core/clock.ts';
import type { OutboxKind, OutboxPayload } from '../../core/outbox.ts';
import { scrub, type Logger } from '../logger.ts';
import { isPermanent as isPermanentByDefault } from './permanent.ts';

export interface ClaimedEntry<K extends OutboxKind = OutboxKind> {
  id: number;
  kind: K;
  payload: OutboxPayload<K>;
  /** How many times this entry has been claimed, this time included. */
  attempts: number;
}

/** 'done' ends the entry; 'later' puts it back until `at` without counting a failure (e.g. waiting on a rate limit). */
export type HandlerResult = { kind: 'done' } | { kind: 'later'; at: Date };

export type OutboxHandlers = { [K in OutboxKind]?: (entry: ClaimedEntry<K>) => Promise<HandlerResult> };

export interface DispatcherOptions {
  sequelize: Sequelize;
  clock: Clock;
  logger: Logger;
  handlers: OutboxHandlers;
  /** How often to look for due entries when idle. */
  pollMs?: number;
  batchSize?: number;
  /** A claimed entry is invisible to other instances this long: longer than any send may take. */
  leaseMs?: number;
  /** After this many failed attempts an entry is parked as 'failed' for an operator to look at. */
  maxAttempts?: number;
  /**
   * Errors retrying cannot fix (default: Telegram's 400, Viber's badData, PermanentFailure): parked at the first one.
   * Handlers deal with what they can first (split, shorten, tell the staff group); what still escapes is parked.
   */
  isPermanent?: (error: unknown) => boolean;
}

export interface OutboxDispatcher {
  start(): void;
  /** Stops polling and waits for the batch in hand. */
  stop(): Promise<void>;
  /** Handles what is due now, once; returns how many entries it took. For tests and the CLI. */
  runOnce(): Promise<number>;
  /** Asks for a pass soon (after a write that enqueued something), instead of waiting for the next poll. */
  poke(): void;
}

/**
 * Delivers outbox entries at least once, in id order per instance. An entry is claimed by pushing its
 * next_attempt_at past a lease in one short statement (SKIP LOCKED, so instances never take the same
 * entry), handled with no transaction open (the embedded database runs one at a time), then marked.
 * A crash between sending and marking resends after the lease: the window is one message wide.
 */
export function createOutboxDispatcher(options: DispatcherOptions): OutboxDispatcher {
  const { sequelize, clock, logger, handlers } = options;
  const pollMs = options.pollMs ?? 1000;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 20;
  const isPermanent = options.isPermanent ?? isPermanentByDefault;
  const kinds = Object.keys(handlers);

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  let again = false;

  async function claim(): Promise<ClaimedEntry[]> {
    if (kinds.length === 0) return [];
    const now = clock.now();
    return sequelize.query<ClaimedEntry>(
      `UPDATE outbox SET next_attempt_at = :leaseUntil, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM outbox
           WHERE status = 'pending' AND next_attempt_at <= :now AND kind IN (:kinds)
           ORDER BY id
           LIMIT :batchSize
           FOR UPDATE SKIP LOCKED)
        RETURNING id, kind, payload, attempts`,
      {
        replacements: { now, leaseUntil: new Date(now.getTime() + leaseMs), kinds, batchSize },
        type: QueryTypes.SELECT,
      },
    );
  }

  async function settle(entry: ClaimedEntry, result: HandlerResult): Promise<void> {
    if (result.kind === 'done') {
      await sequelize.query(`UPDATE outbox SET status = 'sent', sent_at = :now, last_error = NULL WHERE id = :id`, {
        replacements: { id: entry.id, now: clock.now() },
      });
    } else {
      await sequelize.query(`UPDATE outbox SET next_attempt_at = :at, attempts = attempts - 1 WHERE id = :id`, {
        replacements: { id: entry.id, at: result.at },
      });
    }
  }

  async function fail(entry: ClaimedEntry, error: unknown): Promise<void> {
    // Staff read last_error: the same scrubbing as the log (a Bot API URL in a network error holds the token).
    const message = scrub(error instanceof Error ? error.message : String(error));
    const permanent = isPermanent(error);
    const parked = permanent || entry.attempts >= maxAttempts;
    // Backoff doubles from 2 s up to 10 min, so a long outage costs few retries and a short one little delay.
    const delayMs = Math.min(600_000, 2000 * 2 ** Math.min(entry.attempts - 1, 12));
    await sequelize.query(
      `UPDATE outbox SET status = :status, next_attempt_at = :at, last_error = :message WHERE id = :id`,
      {
        replacements: {
          id: entry.id,
          status: parked ? 'failed' : 'pending',
          at: new Date(clock.now().getTime() + delayMs),
          message: message.slice(0, 1000),
        },
      },
    );
    logger[parked ? 'error' : 'warn'](
      { outboxId: entry.id, kind: entry.kind, attempts: entry.attempts, permanent, err: message },
      permanent
        ? 'outbox entry refused for good by the platform; parked without retrying'
        : parked
          ? 'outbox entry parked after too many failures'
          : 'outbox delivery failed; will retry',
    );
  }

  async function pass(): Promise<number> {
    const entries = await claim();
    for (const entry of entries) {
      const handler = handlers[entry.kind] as ((e: ClaimedEntry) => Promise<HandlerResult>) | undefined;
      try {
        if (!handler) throw new Error(`no handler for outbox kind ${entry.kind}`);
        await settle(entry, await handler(entry));
      } catch (error) {
        await fail(entry, error).catch((e) => logger.error({ err: e, outboxId: entry.id }, 'could not record outbox failure'));
      }
    }
    return entries.length;
  }

  function runOnce(): Promise<number> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      runOnce()
        .then((taken) => schedule(taken === batchSize || again ? 0 : pollMs))
        .catch((error) => {
          logger.error({ err: error }, 'outbox pass failed');
          schedule(pollMs);
        });
      again = false;
    }, delayMs);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    runOnce,
    poke() {
      if (running) again = true;
      else schedule(0);
    },
  };
}
