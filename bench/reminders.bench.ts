// Reminders against the fake Telegram server on real PostgreSQL:
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --expose-gc --import tsx bench/reminders.bench.ts
// BENCH_PHASES=slow|fast runs one of the two. It prints ratios to the limit and exits by itself (1 if a target is missed).
// 1. 50,000 due subscribers, Telegram limit 30 msg/s: the rate achieved over a 20 s window, as a ratio of the
//    limit (target ≥ 0.9), then the pass is stopped (the whole 50k at 30/s would take 28 minutes).
// 2. The limit raised to 1,000 msg/s: one pass sends all 50,000; the rate, sent vs due, and RSS at start,
//    middle and end (memory stays flat: the due subscribers are read a page at a time).
import { fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Api } from 'grammy';
import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { systemClock } from '../core/clock.ts';
import { runReminderPass } from '../core/reminders/pass.ts';
import { defaultReminderSettings, type ReminderDeps } from '../core/reminders/types.ts';
import { defaultCoreSettings } from '../core/settings.ts';
import { createDatabase, type Database } from '../models/database.ts';
import { migrateToLatest } from '../migrations/migrator.ts';
import type { SubscriberNotifier } from '../bots/notifier.ts';
import { BatchingRateLimiter, SharedRateLimiter, type RateLimit } from '../bots/rate-limiter.ts';
import { createReminderSender, reminderRateLimits } from '../bots/reminders/sender.ts';
import { createTelegramNotifier } from '../bots/telegram/notifier.ts';
import { FakeTelegram } from '../tests/support/fake-telegram/server.ts';
import type { SendStats } from '../tests/support/fake-telegram/faults.ts';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 50_000);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 20);
const TARGET_RATIO = 0.9;
/** Which runs: 'both' (default), 'slow' (30/s) or 'fast' (1,000/s). */
const PHASES = process.env.BENCH_PHASES ?? 'both';
const FIRST_CHAT = 800_000_000;
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
/** Live heap after a collection (run node with --expose-gc), in MB: what the pass really holds, unlike RSS. */
const liveHeap = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1024 / 1024);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function seed(db: Database): Promise<void> {
  await db.sequelize.query(`
    INSERT INTO accounts (number, surname, address)
      SELECT (300000 + g)::text, 'Бенчмарк', 'вул. Тестова, ' || g FROM generate_series(1, ${SUBSCRIBERS}) g;
    INSERT INTO meters (account_id, serial, service, last_reading, digits)
      SELECT id, 'BM-' || id, 'водопостачання', 100, 5 FROM accounts;
    INSERT INTO subscribers (channel, channel_user_id, name)
      SELECT 'telegram', (${FIRST_CHAT} + g)::text, 'Абонент' FROM generate_series(1, ${SUBSCRIBERS}) g;
    INSERT INTO links (subscriber_id, account_id, method)
      SELECT s.id, a.id, 'surname' FROM subscribers s JOIN accounts a ON a.number = (300000 + s.channel_user_id::bigint - ${FIRST_CHAT})::text;
    ANALYZE;
  `);
}

/** Counts deliveries as they happen, so progress is read without asking the fake for its full statistics. */
function counting(inner: SubscriberNotifier): SubscriberNotifier & { delivered: number; sendMs: number } {
  const wrapper = {
    channel: inner.channel,
    delivered: 0,
    /** Time spent in HTTP calls, summed over all sends. */
    sendMs: 0,
    async send(...args: Parameters<SubscriberNotifier['send']>) {
      const started = performance.now();
      const result = await inner.send(...args);
      wrapper.sendMs += performance.now() - started;
      if (result.kind === 'delivered') wrapper.delivered += 1;
      return result;
    },
  };
  return wrapper;
}

