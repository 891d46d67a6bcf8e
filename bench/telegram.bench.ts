// The Telegram bot's reading flow in webhook mode, on real PostgreSQL, against the fake Bot API, beside two bots
// measured in the same run (same Express app, same fake, same load): a bare grammY echo bot (the ceiling), and
// the same reading flow built the typical grammY way (support/typical-bot.ts: session() on storage-psql,
// conversations, plain pg, update ids de-duplicated in a table) on a database of its own seeded alike:
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/telegram.bench.ts
// Each simulated subscriber sends /readings, then the value (last reading + 3), then presses "send"; their
// updates go one after another, different subscribers in parallel, POSTed straight to the webhook route with
// the secret header (the fake never delivers them itself), so latency is the HTTP round trip of handling.
// Per round, echo, typical and cabinet back to back:
//   open loop at BENCH_RATE updates/s (sent on schedule whatever the answers): p50, p99;
//   closed loop, BENCH_CONCURRENCY subscribers in flight: sustained updates/s, p50, p99.
// Rounds interleave the bots so a neighbour's load hits all alike; the summary takes each figure's median.
// Targets: the cabinet sustains ≥ 1.5× the typical build's updates/s, and its p99 at 200 updates/s is under 50 ms.
// Production configuration: the cabinet wired as buildApp wires it (the router over the real flows, the Telegram
// adapter, its webhook route), the pool at DB_POOL_MAX's default, nothing lifted. Every update is checked to have
// done its work when answered (the value prompt, the confirm button, the reading accepted; the echo bot: echoed),
// and the readings stored are counted against the flows completed.
// Then a profile: flows one at a time, with the database statements and Bot API calls of each step.
// A measurement: it exits 0 whether or not the targets are met (1 only when it could not measure).
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../bots/config.ts';
import { systemClock } from '../core/clock.ts';
import type { CoreDeps } from '../core/deps.ts';
import type { Database } from '../models/database.ts';
import { startCabinetBot, startEchoBot, startTypicalBot, type Observe, type RunningBot } from './support/bots.ts';
import { cpuMsBetween, machineBusyMs, ownCpuMs, processTicks, startCpuProfile } from './support/cpu.ts';
import { watchDiskWrites, type DiskWrites } from './support/disk.ts';
import { STEPS, type PhaseResult, type PhaseSpec, type Step } from './support/protocol.ts';
import { meterQueries } from './support/query-meter.ts';
import { createScratchDatabase, seedReadingSubscribers } from './support/scratch-db.ts';
import { ms } from './support/stats.ts';
import { startWorld, type World } from './support/world-client.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SUBSCRIBERS = env('BENCH_SUBSCRIBERS', 15_000);
const ROUNDS = env('BENCH_ROUNDS', 3);
const CONCURRENCY = env('BENCH_CONCURRENCY', 32);
const WARMUP_MS = env('BENCH_WARMUP_S', 3) * 1000;
const CLOSED_MS = env('BENCH_CLOSED_S', 10) * 1000;
const RATE = env('BENCH_RATE', 200);
const OPEN_MS = env('BENCH_OPEN_S', 10) * 1000;
const PROFILE_FLOWS = env('BENCH_PROFILE_FLOWS', 50);
const PRODUCTION_POOL_MAX = loadConfig({}).database.poolMax;
const POOL_MAX = env('BENCH_POOL_MAX', PRODUCTION_POOL_MAX);
const SETTLE_MS = 1500;
// Diagnosis only: BENCH_SYNCHRONOUS_COMMIT=off shows how much of the latency is waiting for WAL flushes.
const SYNCHRONOUS_COMMIT = process.env.BENCH_SYNCHRONOUS_COMMIT === 'off' ? 'off' : 'on';
/** Where to write a V8 CPU profile of this process over the cabinet's first closed loop (open it in Chrome DevTools). */
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE;
const FIRST_USER = 900_000_000;
const LAST_READING = 100;
const TARGET_THROUGHPUT_RATIO = 1.5;
const TARGET_P99_MS = 50;

