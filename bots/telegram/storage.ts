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

export interface BeginRequest {
  updateId: number;
  /** The person who sent the update, to touch once it is claimed; null when nobody is to be touched. */
  touch: { deps: Pick<CoreDeps, 'clock'>; contact: SubscriberContact } | null;
  /** telegram_state keys to read. */
  stateKeys: readonly string[];
}

// The batch travels as JSON (one parameter, parsed once by PostgreSQL), not as parallel arrays: pg writes an
// array parameter as an array literal, escaping every element again. $1 the updates, each with its ordinal `n`,
// its claim and its sender's touch columns (nulls when nobody is touched); $2 the state keys to read, each with
// its update's ordinal; $3 the lease (s); $4 the same keys as an array.
// The keys (and, in COMMIT_BATCH, the update ids) come again as a short array because PostgreSQL guesses a
// JSON batch at 100 rows: joined against it, telegram_state and telegram_processed_updates were read whole (a
// hash join over a sequential scan, in the plan kept for the connection's prepared statement), so each update
// cost more as the tables grew — 0.3 ms of PostgreSQL's time per update at the start of a run, 5.5 ms a few
// thousand updates later. `= ANY(array)` is estimated by the array's length and looked up in the primary key.
export const BEGIN_BATCH = `WITH item AS (
     SELECT * FROM jsonb_to_recordset($1::jsonb)
       AS i(n bigint, update_id bigint, claim text, channel text, channel_user_id text, name text, at timestamptz)
   ), claim AS (
     INSERT INTO telegram_processed_updates AS p (update_id, claim, done, processed_at) SELECT update_id, claim, false, now() FROM item
     ON CONFLICT (update_id) DO UPDATE SET claim = EXCLUDED.claim, processed_at = EXCLUDED.processed_at
       WHERE NOT p.done AND p.processed_at < now() - make_interval(secs => $3)
     RETURNING update_id
   ), touched AS (${touchSubscriberSql({
     rows: `SELECT item.channel, item.channel_user_id, item.name, item.at FROM item JOIN claim USING (update_id) WHERE item.channel_user_id IS NOT NULL`,
   })}), state AS (
     SELECT wanted.n, jsonb_object_agg(s.key, s.value) AS state
       FROM jsonb_to_recordset($2::jsonb) AS wanted(n bigint, key text) JOIN telegram_state s ON s.key = wanted.key
      WHERE s.key = ANY($4::text[]) GROUP BY wanted.n
   )
   SELECT item.n, claim.update_id IS NOT NULL AS claimed,
          (SELECT done FROM telegram_processed_updates t WHERE t.update_id = item.update_id) AS done,
          state.state, touched.*
     FROM item LEFT JOIN claim USING (update_id) LEFT JOIN state ON state.n = item.n
     LEFT JOIN touched ON touched.channel = item.channel AND touched.channel_user_id = item.channel_user_id
    ORDER BY item.n`;

type BeginRow = SubscriberRow & { n: string; claimed: boolean; done: boolean | null; state: Record<string, unknown> | null };

/**
 * Everything updates need before they are handled, for a batch of them in one round trip: claims each update id
 * (or takes over a claim older than `leaseMs`, whose handler died), touches each sender (core's own upsert, only
 * when claimed, so a redelivery changes nothing), and reads each chat's state. A concurrent delivery of the same
 * id waits on the primary key and then finds the claim taken. One statement cannot claim one id or touch one
 * person twice, so a batch holding such a pair is split.
 */
export async function beginUpdates(db: Database, leaseMs: number, requests: readonly BeginRequest[]): Promise<BegunUpdate[]> {
  const ids = new Set<number>();
  const people = new Set<string>();
  const now: BeginRequest[] = [];
  const later: BeginRequest[] = [];
  for (const r of requests) {
    const person = r.touch ? `${r.touch.contact.channel}:${r.touch.contact.channelUserId}` : null;
    if (ids.has(r.updateId) || (person !== null && people.has(person))) later.push(r);
    else {
      ids.add(r.updateId);
      if (person !== null) people.add(person);
      now.push(r);
    }
  }
  const claims = now.map(() => randomUUID());
  const items = now.map((r, i) => {
    const [channel = null, channel_user_id = null, name = null, at = null] = r.touch ? touchValues(r.touch.deps, r.touch.contact) : [];
    return { n: i + 1, update_id: r.updateId, claim: claims[i], channel, channel_user_id, name, at };
  });
  const wanted = now.flatMap((r, i) => r.stateKeys.map((key) => ({ n: i + 1, key })));
  const rows = await db.hot<BeginRow>(BEGIN_BATCH, [JSON.stringify(items), JSON.stringify(wanted), leaseMs / 1000, wanted.map((w) => w.key)]);
  const begun = rows.map((row, i): BegunUpdate => {
    // Not claimed and no row seen: a concurrent delivery committed its claim after this statement's snapshot.
    const status: ClaimStatus = row.claimed ? 'claimed' : row.done === true ? 'done' : 'busy';
    return {
      status,
      claim: claims[i]!,
      subscriber: row.claimed && now[i]!.touch && row.id !== null && row.id !== undefined ? subscriberFromRow(row) : null,
      state: row.claimed ? new Map(Object.entries(row.state ?? {})) : new Map(),
    };
  });
  const rest = later.length > 0 ? await beginUpdates(db, leaseMs, later) : [];
  const byRequest = new Map<BeginRequest, BegunUpdate>([...now.map((r, i) => [r, begun[i]!] as const), ...later.map((r, i) => [r, rest[i]!] as const)]);
  return requests.map((r) => byRequest.get(r)!);
}