async function phase(db: Database, options: { perSecond: number; concurrency: number; slot: string; windowS?: number }) {
  const tg = await startFakeTelegram(options.perSecond);
  const core = { db, clock: systemClock, settings: defaultCoreSettings };
  const notifier = counting(createTelegramNotifier(new Api(tg.token, { apiRoot: tg.apiRoot }), core));
  const batching = new BatchingRateLimiter(new SharedRateLimiter(db.sequelize));
  let tokenMs = 0;
  const timedLimiter = {
    async take(key: string, limit: RateLimit) {
      const started = performance.now();
      await batching.take(key, limit);
      tokenMs += performance.now() - started;
    },
  };
  const deps: ReminderDeps = {
    db,
    clock: systemClock,
    settings: { ...defaultReminderSettings, quietHours: null, concurrency: options.concurrency, pageSize: Number(process.env.BENCH_PAGE_SIZE ?? defaultReminderSettings.pageSize) },
    sender: createReminderSender({
      notifiers: { telegram: notifier },
      limiter: timedLimiter,
      limits: reminderRateLimits({ telegram: { globalPerSecond: options.perSecond } }),
    }),
  };
  const controller = new AbortController();
  const commitsBefore = await commits(db);
  const cpuBefore = process.cpuUsage();
  const machineBefore = machineCpu();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const rss = { start: mb(), middle: 0, end: 0, peak: mb() };
  const heap = { start: liveHeap(), middle: 0, end: 0 };
  const started = performance.now();
  const samples: { at: number; delivered: number }[] = [];
  const sampler = setInterval(() => {
    samples.push({ at: performance.now(), delivered: notifier.delivered });
    const now = mb();
    rss.peak = Math.max(rss.peak, now);
    if (!rss.middle && notifier.delivered >= (options.windowS ? 0 : SUBSCRIBERS / 2) && (!options.windowS || performance.now() - started >= (options.windowS * 1000) / 2)) {
      rss.middle = now;
      heap.middle = liveHeap();
    }
    if (options.windowS && performance.now() - started >= options.windowS * 1000) controller.abort();
  }, 250);
  const summary = await runReminderPass(deps, { slot: options.slot, signal: controller.signal });
  clearInterval(sampler);
  const elapsedS = (performance.now() - started) / 1000;
  rss.end = mb();
  heap.end = liveHeap();
  // Steady state: from the 2nd second to the last sample (leaves out start-up: the first page, connections).
  const from = samples.find((s) => s.at - started >= 2000) ?? samples[0]!;
  const to = samples.at(-1)!;
  const steadyRate = (to.delivered - from.delivered) / ((to.at - from.at) / 1000);
  const cpu = process.cpuUsage(cpuBefore);
  const machine = machineCpu();
  loopDelay.disable();
  const n = Math.max(1, notifier.delivered);
  // Where a worker's turn goes: waiting for its token, in the HTTP call, and the rest (claim, settle, feed).
  const cycleMs = (options.concurrency * elapsedS * 1000) / n;
  const timing = {
    cycleMs,
    tokenMs: tokenMs / n,
    sendMs: notifier.sendMs / n,
    restMs: cycleMs - tokenMs / n - notifier.sendMs / n,
    loopP50: loopDelay.percentile(50) / 1e6,
    loopP99: loopDelay.percentile(99) / 1e6,
  };
  const perMessage: { commits: number; cpuMs: number; fakeCpuMs?: number; machineBusy?: number } = {
    commits: ((await commits(db)) - commitsBefore) / Math.max(1, notifier.delivered),
    cpuMs: (cpu.user + cpu.system) / 1000 / Math.max(1, notifier.delivered),
  };
  const stats = (await tg.stats()) as SendStats & { cpuMs: number };
  await tg.stop();
  Object.assign(perMessage, {
    fakeCpuMs: stats.cpuMs / n,
    // Everything the machine did meanwhile (PostgreSQL, the fake, the sender, and anything else running), against what it has.
    machineBusy: machine && machineBefore ? (machine.busy - machineBefore.busy) / (machine.total - machineBefore.total) : NaN,
  });
  return { summary, elapsedS, rate: notifier.delivered / elapsedS, steadyRate, rss, heap, stats, delivered: notifier.delivered, perMessage, timing };
}

