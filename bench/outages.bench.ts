// An outage for a district against the fake Telegram server on real PostgreSQL:
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --expose-gc --import tsx bench/outages.bench.ts
// It prints ratios to the limit and exits by itself (1 if a target is missed).
// 0. The production default, 30 msg/s: the rate over a 20 s window of an emergency to the district, as a ratio
//    of the limit (target ≥ 0.9); then the pass is stopped (all 20,000 at 30/s would take 11 minutes).
// 1. 20,000 affected subscribers (and 2,000 on another street who must get nothing), Telegram limit
//    BENCH_PER_SECOND (default 1,000/s): one delivery pass of an emergency; the steady rate as a ratio of the
//    limit (target ≥ 0.9), sent = affected, no chat with two, live heap at start, middle and end.
// 2. The same district's next outage, sent by a child process killed with SIGKILL half-way, then a second one
//    (after the lease) finishing it: every affected subscriber told, and how many were told twice (the sends
//    in flight at the kill: at-least-once, see README).
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Api } from 'grammy';
import pg from 'pg';
import { systemClock } from '../core/clock.ts';
import { announceOutage, deliverDueOutageNotices, defaultOutageSettings, type OutageDeliveryDeps } from '../core/outages/index.ts';
import { defaultCoreSettings } from '../core/settings.ts';
import { createDatabase, type Database } from '../models/database.ts';
import { migrateToLatest } from '../migrations/migrator.ts';
import type { SubscriberNotifier } from '../bots/notifier.ts';
import { createOutageSender } from '../bots/outages/sender.ts';
import { BatchingRateLimiter, SharedRateLimiter } from '../bots/rate-limiter.ts';
import { reminderRateLimits } from '../bots/reminders/sender.ts';
import { createTelegramNotifier } from '../bots/telegram/notifier.ts';
import { FakeTelegram } from '../tests/support/fake-telegram/server.ts';

const AFFECTED = Number(process.env.BENCH_SUBSCRIBERS ?? 20_000);
const OTHERS = Math.round(AFFECTED / 10);
const PER_SECOND = Number(process.env.BENCH_PER_SECOND ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 48);
const LEASE_MS = 3_000;
const TARGET_RATIO = 0.9;
const FIRST_CHAT = 700_000_000;
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const withDatabase = (url: string, name: string) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const liveHeap = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1024 / 1024);
};

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function seed(db: Database): Promise<void> {
  await db.sequelize.query(`
    INSERT INTO accounts (number, surname, address, street, house, street_norm, house_key)
      SELECT (400000 + g)::text, 'Бенчмарк', 'вул. Тестова, ' || g, 'вул. Тестова', g::text, 'тестова', g::text FROM generate_series(1, ${AFFECTED}) g;
    INSERT INTO accounts (number, surname, address, street, house, street_norm, house_key)
      SELECT (900000 + g)::text, 'Бенчмарк', 'вул. Інша, ' || g, 'вул. Інша', g::text, 'інша', g::text FROM generate_series(1, ${OTHERS}) g;
    INSERT INTO subscribers (channel, channel_user_id, name)
      SELECT 'telegram', (${FIRST_CHAT} + g)::text, 'Абонент' FROM generate_series(1, ${AFFECTED + OTHERS}) g;
    INSERT INTO links (subscriber_id, account_id, method)
      SELECT s.id, a.id, 'surname' FROM subscribers s JOIN accounts a
        ON a.number = (CASE WHEN s.channel_user_id::bigint - ${FIRST_CHAT} <= ${AFFECTED}
                            THEN 400000 + s.channel_user_id::bigint - ${FIRST_CHAT}
                            ELSE 900000 + s.channel_user_id::bigint - ${FIRST_CHAT} - ${AFFECTED} END)::text;
    ANALYZE;
  `);
}

function deliveryDeps(db: Database, tg: { token: string; apiRoot: string }, counter?: { delivered: number }, perSecond = PER_SECOND): OutageDeliveryDeps {
  const core = { db, clock: systemClock, settings: defaultCoreSettings };
  const inner = createTelegramNotifier(new Api(tg.token, { apiRoot: tg.apiRoot }), core);
  const notifier: SubscriberNotifier = {
    channel: 'telegram',
    async send(...args) {
      const result = await inner.send(...args);
      if (counter && result.kind === 'delivered') counter.delivered += 1;
      return result;
    },
  };
  return {
    db,
    clock: systemClock,
    settings: { ...defaultOutageSettings, quietHours: null, concurrency: CONCURRENCY, leaseMs: LEASE_MS },
    sender: createOutageSender({
      notifiers: { telegram: notifier },
      limiter: new BatchingRateLimiter(new SharedRateLimiter(db.sequelize)),
      limits: reminderRateLimits({ telegram: { globalPerSecond: perSecond } }),
      timeZone: 'Europe/Kyiv',
    }),
  };
}