/** beginUpdates for one update. */
export async function beginUpdate(db: Database, request: BeginRequest & { leaseMs: number }): Promise<BegunUpdate> {
  const [begun] = await beginUpdates(db, request.leaseMs, [request]);
  return begun!;
}

/** What an update leaves in telegram_state: nothing changed, a value to store, or the key to remove. */
export type StateChange = { kind: 'keep' } | { kind: 'write'; key: string; json: string } | { kind: 'delete'; key: string };

export interface UpdateCommit {
  updateId: number;
  claim: string;
  state: StateChange;
}

// $1 the updates as JSON, each with its claim, 'keep' | 'write' | 'delete', the state key and the state value
// (the JSON the adapter encoded, spliced in as it is, so it is neither escaped again nor parsed twice): the
// claims of many concurrent updates turn done, and their states are stored, in one statement. `done` is the
// only column that changes, so the row is updated in place (a HOT update, no index written). $2 the update ids
// and $3 the keys to delete, as arrays, for the index lookups (see BEGIN_BATCH).
export const COMMIT_BATCH = `WITH item AS (
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(update_id bigint, claim text, kind text, key text, value jsonb)
   ), done AS (
     UPDATE telegram_processed_updates p SET done = true
       FROM item WHERE p.update_id = ANY($2::bigint[]) AND p.update_id = item.update_id AND p.claim = item.claim AND NOT p.done
     RETURNING p.update_id
   ), written AS (
     INSERT INTO telegram_state (key, value, updated_at)
     SELECT item.key, item.value, now() FROM item JOIN done USING (update_id) WHERE item.kind = 'write'
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
   ), removed AS (
     DELETE FROM telegram_state s USING item JOIN done USING (update_id)
      WHERE s.key = ANY($3::text[]) AND item.kind = 'delete' AND s.key = item.key
   ) SELECT update_id FROM done`;

/** One update's commit as an element of COMMIT_BATCH's JSON; `state.json` is JSON already and goes in unchanged. */
function commitItem(r: UpdateCommit): string {
  const head = `{"update_id":${r.updateId},"claim":${JSON.stringify(r.claim)},"kind":"${r.state.kind}"`;
  if (r.state.kind === 'keep') return `${head},"key":null,"value":null}`;
  return `${head},"key":${JSON.stringify(r.state.key)},"value":${r.state.kind === 'write' ? r.state.json : 'null'}}`;
}

/**
 * commitUpdate for many updates in one statement (group commit: one round trip and one WAL flush for all the
 * updates that finished while the previous batch was in flight). The answer for each is whether it committed.
 * Two updates of one chat never share a batch here (updates of a chat are handled one after another), but a
 * batch is split if they ever do, since one statement cannot write a row twice.
 */
export async function commitUpdates(db: Database, requests: readonly UpdateCommit[]): Promise<boolean[]> {
  const keys = new Set<string>();
  const first: UpdateCommit[] = [];
  const rest: UpdateCommit[] = [];
  for (const r of requests) {
    const key = r.state.kind === 'keep' ? null : r.state.key;
    if (key !== null && keys.has(key)) rest.push(r);
    else {
      if (key !== null) keys.add(key);
      first.push(r);
    }
  }
  const deleted = first.flatMap((r) => (r.state.kind === 'delete' ? [r.state.key] : []));
  const rows = await db.hot<{ update_id: string }>(COMMIT_BATCH, [`[${first.map(commitItem).join(',')}]`, first.map((r) => r.updateId), deleted]);
  const committed = new Set(rows.map((row) => Number(row.update_id)));
  const later = rest.length > 0 ? await commitUpdates(db, rest) : [];
  const laterById = new Map(rest.map((r, i) => [r, later[i]!]));
  return requests.map((r) => laterById.get(r) ?? committed.has(r.updateId));
}

/**
 * Marks the update handled and stores the state it produced, in one statement (so one transaction). False when
 * the claim was no longer this handler's (it outlived its lease and another delivery took over): then nothing is
 * written, and the state the other handler stores wins.
 */
export async function commitUpdate(db: Database, request: UpdateCommit): Promise<boolean> {
  const [committed] = await commitUpdates(db, [request]);
  return committed === true;
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