function describeTiming(t: { cycleMs: number; tokenMs: number; sendMs: number; restMs: number; loopP50: number; loopP99: number }): string {
  return (
    `${t.cycleMs.toFixed(1)} ms = token wait ${t.tokenMs.toFixed(1)} + HTTP ${t.sendMs.toFixed(1)} + claim/settle/feed ${t.restMs.toFixed(1)}; ` +
    `event-loop delay p50 ${t.loopP50.toFixed(1)} ms, p99 ${t.loopP99.toFixed(1)} ms`
  );
}

/** Busy and total CPU ticks of the whole machine (Linux /proc/stat), or null elsewhere. */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Transactions committed in the bench database so far (every statement outside a transaction is one). */
async function commits(db: Database): Promise<number> {
  const [row] = await db.sequelize.query<{ commits: string }>(
    `SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()`,
    { type: QueryTypes.SELECT },
  );
  return Number(row!.commits);
}

/**
 * The fake Telegram server runs in a child process of its own: it keeps every message it accepts, and its CPU and
 * memory are not the sender's, so the RSS printed here is the sender's alone.
 */
async function startFakeTelegram(perSecond: number): Promise<{ token: string; apiRoot: string; stats(): Promise<SendStats>; stop(): Promise<void> }> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, BENCH_ROLE: 'fake-telegram', BENCH_PER_SECOND: String(perSecond) },
  });
  const [ready] = (await once(child, 'message')) as [{ token: string; apiRoot: string }];
  return {
    token: ready.token,
    apiRoot: ready.apiRoot,
    async stats() {
      child.send('stats');
      const [stats] = (await once(child, 'message')) as [SendStats];
      return stats;
    },
    async stop() {
      child.send('stop');
      await once(child, 'exit');
    },
  };
}

