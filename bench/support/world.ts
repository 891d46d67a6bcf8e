// The world outside the bot, in a child process of the bench: the fake Telegram Bot API (the bot's replies go
// there) and the simulated subscribers, who POST their updates straight to the bot's webhook route. Updates are
// never queued in the fake, so it does not deliver them a second time. Started by world-client.ts.
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Update } from 'grammy/types';
import { FakeTelegram, FakeUser, type SentMessage } from '../../tests/support/fake-telegram/index.ts';
import { STEPS, type FromWorld, type PhaseResult, type PhaseSpec, type Step, type ToWorld } from './protocol.ts';
import { summarize } from './stats.ts';
import { readings } from '../../bots/texts/readings.ts';

// The reading flow's confirm button, found by its label (the cabinet's data is `f:<prompt>:<id>`, the typical
// build's its own); the echo bot sends no button, so its "press" carries this made-up data.
const CONFIRM_LABEL = readings.sendButton;
const ECHO_PRESS_DATA = 'confirm';
/** What both reading bots say once the reading is stored (the cabinet's receipt, the typical build's thanks). */
const ACCEPTED = /прийнято/;

const FIRST_USER = Number(process.env.BENCH_WORLD_FIRST_USER);
const USERS = Number(process.env.BENCH_WORLD_USERS);

const send = (message: FromWorld) => process.send!(message);
// A new agent each phase, and its free sockets used in turn (fifo): a socket left idle past the bot server's
// keep-alive timeout (an earlier phase's, or one at the bottom of a lifo pool after a burst) may be reused just as
// the server closes it, failing the request (socket hang up, ECONNRESET) for no fault of the bot. Telegram keeps
// its few connections busy; it does not leave them idle.
const newAgent = () => new http.Agent({ keepAlive: true, maxSockets: Infinity, scheduling: 'fifo' });
let agent = newAgent();

interface Flow {
  user: FakeUser;
  next: number;
}

function post(url: URL, secret: string, update: Update): Promise<{ status: number; ms: number; body: string }> {
  const body = JSON.stringify(update);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': secret },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function hasButton(message: SentMessage | undefined, label: string): boolean {
  const markup = message?.reply_markup;
  if (!markup || !('inline_keyboard' in markup)) return false;
  return markup.inline_keyboard.flat().some((b) => 'callback_data' in b && b.text === label);
}

