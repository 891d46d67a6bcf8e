import { randomUUID } from 'node:crypto';
import type { Database } from '../../models/database.ts';
import type { CoreDeps } from '../../core/accounts/types.ts';
import {
  subscriberFromRow,
  touchSubscriberSql,
  touchValues,
  type SubscriberContact,
  type SubscriberRow,
  type SubscriberView,
} from '../../core/subscribers.ts';

// The Telegram bot's state lives in PostgreSQL, so a restarted process, or a second instance, picks a chat up
// where the last one left it: each chat's flow state in telegram_state (migration 04), and each update's claim in
// telegram_processed_updates (migrations 04 and 11). A claim becomes `done` in the same statement that stores the
// flow state the update produced; a handling that fails deletes its claim, and one that died leaves a claim that
// the next delivery takes over once it is older than the lease. So a redelivered update is handled unless it was
// handled already.

/** What a delivery of an update found: its claim, a claim already done (a duplicate), or a claim held by a live handler. */
export type ClaimStatus = 'claimed' | 'done' | 'busy';

export interface BegunUpdate {
  status: ClaimStatus;
  /** Identifies this handler's claim: only it may commit or release it. */
  claim: string;
  /** The touched subscriber; null when not claimed or when nobody was to be touched. */
  subscriber: SubscriberView | null;
  /** telegram_state values by key, as they were when the update was claimed; missing keys have no row. */
  state: Map<string, unknown>;
}

/** $1 the update id, $2 the state keys, $3 the claim, $4 the lease (s), and with `touch` $5.. its values. */
function beginUpdateSql(touch: boolean): string {
  return `WITH claim AS (
       INSERT INTO telegram_processed_updates AS p (update_id, claim, done, processed_at) VALUES ($1, $3, false, now())
       ON CONFLICT (update_id) DO UPDATE SET claim = EXCLUDED.claim, processed_at = EXCLUDED.processed_at
         WHERE NOT p.done AND p.processed_at < now() - make_interval(secs => $4)
       RETURNING update_id
     )${touch ? `, touched AS (${touchSubscriberSql({ onlyWhenRowsIn: 'claim', firstParam: 5 })})` : ''}
     SELECT EXISTS (SELECT 1 FROM claim) AS claimed,
            (SELECT done FROM telegram_processed_updates WHERE update_id = $1) AS done,
            (SELECT jsonb_object_agg(key, value) FROM telegram_state WHERE key = ANY($2::text[])) AS state
            ${touch ? ', touched.*' : ''}
       FROM (SELECT 1) AS one ${touch ? 'LEFT JOIN touched ON true' : ''}`;
}
const BEGIN_AND_TOUCH = beginUpdateSql(true);
const BEGIN_ONLY = beginUpdateSql(false);

/**
 * Everything an update needs before it is handled, in one round trip: claims the update id (or takes over a
 * claim older than `leaseMs`, whose handler died), touches the subscriber (core's own upsert, only when claimed,
 * so a redelivery changes nothing), and reads the chat's state. A concurrent delivery of the same id waits on the
 * primary key and then finds the claim taken.
 */
export async function beginUpdate(
  db: Database,
  request: {
    updateId: number;
    leaseMs: number;
    touch: { deps: Pick<CoreDeps, 'clock'>; contact: SubscriberContact } | null;
    stateKeys: readonly string[];
  },
): Promise<BegunUpdate> {
  const touch = request.touch;
  const claim = randomUUID();
  const rows = await db.hot<SubscriberRow & { claimed: boolean; done: boolean | null; state: Record<string, unknown> | null }>(
    touch ? BEGIN_AND_TOUCH : BEGIN_ONLY,
    [request.updateId, [...request.stateKeys], claim, request.leaseMs / 1000, ...(touch ? touchValues(touch.deps, touch.contact) : [])],
  );
  const row = rows[0]!;
  // Not claimed and no row seen: a concurrent delivery committed its claim after this statement's snapshot.
  const status: ClaimStatus = row.claimed ? 'claimed' : row.done === true ? 'done' : 'busy';
  return {
    status,
    claim,
    subscriber: row.claimed && touch && row.id !== null && row.id !== undefined ? subscriberFromRow(row) : null,
    state: row.claimed ? new Map(Object.entries(row.state ?? {})) : new Map(),
  };
}

/** What an update leaves in telegram_state: nothing changed, a value to store, or the key to remove. */
export type StateChange = { kind: 'keep' } | { kind: 'write'; key: string; json: string } | { kind: 'delete'; key: string };

const DONE = `UPDATE telegram_processed_updates SET done = true, processed_at = now() WHERE update_id = $1 AND claim = $2 AND NOT done RETURNING 1`;
const COMMIT_KEEP = `WITH done AS (${DONE}) SELECT EXISTS (SELECT 1 FROM done) AS committed`;
const COMMIT_WRITE = `WITH done AS (${DONE}), written AS (
     INSERT INTO telegram_state (key, value, updated_at) SELECT $3::text, $4::jsonb, now() FROM done
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
   ) SELECT EXISTS (SELECT 1 FROM done) AS committed`;
const COMMIT_DELETE = `WITH done AS (${DONE}), removed AS (
     DELETE FROM telegram_state WHERE key = $3::text AND EXISTS (SELECT 1 FROM done)
   ) SELECT EXISTS (SELECT 1 FROM done) AS committed`;

/**
 * Marks the update handled and stores the state it produced, in one statement (so one transaction). False when
 * the claim was no longer this handler's (it outlived its lease and another delivery took over): then nothing is
 * written, and the state the other handler stores wins.
 */
export async function commitUpdate(db: Database, request: { updateId: number; claim: string; state: StateChange }): Promise<boolean> {
  const { updateId, claim, state } = request;
  const rows = await db.hot<{ committed: boolean }>(
    state.kind === 'write' ? COMMIT_WRITE : state.kind === 'delete' ? COMMIT_DELETE : COMMIT_KEEP,
    state.kind === 'write' ? [updateId, claim, state.key, state.json] : state.kind === 'delete' ? [updateId, claim, state.key] : [updateId, claim],
  );
  return rows[0]?.committed === true;
}

/** Gives the claim up after a failed handling: Telegram's next delivery of the update is handled afresh. */
export async function releaseUpdate(db: Database, request: { updateId: number; claim: string }): Promise<void> {
  await db.hot('DELETE FROM telegram_processed_updates WHERE update_id = $1 AND claim = $2 AND NOT done', [request.updateId, request.claim]);
}

export async function writeState(db: Database, key: string, json: string): Promise<void> {
  await db.hot(
    `INSERT INTO telegram_state (key, value, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [key, json],
  );
}

/**
 * Forgets update ids older than Telegram would ever redeliver (it keeps undelivered updates for 24 h), and
 * flow state nobody touched for longer than a flow may wait: abandoned flows do not pile up.
 */
export async function pruneTelegramState(
  db: Database,
  options: { updatesOlderThanMs: number; statesOlderThanMs: number; statePrefix: string },
): Promise<void> {
  await db.sequelize.query(
    `DELETE FROM telegram_processed_updates WHERE processed_at < now() - make_interval(secs => :updates)`,
    { replacements: { updates: options.updatesOlderThanMs / 1000 } },
  );
  await db.sequelize.query(
    `DELETE FROM telegram_state WHERE key LIKE :prefix AND updated_at < now() - make_interval(secs => :states)`,
    { replacements: { prefix: `${options.statePrefix}%`, states: options.statesOlderThanMs / 1000 } },
  );
}