interface Measured {
  phase: PhaseResult;
  round: number;
  /** Share of one core over the phase; `other` is every other process on the machine (neighbours' load). */
  cpu: { bot: number; world: number; postgres: number | null; other: number | null };
  /** The bot process's longest event-loop stall over the phase, ms. */
  botLoopMaxMs: number;
  /** The bot process's garbage collections over the phase: the longest pause, and the pauses of 10 ms or more. */
  gc: { longestMs: number; longestKind: string; over10: number; majors: number };
  /** What the disks wrote over the phase (null: not readable here), and PostgreSQL's checkpoints that ended in it. */
  disk: DiskWrites | null;
  checkpoints: number;
}

const GC_KINDS = new Map<number, string>([
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [perfConstants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
]);

/** Watches this process's GC pauses until stopped: a stall in the open loop's tail may be one. */
function watchGc(): () => Measured['gc'] {
  const seen: Measured['gc'] = { longestMs: 0, longestKind: '', over10: 0, majors: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry.toJSON() as { detail?: { kind?: number } }).detail?.kind;
      const name = (kind !== undefined && GC_KINDS.get(kind)) || 'other';
      if (name === 'major') seen.majors++;
      if (entry.duration >= 10) seen.over10++;
      if (entry.duration > seen.longestMs) Object.assign(seen, { longestMs: entry.duration, longestKind: name });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    return seen;
  };
}

type Kind = 'echo' | 'typical' | 'cabinet';
const KINDS: readonly Kind[] = ['echo', 'typical', 'cabinet'];

interface Contender {
  name: string;
  kind: Kind;
  world: World;
  bot: RunningBot;
  /** The typical build's own database (its PostgreSQL CPU is counted like the cabinet's). */
  database?: string;
}

/** The PostgreSQL backends serving a bot's database (`database`: its name; none: the cabinet's, `db`'s own). */
async function backendPids(db: Database, database: string | undefined): Promise<number[]> {
  const rows = await db.sequelize.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = coalesce(:database, current_database())', {
    type: QueryTypes.SELECT,
    replacements: { database: database ?? null },
  });
  return rows.map((r) => r.pid);
}

/** Checkpoints the server has completed so far (timed and requested). */
async function checkpointsDone(db: Database): Promise<number> {
  const [row] = await db.sequelize.query<{ n: number }>('SELECT (checkpoints_timed + checkpoints_req)::int AS n FROM pg_stat_bgwriter', { type: QueryTypes.SELECT });
  return row?.n ?? 0;
}

