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

// The Telegram bot's state lives in table telegram_state (migration 04): sessions and the conversations' replay
// state under their own key prefixes, so a restarted process, or a second instance, picks a chat up where the
// last one left it.

export interface BegunUpdate {
  /** False for a redelivery: another handler (here or on another instance) already took this update id. */
  claimed: boolean;
  /** The touched subscriber; null when not claimed or when nobody was to be touched. */
  subscriber: SubscriberView | null;
  /** telegram_state values by key, as they were when the update was claimed; missing keys have no row. */
  state: Map<string, unknown>;
}

/** $1 the update id, $2 the state keys, and with `touch` $3.. its values: two texts, each prepared once per connection. */
function beginUpdateSql(touch: boolean): string {
  return `WITH claim AS (
       INSERT INTO telegram_processed_updates (update_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING update_id
     )${touch ? `, touched AS (${touchSubscriberSql({ onlyWhenRowsIn: 'claim', firstParam: 3 })})` : ''}
     SELECT EXISTS (SELECT 1 FROM claim) AS claimed,
            (SELECT jsonb_object_agg(key, value) FROM telegram_state WHERE key = ANY($2::text[])) AS state
            ${touch ? ', touched.*' : ''}
       FROM (SELECT 1) AS one ${touch ? 'LEFT JOIN touched ON true' : ''}`;
}
const BEGIN_AND_TOUCH = beginUpdateSql(true);
const BEGIN_ONLY = beginUpdateSql(false);

/**
 * Everything an update needs before it is handled, in one round trip (each statement costs a socket write and
 * a wait): claims the update id, touches the subscriber (core's own upsert, only when the claim succeeded, so a
 * redelivery changes nothing), and reads the chat's session and conversation state. The claim still lets one
 * handler through: a concurrent duplicate waits on the primary key and then inserts nothing.
 */
export async function beginUpdate(
  db: Database,
  request: { updateId: number; touch: { deps: Pick<CoreDeps, 'clock'>; contact: SubscriberContact } | null; stateKeys: readonly string[] },
): Promise<BegunUpdate> {
  const touch = request.touch;
  const rows = await db.hot<SubscriberRow & { claimed: boolean; state: Record<string, unknown> | null }>(
    touch ? BEGIN_AND_TOUCH : BEGIN_ONLY,
    [request.updateId, [...request.stateKeys], ...(touch ? touchValues(touch.deps, touch.contact) : [])],
  );
  const row = rows[0]!;
  return {
    claimed: row.claimed,
    subscriber: touch && row.id !== null && row.id !== undefined ? subscriberFromRow(row) : null,
    state: new Map(Object.entries(row.state ?? {})),
  };
}

/**
 * The conversations plugin's storage, reading what beginUpdate fetched for this update (so no read of its own)
 * and writing only when the state changed. Keys stay `prefix + chat id`, as with a key adapter.
 */
export class PrefetchedStateStorage<T> {
  constructor(
    private readonly db: Database,
    private readonly keyOf: (ctx: PrefetchedStateFlavor) => string | undefined,
  ) {}

  read(ctx: PrefetchedStateFlavor): T | undefined {
    const key = this.keyOf(ctx);
    return key === undefined ? undefined : (ctx.prefetchedState.get(key) as T | undefined);
  }

  async write(ctx: PrefetchedStateFlavor, value: T): Promise<void> {
    const key = this.keyOf(ctx);
    if (key === undefined) return;
    const json = JSON.stringify(value);
    if (ctx.prefetchedState.has(key) && JSON.stringify(ctx.prefetchedState.get(key)) === json) return;
    await writeState(this.db, key, json);
    ctx.prefetchedState.set(key, JSON.parse(json) as unknown);
  }

  async delete(ctx: PrefetchedStateFlavor): Promise<void> {
    const key = this.keyOf(ctx);
    if (key === undefined) return;
    await deleteState(this.db, key);
    ctx.prefetchedState.delete(key);
  }
}

/** What beginUpdate read from telegram_state for this update, by key. */
export interface PrefetchedStateFlavor {
  prefetchedState: Map<string, unknown>;
}

export async function writeState(db: Database, key: string, json: string): Promise<void> {
  await db.hot(
    `INSERT INTO telegram_state (key, value, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [key, json],
  );
}

export async function deleteState(db: Database, key: string): Promise<void> {
  await db.hot('DELETE FROM telegram_state WHERE key = $1', [key]);
}

/**
 * Forgets update ids older than Telegram would ever redeliver (it keeps undelivered updates for 24 h), and
 * conversation state nobody touched for longer than a flow may wait: abandoned flows do not pile up.
 */
export async function pruneTelegramState(
  db: Database,
  options: { updatesOlderThanMs: number; conversationsOlderThanMs: number; conversationPrefix: string },
): Promise<void> {
  await db.sequelize.query(
    `DELETE FROM telegram_processed_updates WHERE processed_at < now() - make_interval(secs => :updates)`,
    { replacements: { updates: options.updatesOlderThanMs / 1000 } },
  );
  await db.sequelize.query(
    `DELETE FROM telegram_state WHERE key LIKE :prefix AND updated_at < now() - make_interval(secs => :conversations)`,
    { replacements: { prefix: `${options.conversationPrefix}%`, conversations: options.conversationsOlderThanMs / 1000 } },
  );
}