interface FakeStats {
  accepted: number;
  rejected: number;
  maxPerSecond: number;
  /** Chats that got at least one message, and those that got more than one. */
  chats: number;
  twice: number;
  others: number;
}

/** The fake Telegram server in a child process of its own, so the RSS and CPU measured are the sender's. */
async function startFake(perSecond = PER_SECOND): Promise<{ token: string; apiRoot: string; stats(): Promise<FakeStats>; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, BENCH_ROLE: 'fake-telegram', BENCH_FAKE_PER_SECOND: String(perSecond) } });
  const [ready] = (await once(child, 'message')) as [{ token: string; apiRoot: string }];
  return {
    ...ready,
    async stats() {
      child.send('stats');
      return ((await once(child, 'message')) as [FakeStats])[0];
    },
    async stop() {
      child.send('stop');
      await once(child, 'exit');
    },
  };
}

async function serveFake(): Promise<void> {
  const tg = await FakeTelegram.start({ limits: { perSecond: Number(process.env.BENCH_FAKE_PER_SECOND ?? PER_SECOND), perChatPerSecond: 1 } });
  for (let i = 1; i <= AFFECTED + OTHERS; i++) tg.user({ id: FIRST_CHAT + i, first_name: 'Абонент' });
  process.on('message', (message) => {
    if (message === 'stats') {
      const { accepted, rejected, maxPerSecond } = tg.stats();
      let chats = 0;
      let twice = 0;
      let others = 0;
      for (let i = 1; i <= AFFECTED + OTHERS; i++) {
        const n = tg.sent(FIRST_CHAT + i).length;
        if (n > 0) chats += 1;
        if (n > 1) twice += 1;
        if (i > AFFECTED && n > 0) others += 1;
      }
      process.send!({ accepted, rejected, maxPerSecond, chats, twice, others });
    } else if (message === 'stop') {
      void tg.stop().then(() => process.exit(0));
    }
  });
  process.send!({ token: tg.token, apiRoot: tg.apiRoot });
}

/** A sender process: one delivery pass on the bench database, then exit. */
async function serveSender(): Promise<void> {
  const db = createDatabase({ url: process.env.BENCH_DB_URL!, poolMax: 12 });
  const counter = { delivered: 0 };
  const timer = setInterval(() => process.send!({ delivered: counter.delivered }), 100);
  await deliverDueOutageNotices(deliveryDeps(db, { token: process.env.BENCH_TG_TOKEN!, apiRoot: process.env.BENCH_TG_ROOT! }, counter));
  clearInterval(timer);
  process.send!({ delivered: counter.delivered, done: true });
  await db.close();
  process.exit(0);
}

async function announce(db: Database, key: string): Promise<number> {
  const outcome = await announceOutage(
    { db, clock: systemClock, settings: defaultCoreSettings },
    {
      targets: [{ street: 'Тестова', houses: null }],
      kind: 'emergency',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
      affects: ['cold-water'],
      text: 'Бенчмарк.',
    },
    { idempotencyKey: key, by: 'bench' },
  );
  if (outcome.kind !== 'announced') throw new Error(`announce: ${outcome.kind}`);
  if (outcome.reach.subscribers.total !== AFFECTED) throw new Error(`reach ${outcome.reach.subscribers.total}, expected ${AFFECTED}`);
  return outcome.outage.id;
}