async function measure(db: Database, who: Contender, round: number, spec: Omit<PhaseSpec, 'webhookUrl' | 'secret' | 'expect' | 'value' | 'reuseUsers'>): Promise<Measured> {
  const checkpointsBefore = await checkpointsDone(db);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const gcSeen = watchGc();
  const diskSeen = watchDiskWrites();
  const pidsBefore = who.kind === 'echo' ? [] : await backendPids(db, who.database);
  const pgBefore = processTicks(pidsBefore);
  const machineBefore = machineBusyMs();
  const botBefore = ownCpuMs();
  const phase = await who.world.run({
    ...spec,
    webhookUrl: who.bot.webhookUrl,
    secret: who.bot.secret,
    expect: who.kind === 'echo' ? 'echo' : 'reading',
    value: LAST_READING + 3,
    // The echo bot answers anyone any number of times; the reading flows take one reading per meter a day.
    reuseUsers: who.kind === 'echo',
  });
  const botMs = ownCpuMs() - botBefore;
  const machineAfter = machineBusyMs();
  const disk = diskSeen?.() ?? null;
  const pids = who.kind === 'echo' ? [] : [...new Set([...pidsBefore, ...(await backendPids(db, who.database))])];
  const pgAfter = processTicks(pids);
  loop.disable();
  const pgMs = pgAfter.size === 0 ? null : cpuMsBetween(pgBefore, pgAfter);
  const share = (cpuMs: number) => cpuMs / phase.elapsedMs;
  const machineMs = machineBefore === null || machineAfter === null ? null : machineAfter - machineBefore;
  return {
    phase,
    round,
    botLoopMaxMs: loop.max / 1e6,
    gc: gcSeen(),
    disk,
    checkpoints: (await checkpointsDone(db)) - checkpointsBefore,
    cpu: {
      bot: share(botMs),
      world: share(phase.worldCpuMs),
      postgres: pgMs === null ? null : share(pgMs),
      other: machineMs === null ? null : Math.max(0, share(machineMs - botMs - phase.worldCpuMs - (pgMs ?? 0))),
    },
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const pct = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);
const pad = (text: string, width: number) => text.padEnd(width);
/** Right-aligned, and never touching the column before it even when wider than planned. */
const lpad = (text: string, width: number) => ` ${text}`.padStart(width);

function diskOf(m: Measured): string {
  const checkpoints = m.checkpoints > 0 ? `, ${m.checkpoints} checkpoint${m.checkpoints > 1 ? 's' : ''} ended` : '';
  if (!m.disk) return `disk —${checkpoints}`;
  return `disk wrote ${m.disk.mb.toFixed(1)} MB, busiest 100 ms ${m.disk.peakMbPerS.toFixed(0)} MB/s at ${(m.disk.peakAtMs / 1000).toFixed(1)} s${checkpoints}`;
}

function row(bot: string, m: Measured): string {
  const p = m.phase;
  return [
    pad(bot, 18),
    pad(`${m.round} ${p.label}`, 24),
    lpad(p.updatesPerSecond.toFixed(0), 9),
    lpad(ms(p.latency.p50), 10),
    lpad(ms(p.latency.p99), 10),
    lpad(ms(p.latency.max), 10),
    lpad(String(p.errors), 7),
    `   cpu bot ${pct(m.cpu.bot)} world ${pct(m.cpu.world)} pg ${pct(m.cpu.postgres)} other ${pct(m.cpu.other)}; stall bot ${ms(m.botLoopMaxMs, 0)} world ${ms(p.worldLoopMaxMs, 0)}; bot GC longest ${ms(m.gc.longestMs, 0)} (${m.gc.longestKind}), ${m.gc.over10} ≥ 10 ms, ${m.gc.majors} major; ${diskOf(m)}`,
    p.usersExhausted ? '  (ran out of subscribers: raise BENCH_SUBSCRIBERS)' : '',
  ].join('');
}

interface StepProfile {
  updates: number;
  botMs: number;
  queries: number;
  dbMs: number;
  paramBytes: number;
  statements: string[];
}

function stepOf(update: unknown): Step {
  const u = update as { callback_query?: unknown; message?: { text?: string } };
  if (u.callback_query) return 'confirm';
  return u.message?.text?.startsWith('/') ? 'command' : 'value';
}

/** Flows one at a time on a second cabinet instance whose database statements are counted per step. */
async function profileCabinet(scratch: { open: (o: { poolMax: number }) => Database }, world: World, core: CoreDeps) {
  const profileDb = scratch.open({ poolMax: POOL_MAX });
  const meter = meterQueries(profileDb);
  const steps = Object.fromEntries(STEPS.map((s) => [s, { updates: 0, botMs: 0, queries: 0, dbMs: 0, paramBytes: 0, statements: [] }])) as unknown as Record<Step, StepProfile>;
  let seen = { count: 0, ms: 0, paramBytes: 0 };
  const observe: Observe = (update, startedAt) => {
    const step = steps[stepOf(update)];
    step.updates++;
    step.botMs += performance.now() - startedAt;
    step.queries += meter.count - seen.count;
    step.dbMs += meter.ms - seen.ms;
    step.paramBytes += meter.paramBytes - seen.paramBytes;
    if (step.statements.length === 0) step.statements = meter.statements.slice(seen.count);
    seen = { count: meter.count, ms: meter.ms, paramBytes: meter.paramBytes };
  };
  const bot = await startCabinetBot({ token: world.token, apiRoot: world.apiRoot, core: { ...core, db: profileDb }, observe });
  try {
    seen = { count: meter.count, ms: meter.ms, paramBytes: meter.paramBytes };
    const phase = await world.run({
      label: 'profile',
      mode: 'profile',
      flows: PROFILE_FLOWS,
      webhookUrl: bot.webhookUrl,
      secret: bot.secret,
      expect: 'reading',
      value: LAST_READING + 3,
      reuseUsers: false,
    });
    return { phase, steps };
  } finally {
    await bot.stop();
  }
}

/*
 * grammY's webhookCallback, when a handler fails after its timeout, leaves a rejected promise nobody handles
 * (timeoutIfNecessary's `task.finally`); Node would end the process there. The bench counts them and goes on,
 * and says so: each is an update a production process of that bot would have crashed on.
 */
const unhandled = new Map<string, number>();
process.on('unhandledRejection', (reason) => {
  const name = reason instanceof Error ? `${reason.name}: ${reason.message.slice(0, 80)}` : String(reason).slice(0, 80);
  unhandled.set(name, (unhandled.get(name) ?? 0) + 1);
});

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(SERVER_URL, 'cabinet_bench_tg', { synchronousCommit: SYNCHRONOUS_COMMIT });
  const typicalScratch = await createScratchDatabase(SERVER_URL, 'cabinet_bench_typical', { synchronousCommit: SYNCHRONOUS_COMMIT }).catch(async (error: unknown) => {
    await scratch.drop();
    throw error;
  });
  console.log(`scratch databases ${scratch.name} (cabinet), ${typicalScratch.name} (typical build); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on this machine before starting`);
  const stops: Array<() => Promise<void>> = [];
  // Interrupted (Ctrl-C, a closed pipe on stdout): still stop the children and drop the scratch database.
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error('stopping failed:', error));
      await scratch.drop();
      await typicalScratch.drop();
      console.log(`\ndropped ${scratch.name}, ${typicalScratch.name}`);
    })());
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.stdout.on('error', () => onSignal());
  try {
    const db = scratch.open({ poolMax: POOL_MAX });
    await seedReadingSubscribers(db, { count: SUBSCRIBERS, firstUserId: FIRST_USER, lastReading: LAST_READING });
    const typicalDb = typicalScratch.open({ poolMax: 2 });
    await seedReadingSubscribers(typicalDb, { count: SUBSCRIBERS, firstUserId: FIRST_USER, lastReading: LAST_READING });
    // The seeded history is not counted: only the readings the flows of this run stored.
    const readingsIn = async (database: Database) =>
      (await database.sequelize.query<{ readings: number }>('SELECT count(*)::int AS readings FROM readings', { type: QueryTypes.SELECT }))[0]?.readings ?? 0;
    const seeded = { typical: await readingsIn(typicalDb), cabinet: await readingsIn(db) };
    console.log(
      `${SUBSCRIBERS} consented subscribers, one account and one meter each; ${ROUNDS} rounds of: open loop ${RATE} updates/s for ${OPEN_MS / 1000} s, ` +
        `closed loop ${CONCURRENCY} subscribers in flight for ${CLOSED_MS / 1000} s; pool ${POOL_MAX}${POOL_MAX === PRODUCTION_POOL_MAX ? ' (the production default)' : ` (CHANGED from the production default ${PRODUCTION_POOL_MAX} by BENCH_POOL_MAX)`}; ` +
        `synchronous_commit ${SYNCHRONOUS_COMMIT}\n`,
    );
    const core: CoreDeps = { db, clock: systemClock, settings: loadConfig({}).core };
    // Production's PostgreSQL vacuums and analyzes as tables change; a server with autovacuum off (CI's is) would
    // leave both bots on the plans and dead rows of the run's first minute, so the bench stands in for it.
    const [{ autovacuum: autovacuumSetting } = { autovacuum: 'on' }] = await db.sequelize.query<{ autovacuum: string }>('SHOW autovacuum', { type: QueryTypes.SELECT });
    const autovacuum = autovacuumSetting === 'on';
    if (!autovacuum) console.log('autovacuum is off on this server (production runs with it on): both databases get VACUUM (ANALYZE) and a CHECKPOINT before each round\n');

    // Each bot has a world of its own (a fresh fake); all stay up, idle while another is measured.
    const echoWorld = await startWorld({ firstUserId: FIRST_USER, users: SUBSCRIBERS });
    stops.push(() => echoWorld.stop());
    const echoBot = await startEchoBot({ token: echoWorld.token, apiRoot: echoWorld.apiRoot });
    stops.push(() => echoBot.stop());
    const typicalWorld = await startWorld({ firstUserId: FIRST_USER, users: SUBSCRIBERS });
    stops.push(() => typicalWorld.stop());
    const typicalBot = await startTypicalBot({ token: typicalWorld.token, apiRoot: typicalWorld.apiRoot, databaseUrl: typicalScratch.url, poolMax: POOL_MAX });
    stops.push(() => typicalBot.stop());
    const cabinetWorld = await startWorld({ firstUserId: FIRST_USER, users: SUBSCRIBERS });
    stops.push(() => cabinetWorld.stop());
    const cabinetBot = await startCabinetBot({ token: cabinetWorld.token, apiRoot: cabinetWorld.apiRoot, core });
    stops.push(() => cabinetBot.stop());
    const contenders: Contender[] = [
      { name: 'bare grammY echo', kind: 'echo', world: echoWorld, bot: echoBot },
      { name: 'typical grammY', kind: 'typical', world: typicalWorld, bot: typicalBot, database: typicalScratch.name },
      { name: 'cabinet', kind: 'cabinet', world: cabinetWorld, bot: cabinetBot },
    ];

    const flows: Record<Kind, number> = { echo: 0, typical: 0, cabinet: 0 };
    for (const who of contenders) {
      const warm = await measure(db, who, 0, { label: 'warm-up', mode: 'closed', concurrency: CONCURRENCY, durationMs: WARMUP_MS });
      flows[who.kind] += warm.phase.flowsCompleted;
    }
    const results: Record<Kind, { open: Measured[]; closed: Measured[] }> = {
      echo: { open: [], closed: [] },
      typical: { open: [], closed: [] },
      cabinet: { open: [], closed: [] },
    };
    for (let round = 1; round <= ROUNDS; round++) {
      if (!autovacuum) {
        await db.sequelize.query('VACUUM (ANALYZE)');
        await typicalDb.sequelize.query('VACUUM (ANALYZE)');
        // Autovacuum paces its writes (its cost delay); the bench's VACUUM writes all at once, and the kernel would
        // flush those pages in the middle of a measured phase (seen: 400 MB/s for 100 ms), stalling every commit's
        // WAL flush behind them. A checkpoint puts them on disk before the round.
        await db.sequelize.query('CHECKPOINT');
      }
      for (const kind of ['open', 'closed'] as const) {
        for (const who of contenders) {
          await sleep(SETTLE_MS);
          const profiler = CPU_PROFILE && who.kind === 'cabinet' && kind === 'closed' && round === 1 ? await startCpuProfile() : undefined;
          const m =
            kind === 'open'
              ? await measure(db, who, round, { label: `open, ${RATE}/s`, mode: 'open', rate: RATE, durationMs: OPEN_MS })
              : await measure(db, who, round, { label: `closed, ${CONCURRENCY} in flight`, mode: 'closed', concurrency: CONCURRENCY, durationMs: CLOSED_MS });
          if (profiler) await profiler.stopTo(CPU_PROFILE!);
          results[who.kind][kind].push(m);
          flows[who.kind] += m.phase.flowsCompleted;
        }
      }
    }
    const profile = await profileCabinet(scratch, cabinetWorld, core);
    flows.cabinet += profile.phase.flowsCompleted;
    const stored: Record<'typical' | 'cabinet', number> = {
      typical: (await readingsIn(typicalDb)) - seeded.typical,
      cabinet: (await readingsIn(db)) - seeded.cabinet,
    };

    console.log(`${pad('bot', 18)}${pad('round phase', 24)}${lpad('updates/s', 9)}${lpad('p50', 10)}${lpad('p99', 10)}${lpad('max', 10)}${lpad('errors', 7)}`);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const kind of ['open', 'closed'] as const) {
        for (const who of contenders) console.log(row(who.name, results[who.kind][kind][round - 1]!));
      }
    }
    const all = KINDS.flatMap((k) => [...results[k].open, ...results[k].closed]);
    for (const m of all) if (m.phase.errors > 0) console.log(`  errors in ${m.phase.label} (round ${m.round}): ${m.phase.errorSamples.join(' | ')}`);
    for (const who of contenders) {
      if (who.bot.logs.count > 0) console.log(`  ${who.name} logged ${who.bot.logs.count} warnings/errors, first: ${who.bot.logs.first[0]}`);
    }
    const stepMedian = (list: Measured[], step: Step, q: 'p50' | 'p99') => ms(median(list.map((m) => m.phase.byStep[step][q])));
    for (const who of ['typical', 'cabinet'] as const) {
      for (const kind of ['open', 'closed'] as const) {
        console.log(`  ${who} per step, ${kind} (medians): ${STEPS.map((s) => `${s} p50 ${stepMedian(results[who][kind], s, 'p50')} p99 ${stepMedian(results[who][kind], s, 'p99')}`).join('; ')}`);
      }
    }
    const receiptsOk = (['typical', 'cabinet'] as const).every((who) => stored[who] === flows[who]);
    for (const who of ['typical', 'cabinet'] as const) {
      console.log(`  ${who}: readings stored ${stored[who]} = flows completed ${flows[who]}: ${stored[who] === flows[who] ? 'yes' : 'NO'}`);
    }
    // Where the open loop's tail sits in time: the slowest updates bunched in one second point at one stall (a
    // GC pause, a checkpoint), spread over the phase at queueing.
    for (const m of results.cabinet.open) {
      const tail = m.phase.slowest.slice(0, Math.ceil(m.phase.latency.count / 100));
      const bySecond = new Map<number, number>();
      for (const { atMs } of tail) {
        const second = Math.floor(atMs / 1000);
        bySecond.set(second, (bySecond.get(second) ?? 0) + 1);
      }
      const where = [...bySecond].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}s×${n}`).join(' ');
      console.log(`  cabinet open round ${m.round}: its ${tail.length} slowest updates (the p99 tail) were sent at ${where}`);
    }
    if (CPU_PROFILE) console.log(`  CPU profile of the cabinet's first closed loop: ${CPU_PROFILE}`);
    for (const [name, count] of unhandled) console.log(`  unhandled rejections (a handler failing after grammY's webhook timeout): ${count}× ${name}`);

    console.log(`\nprofile: ${profile.phase.flowsCompleted} flows one at a time, averages per update (errors ${profile.phase.errors})`);
    console.log(`${pad('  step', 11)}${lpad('round trip', 12)}${lpad('in bot', 10)}${lpad('queries', 9)}${lpad('db time', 10)}${lpad('sent to db', 12)}   Bot API calls`);
    for (const name of STEPS) {
      const s = profile.steps[name];
      const n = Math.max(1, s.updates);
      const calls = Object.entries(profile.phase.apiCallsByStep?.[name] ?? {})
        .map(([method, count]) => `${method}×${count.toFixed(1)}`)
        .join(', ');
      console.log(`${pad(`  ${name}`, 11)}${lpad(ms(profile.phase.byStep[name].mean), 12)}${lpad(ms(s.botMs / n), 10)}${lpad((s.queries / n).toFixed(1), 9)}${lpad(ms(s.dbMs / n), 10)}${lpad(`${Math.round(s.paramBytes / n)} B`, 12)}   ${calls}`);
    }
    for (const name of STEPS) {
      console.log(`  statements of one "${name}" update:`);
      for (const sql of profile.steps[name].statements) console.log(`    ${sql}`);
    }

    const summary = (list: { open: Measured[]; closed: Measured[] }) => ({
      throughput: median(list.closed.map((m) => m.phase.updatesPerSecond)),
      closedP50: median(list.closed.map((m) => m.phase.latency.p50)),
      closedP99: median(list.closed.map((m) => m.phase.latency.p99)),
      openP50: median(list.open.map((m) => m.phase.latency.p50)),
      openP99: median(list.open.map((m) => m.phase.latency.p99)),
    });
    const sums = Object.fromEntries(KINDS.map((k) => [k, summary(results[k])])) as Record<Kind, ReturnType<typeof summary>>;
    console.log(`\nsummary, medians of ${ROUNDS} rounds`);
    console.log(`${pad('bot', 18)}${lpad('updates/s', 10)}${lpad('p50', 10)}${lpad('p99', 10)}   |${lpad(`p50 at ${RATE}/s`, 14)}${lpad(`p99 at ${RATE}/s`, 14)}`);
    for (const who of contenders) {
      const s = sums[who.kind];
      console.log(`${pad(who.name, 18)}${lpad(s.throughput.toFixed(0), 10)}${lpad(ms(s.closedP50), 10)}${lpad(ms(s.closedP99), 10)}   |${lpad(ms(s.openP50), 14)}${lpad(ms(s.openP99), 14)}`);
    }
    const roundRatios = (over: Kind) => results.cabinet.closed.map((m, i) => m.phase.updatesPerSecond / results[over].closed[i]!.phase.updatesPerSecond);
    const ratios = roundRatios('typical');
    const ratio = median(ratios);
    const echoRatio = median(roundRatios('echo'));
    const c = sums.cabinet;
    const valid = receiptsOk && [...results.cabinet.open, ...results.cabinet.closed, ...results.typical.open, ...results.typical.closed].every((m) => m.phase.errors === 0);
    console.log('\ntargets:');
    console.log(
      `  throughput cabinet / typical build: ${ratio.toFixed(2)}× (median of the rounds' ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}; target ≥ ${TARGET_THROUGHPUT_RATIO.toFixed(1)}×) ${ratio >= TARGET_THROUGHPUT_RATIO && valid ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      `  cabinet p99 at ${RATE}/s: ${ms(c.openP99)} (rounds ${results.cabinet.open.map((m) => ms(m.phase.latency.p99, 0)).join(', ')}; ${(c.openP99 / sums.typical.openP99).toFixed(2)}× the typical build's ${ms(sums.typical.openP99)}; target < ${TARGET_P99_MS} ms) ${c.openP99 < TARGET_P99_MS && valid ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      `  for reference: cabinet / echo ${echoRatio.toFixed(2)} of its updates/s; typical / echo ${median(results.typical.closed.map((m, i) => m.phase.updatesPerSecond / results.echo.closed[i]!.phase.updatesPerSecond)).toFixed(2)}; closed-loop p99 cabinet / typical ${(c.closedP99 / sums.typical.closedP99).toFixed(2)}×`,
    );
    if (!valid) console.log('  (FAIL: a reading flow answered some updates wrongly, see errors above)');
    const busy = all.map((m) => m.cpu.other ?? 0);
    if (Math.max(...busy) > 0.25) {
      console.log(`  note: other processes used up to ${pct(Math.max(...busy))} of a core during some phases (${availableParallelism()} cores here, load average ${loadavg()[0]!.toFixed(1)} now); figures are noisy`);
    }
  } finally {
    await cleanUp();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