async function serveFakeTelegram(): Promise<void> {
  const tg = await FakeTelegram.start({ limits: { perSecond: Number(process.env.BENCH_PER_SECOND), perChatPerSecond: 1 } });
  for (let i = 1; i <= SUBSCRIBERS; i++) tg.user({ id: FIRST_CHAT + i, first_name: 'Абонент' });
  process.on('message', (message) => {
    if (message === 'stats') {
      const { bySecond: _bySecond, ...stats } = tg.stats();
      const cpu = process.cpuUsage();
      process.send!({ ...stats, bySecond: [], cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (message === 'stop') {
      void tg.stop().then(() => process.exit(0));
    }
  });
  process.send!({ token: tg.token, apiRoot: tg.apiRoot });
}

async function main(): Promise<boolean> {
  const name = `reminders_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const db = createDatabase({ url: withDatabase(serverUrl, name), poolMax: 24 });
  let met = true;
  const verdict = (ok: boolean) => {
    met &&= ok;
    return ok ? 'met' : 'MISSED';
  };
  try {
    await migrateToLatest(db.sequelize, { lock: false });
    const seeding = performance.now();
    await seed(db);
    console.log(`seeded ${SUBSCRIBERS} due subscribers in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

    if (PHASES !== 'fast') {
      const slow = await phase(db, { perSecond: 30, concurrency: 8, slot: 'bench-30', windowS: WINDOW_S });
      console.log(`\n— limit 30 msg/s, ${WINDOW_S} s window —`);
      console.log(`  delivered ${slow.delivered} in ${slow.elapsedS.toFixed(1)} s: ${slow.rate.toFixed(2)} msg/s overall, ${slow.steadyRate.toFixed(2)} msg/s steady`);
      console.log(`  ratio to the limit: ${(slow.steadyRate / 30).toFixed(3)} steady, ${(slow.rate / 30).toFixed(3)} overall (target ≥ ${TARGET_RATIO}: ${verdict(slow.steadyRate / 30 >= TARGET_RATIO)})`);
      console.log(`  fake Telegram: accepted ${slow.stats.accepted}, refused 429 ${slow.stats.rejected}, busiest second ${slow.stats.maxPerSecond}, busiest chat second ${slow.stats.maxPerChatPerSecond}`);
      console.log(`  pass: ${slow.summary.outcome}, due seen ${slow.summary.due}, sent ${slow.summary.sent}, 429s waited out ${slow.summary.rateLimited}`);
      console.log(`  per message: ${slow.perMessage.commits.toFixed(2)} PostgreSQL commits, ${slow.perMessage.cpuMs.toFixed(2)} ms CPU of the sender, ${(slow.perMessage.fakeCpuMs ?? NaN).toFixed(2)} ms of the fake Telegram; machine CPU busy ${((slow.perMessage.machineBusy ?? NaN) * 100).toFixed(0)}% of ${cpus().length} cores`);
      console.log(`  a worker's turn: ${describeTiming(slow.timing)}`);
      console.log(`  RSS MB start/middle/end: ${slow.rss.start}/${slow.rss.middle}/${slow.rss.end}; live heap after GC: ${slow.heap.start}/${slow.heap.middle}/${slow.heap.end}`);
    }

    if (PHASES !== 'slow') {
      const full = await phase(db, { perSecond: 1000, concurrency: Number(process.env.BENCH_CONCURRENCY ?? 48), slot: 'bench-1000' });
      const allSent = full.summary.sent === full.summary.due && full.summary.due === SUBSCRIBERS && full.stats.accepted === SUBSCRIBERS;
      console.log(`\n— limit 1000 msg/s, all ${SUBSCRIBERS} —`);
      console.log(`  delivered ${full.delivered} in ${full.elapsedS.toFixed(1)} s: ${full.rate.toFixed(1)} msg/s overall, ${full.steadyRate.toFixed(1)} msg/s steady`);
      console.log(`  ratio to the limit: ${(full.steadyRate / 1000).toFixed(3)} steady, ${(full.rate / 1000).toFixed(3)} overall (target ≥ ${TARGET_RATIO}: ${verdict(full.steadyRate / 1000 >= TARGET_RATIO)})`);
      console.log(`  fake Telegram: accepted ${full.stats.accepted}, refused 429 ${full.stats.rejected}, busiest second ${full.stats.maxPerSecond}, busiest chat second ${full.stats.maxPerChatPerSecond}`);
      console.log(`  pass: ${full.summary.outcome}, due ${full.summary.due}, sent ${full.summary.sent}, failed ${full.summary.failed}, 429s waited out ${full.summary.rateLimited}`);
      console.log(`  sent = due: ${allSent} (${verdict(allSent)})`);
      const errors = await db.sequelize.query<{ error: string; n: string }>(
        `SELECT error, count(*) AS n FROM reminders_sent WHERE slot = 'bench-1000' AND status <> 'sent' GROUP BY error`,
        { type: QueryTypes.SELECT },
      );
      for (const e of errors) console.log(`  not sent: ${e.n} × ${e.error}`);
      console.log(`  per message: ${full.perMessage.commits.toFixed(2)} PostgreSQL commits, ${full.perMessage.cpuMs.toFixed(2)} ms CPU of the sender, ${(full.perMessage.fakeCpuMs ?? NaN).toFixed(2)} ms of the fake Telegram; machine CPU busy ${((full.perMessage.machineBusy ?? NaN) * 100).toFixed(0)}% of ${cpus().length} cores`);
      console.log(`  a worker's turn: ${describeTiming(full.timing)}`);
      console.log(`  RSS MB start/middle/end (peak): ${full.rss.start}/${full.rss.middle}/${full.rss.end} (${full.rss.peak}); live heap after GC: ${full.heap.start}/${full.heap.middle}/${full.heap.end}`);
    }
  } finally {
    await db.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  return met;
}

if (process.env.BENCH_ROLE === 'fake-telegram') {
  serveFakeTelegram().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  // Exits by itself, with 1 when a target was missed (so a script can tell).
  main().then(
    (met) => process.exit(met ? 0 : 1),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