async function main(): Promise<boolean> {
  const name = `outages_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = withDatabase(serverUrl, name);
  const db = createDatabase({ url, poolMax: 24 });
  let met = true;
  const verdict = (ok: boolean) => {
    met &&= ok;
    return ok ? 'met' : 'MISSED';
  };
  try {
    await migrateToLatest(db.sequelize, { lock: false });
    await seed(db);
    console.log(`seeded ${AFFECTED} subscribers on the outage's street and ${OTHERS} elsewhere`);

    // 0. 30 msg/s over a window.
    {
      const slowFake = await startFake(30);
      const outageId = await announce(db, 'bench-0');
      const counter = { delivered: 0 };
      const controller = new AbortController();
      const samples: { at: number; delivered: number }[] = [];
      const started = performance.now();
      const sampler = setInterval(() => {
        samples.push({ at: performance.now(), delivered: counter.delivered });
        if (performance.now() - started >= 20_000) controller.abort();
      }, 250);
      await deliverDueOutageNotices(deliveryDeps(db, slowFake, counter, 30), { signal: controller.signal });
      clearInterval(sampler);
      const from = samples.find((x) => x.at - started >= 2000) ?? samples[0]!;
      const to = samples.at(-1)!;
      const steady = (to.delivered - from.delivered) / ((to.at - from.at) / 1000);
      const stats = await slowFake.stats();
      console.log(`\n— limit 30 msg/s (the default), 20 s window —`);
      console.log(`  delivered ${counter.delivered}: ${steady.toFixed(2)} msg/s steady; ratio to the limit ${(steady / 30).toFixed(3)} (target ≥ ${TARGET_RATIO}: ${verdict(steady / 30 >= TARGET_RATIO)}); 429s ${stats.rejected}, told twice ${stats.twice}`);
      await slowFake.stop();
      // The rest of that outage is not the next phases' business.
      await db.sequelize.query(`UPDATE outages SET status = 'closed' WHERE id = :outageId; UPDATE outage_changes SET status = 'dropped' WHERE outage_id = :outageId`, { replacements: { outageId } });
    }

    // 1. One pass, in this process.
    const fake = await startFake();
    await announce(db, 'bench-1');
    const counter = { delivered: 0 };
    const deps = deliveryDeps(db, fake, counter);
    const heap = { start: liveHeap(), middle: 0, end: 0 };
    const samples: { at: number; delivered: number }[] = [];
    const started = performance.now();
    const sampler = setInterval(() => {
      samples.push({ at: performance.now(), delivered: counter.delivered });
      if (!heap.middle && counter.delivered >= AFFECTED / 2) heap.middle = liveHeap();
    }, 250);
    const counts = await deliverDueOutageNotices(deps);
    clearInterval(sampler);
    heap.end = liveHeap();
    const elapsedS = (performance.now() - started) / 1000;
    const from = samples.find((s) => s.at - started >= 2000) ?? samples[0]!;
    const to = samples.at(-1)!;
    const steady = (to.delivered - from.delivered) / ((to.at - from.at) / 1000);
    const stats = await fake.stats();
    const allSent = counts.sent === AFFECTED && stats.accepted === AFFECTED && stats.chats === AFFECTED && stats.others === 0;
    console.log(`\n— one emergency to ${AFFECTED} subscribers, limit ${PER_SECOND} msg/s —`);
    console.log(`  delivered ${counter.delivered} in ${elapsedS.toFixed(1)} s: ${(counter.delivered / elapsedS).toFixed(1)} msg/s overall, ${steady.toFixed(1)} msg/s steady`);
    console.log(`  ratio to the limit: ${(steady / PER_SECOND).toFixed(3)} steady, ${(counter.delivered / elapsedS / PER_SECOND).toFixed(3)} overall (target ≥ ${TARGET_RATIO}: ${verdict(steady / PER_SECOND >= TARGET_RATIO)})`);
    console.log(`  fake Telegram: accepted ${stats.accepted}, refused 429 ${stats.rejected}, busiest second ${stats.maxPerSecond}; chats told ${stats.chats}, told twice ${stats.twice}, told elsewhere ${stats.others}`);
    console.log(`  sent = affected, nobody else: ${allSent} (${verdict(allSent && stats.twice === 0)})`);
    console.log(`  live heap after GC, MB start/middle/end: ${heap.start}/${heap.middle}/${heap.end}`);
    await fake.stop();

    // 2. The next outage, its sender killed half-way.
    const fake2 = await startFake();
    await announce(db, 'bench-2');
    const spawnSender = (): ChildProcess =>
      fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, BENCH_ROLE: 'sender', BENCH_DB_URL: url, BENCH_TG_TOKEN: fake2.token, BENCH_TG_ROOT: fake2.apiRoot } });
    const first = spawnSender();
    let seen = 0;
    first.on('message', (m: { delivered: number }) => {
      seen = m.delivered;
    });
    while (seen < AFFECTED / 2) await sleep(50);
    first.kill('SIGKILL');
    await once(first, 'exit');
    const atKill = await fake2.stats();
    await sleep(LEASE_MS + 500);
    const second = spawnSender();
    const [, done] = await Promise.all([once(second, 'exit'), new Promise<number>((resolve) => second.on('message', (m: { delivered: number; done?: boolean }) => m.done && resolve(m.delivered)))]);
    const after = await fake2.stats();
    const everyone = after.chats === AFFECTED && after.others === 0;
    console.log(`\n— the next outage, its sender killed with SIGKILL half-way —`);
    console.log(`  at the kill: ${atKill.accepted} delivered; the restarted sender delivered ${done}`);
    console.log(`  every affected subscriber told, nobody else: ${everyone} (${verdict(everyone)}); told twice: ${after.twice} (the sends in flight at the kill, at most ${CONCURRENCY})`);
    await fake2.stop();
  } finally {
    await db.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  return met;
}

const role = process.env.BENCH_ROLE;
const run = role === 'fake-telegram' ? serveFake : role === 'sender' ? serveSender : async () => process.exit((await main()) ? 0 : 1);
run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