async function main(): Promise<void> {
  const tg = await FakeTelegram.start();
  let nextUpdateId = 1;
  // The fake's FakeUser builds real updates (the message stored in the chat, the callback query registered so
  // answerCallbackQuery works) and hands them to this "enqueue", which only numbers them.
  const keep = (update: Omit<Update, 'update_id'>) => ({ ...update, update_id: nextUpdateId++ }) as Update;
  const users: FakeUser[] = [];
  for (let i = 1; i <= USERS; i++) {
    const id = FIRST_USER + i;
    tg.user({ id, first_name: `Абонент ${i}` });
    users.push(new FakeUser(tg.state, keep, tg.state.users.get(id)!, tg.state.chats.get(id)!, () => undefined));
  }
  let cursor = 0;

  const fakeCall = (tg as unknown as { call(method: string, params: Record<string, unknown>, signal: AbortSignal, via: string): Promise<unknown> }).call.bind(tg);
  async function runWebhookReply(body: string): Promise<void> {
    if (!body.includes('"method"')) return;
    const { method, ...params } = JSON.parse(body) as { method?: unknown };
    if (typeof method === 'string') await fakeCall(method, params, AbortSignal.timeout(60_000), 'webhook-reply');
  }

  /** Why the answered update did not do its step's work (undefined: it did). */
  function missingWork(expect: PhaseSpec['expect'], name: Step, update: Update, sentBefore: number, value: number, chatId: number): string | undefined {
    const last = tg.lastSent(chatId);
    const said = last && last.message_id > sentBefore ? (last.text ?? '') : undefined;
    const answered = name !== 'confirm' || tg.callbackAnswer(update) !== undefined;
    if (!answered) return 'the button press was not answered';
    if (expect === 'echo') {
      if (name === 'confirm') return undefined;
      const echoed = name === 'command' ? '/readings' : String(value);
      return said === echoed ? undefined : `not echoed: ${JSON.stringify(said?.slice(0, 80))}`;
    }
    if (said === undefined) return 'nothing said';
    if (name === 'value' && !hasButton(last, CONFIRM_LABEL)) return `no confirm button: ${JSON.stringify(said.slice(0, 80))}`;
    if (name === 'confirm' && !ACCEPTED.test(said)) return `the reading was not accepted: ${JSON.stringify(said.slice(0, 80))}`;
    return undefined;
  }

  // The fake keeps every call, message and callback query; a finished flow's are of no more use, and letting
  // them pile up (tens of thousands a phase) would bring long GC pauses into this process's timings.
  const forget = (user: FakeUser, update: Update) => {
    tg.state.chats.get(user.chatId)!.messages.clear();
    if (update.callback_query) tg.state.callbacks.delete(update.callback_query.id);
  };

  async function runPhase(spec: PhaseSpec): Promise<PhaseResult> {
    agent.destroy();
    agent = newAgent();
    const url = new URL(spec.webhookUrl);
    /** Every answered update: when it was sent (ms into the phase), its round trip, its step. */
    const answered: { atMs: number; ms: number; step: Step }[] = [];
    const apiCalls: Record<Step, Record<string, number>> = { command: {}, value: {}, confirm: {} };
    const errorSamples: string[] = [];
    let errors = 0;
    let flowsStarted = 0;
    let flowsCompleted = 0;
    let usersExhausted = false;
    const fail = (why: string) => {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(why);
    };

    const newFlow = (): Flow | undefined => {
      if (spec.reuseUsers && cursor === users.length) cursor = 0;
      const user = users[cursor];
      if (!user) {
        usersExhausted = true;
        return undefined;
      }
      cursor++;
      flowsStarted++;
      return { user, next: 0 };
    };

    /** Sends the flow's next update; false when the flow cannot go on. */
    async function step(flow: Flow): Promise<boolean> {
      const name = STEPS[flow.next]!;
      const { user } = flow;
      let update: Update;
      if (name === 'command') update = user.command('/readings');
      else if (name === 'value') update = user.sendText(String(spec.value));
      else {
        const last = tg.lastSent(user.chatId);
        if (spec.expect === 'echo') update = user.pressButton(last ?? 0, ECHO_PRESS_DATA, { force: true });
        else if (hasButton(last, CONFIRM_LABEL)) update = user.pressButton(last!, CONFIRM_LABEL);
        else {
          fail(`user ${user.id}: no confirm button; last sent: ${JSON.stringify(last?.text?.slice(0, 80))}`);
          return false;
        }
      }
      const callsBefore = tg.state.calls.length;
      const sentBefore = tg.lastSent(user.chatId)?.message_id ?? 0;
      const atMs = performance.now() - started;
      try {
        const { status, ms, body } = await post(url, spec.secret, update);
        if (status < 200 || status >= 300) {
          fail(`update ${update.update_id} (${name}): HTTP ${status}`);
          return false;
        }
        // A Bot API call in the answer (a webhook reply): Telegram runs it once the answer arrives; so does the fake.
        await runWebhookReply(body);
        answered.push({ atMs, ms, step: name });
      } catch (error) {
        fail(`update ${update.update_id} (${name}): ${String(error)}`);
        return false;
      }
      // Each update must have done its work by the time it was answered, so no bot wins by skipping any.
      const why = missingWork(spec.expect, name, update, sentBefore, spec.value, user.chatId);
      if (why) {
        fail(`user ${user.id}, update ${update.update_id} (${name}): ${why}`);
        return false;
      }
      if (spec.mode === 'profile') {
        for (const call of tg.state.calls.slice(callsBefore)) apiCalls[name][call.method] = (apiCalls[name][call.method] ?? 0) + 1;
      } else if (tg.state.calls.length > 10_000) {
        tg.state.calls.length = 0;
      }
      flow.next++;
      if (flow.next === STEPS.length) {
        flowsCompleted++;
        forget(user, update);
      }
      return true;
    }

    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let maxSendLagMs = 0;

    if (spec.mode === 'closed' || spec.mode === 'profile') {
      const concurrency = spec.mode === 'profile' ? 1 : spec.concurrency!;
      const deadline = spec.mode === 'profile' ? Infinity : started + spec.durationMs!;
      let budget = spec.mode === 'profile' ? spec.flows! : Infinity;
      const worker = async () => {
        while (performance.now() < deadline && budget-- > 0) {
          const flow = newFlow();
          if (!flow) return;
          while (flow.next < STEPS.length && (await step(flow)));
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    } else {
      // Open loop: the k-th update leaves at start + k·interval whatever the answers so far. It is the next step
      // of a subscriber whose previous update was answered, or else a new subscriber's /readings.
      const interval = 1000 / spec.rate!;
      const total = Math.round((spec.rate! * spec.durationMs!) / 1000);
      const ready: Flow[] = [];
      const inFlight = new Set<Promise<void>>();
      let sent = 0;
      await new Promise<void>((done) => {
        const tick = () => {
          const now = performance.now();
          while (sent < total && started + sent * interval <= now) {
            maxSendLagMs = Math.max(maxSendLagMs, now - (started + sent * interval));
            sent++;
            const flow = ready.shift() ?? newFlow();
            if (!flow) continue;
            const work = step(flow).then((ok) => {
              if (ok && flow.next < STEPS.length) ready.push(flow);
            });
            inFlight.add(work);
            void work.finally(() => inFlight.delete(work));
          }
          if (sent < total) setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
          else done();
        };
        tick();
      });
      await Promise.all([...inFlight]);
    }

    const elapsedMs = performance.now() - started;
    const msOf = (step?: Step) => answered.filter((a) => step === undefined || a.step === step).map((a) => a.ms);
    loop.disable();
    const cpu = process.cpuUsage(cpuBefore);
    const profiledFlows = Math.max(1, flowsCompleted);
    return {
      label: spec.label,
      updates: answered.length,
      errors,
      errorSamples,
      flowsStarted,
      flowsCompleted,
      usersExhausted,
      elapsedMs,
      updatesPerSecond: (answered.length / elapsedMs) * 1000,
      latency: summarize(msOf()),
      byStep: { command: summarize(msOf('command')), value: summarize(msOf('value')), confirm: summarize(msOf('confirm')) },
      maxSendLagMs,
      slowest: [...answered].sort((a, b) => b.ms - a.ms).slice(0, 40),
      worldCpuMs: (cpu.user + cpu.system) / 1000,
      worldLoopMaxMs: loop.max / 1e6,
      ...(spec.mode === 'profile'
        ? {
            apiCallsByStep: Object.fromEntries(
              STEPS.map((s) => [s, Object.fromEntries(Object.entries(apiCalls[s]).map(([m, n]) => [m, n / profiledFlows]))]),
            ) as Record<Step, Record<string, number>>,
          }
        : {}),
    };
  }

  process.on('message', (message: ToWorld) => {
    if (message.type === 'stop') {
      agent.destroy();
      void tg.stop().then(() => process.exit(0));
      return;
    }
    runPhase(message.spec).then(
      (result) => send({ type: 'result', result }),
      (error: unknown) => send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  send({ type: 'ready', token: tg.token, apiRoot: tg.apiRoot });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
