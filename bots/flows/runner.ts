import { randomUUID } from 'node:crypto';
import { ReplayEngine, type ReplayState } from '@grammyjs/conversations';
import type { Channel } from '../../models/models.ts';
import type { Chat, Choice, FlowDefinition, Input, Keyboard, SayOptions } from './chat.ts';
import { sameWords } from './words.ts';

// Runs a flow written against the chat port on @grammyjs/conversations' ReplayEngine, for every channel alike.
// The flow function is replayed from the top on every input; `say` and `step` are recorded actions, so what
// they did is not done again, and `wait` is an interrupt whose value is the subscriber's input. The state is
// plain JSON: an adapter stores it wherever it keeps state (PostgreSQL), so a restart or a second instance
// continues the flow where it was.

/** Bump when a flow changes shape (steps added, removed or reordered): a state of another version is dropped. */
export const FLOWS_VERSION = 3;

/** Where one subscriber is in a flow: plain JSON, stored by the adapter. */
export interface FlowState {
  flow: string;
  version: number;
  /** A random id of this run of the flow: with the step's number it keys what must happen once. */
  run: string;
  replay: ReplayState;
  /** The interrupt the next input is supplied to. */
  pending: number;
  /** The number of the last message that offered choices, and what it offered: older buttons are stale. */
  prompt: number;
  offered: Choice[];
  /** What the flow was started with. */
  args: unknown;
  /** When the flow last moved (ms since the epoch): a flow left alone past its time-out is over. */
  touchedAt: number;
}

/** What an adapter hands the runner: a press carries the number of the message its button was on. */
export type Incoming = Input | { kind: 'press'; prompt: number; id: string };

/** How the runner reaches the subscriber: the adapter renders and sends each message. */
export interface ChatOutput {
  channel: Channel;
  subscriberId: number;
  /**
   * `prompt` numbers a message with choices, for the adapter to put into its callback data. `shown` is the
   * keyboard this adapter last reported at the bottom of the chat in this flow (undefined before it reported
   * one); an adapter whose message cannot always carry its bottom keyboard (Telegram: a message with inline
   * buttons) returns the one it left there, so the next message knows whether it must change it.
   */
  send(text: string, options: SayOptions, prompt: number, shown?: Keyboard): Promise<Keyboard | void>;
}

export interface RunOptions {
  /** The injected clock's now (ms), for the time-out. */
  now: number;
}

export interface StartOptions extends RunOptions {
  args?: unknown;
  /**
   * The run's id, when the event that starts it has one of its own (a Telegram update id): a redelivery of that
   * event after a crash then starts the same run, and its steps' keys find the work already done.
   */
  run?: string;
}

/** A flow's result: the state to store, or null when the flow is over (finished, or dropped). */
export type RunResult = FlowState | null;

function plain<T>(value: T): T {
  // Recorded results are stored as JSON: what JSON cannot carry must fail here, not on the next replay.
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

async function replayOnce<Deps>(
  flow: FlowDefinition<Deps, any>,
  deps: Deps,
  out: ChatOutput,
  state: FlowState,
  fresh: boolean,
  now: number,
): Promise<RunResult> {
  let offered: Choice[] = [];
  let prompt = 0;
  let stepNo = 0;
  let shown: Keyboard | undefined;
  const engine = new ReplayEngine(async (controls) => {
    const chat: Chat = {
      channel: out.channel,
      subscriberId: out.subscriberId,
      async say(text, options = {}) {
        if (options.choices && options.choices.length > 0) {
          const choices = options.choices.flat();
          const same = choices.length === offered.length && choices.every((c, i) => c.id === offered[i]!.id && c.label === offered[i]!.label);
          // The same choices said again keep their number, so the older message's buttons are not stale.
          if (!(options.again && prompt > 0 && same)) prompt += 1;
          offered = choices;
        }
        const number = prompt;
        const before = shown;
        // Recorded, so a replay knows the bottom keyboard without sending anything again.
        const left = (await controls.action(async () => (await out.send(text, options, number, before)) ?? null, 'say')) as Keyboard | null;
        if (left) shown = left;
      },
      async wait(options) {
        return (await controls.interrupt(options?.secret ? SECRET_WAIT : 'wait')) as Input;
      },
      step(work) {
        const key = `${state.run}:${stepNo++}`;
        return controls.action(async () => plain(await work(key)), 'step');
      },
    };
    await flow.run(chat, deps, state.args);
  });
  const result = fresh ? await engine.play() : await engine.replay(state.replay);
  switch (result.type) {
    case 'returned':
    case 'canceled':
      return null;
    case 'thrown':
      throw result.error;
    case 'interrupted':
      return { ...state, replay: forgetSecrets(result.state), pending: result.interrupts[0]!, prompt, offered, touchedAt: now };
  }
}

const SECRET_WAIT = 'wait:secret';

/**
 * Blanks the text of every answered secret wait (a proof's answer must never be stored, README): the flow used
 * it inside a recorded step, so a replay takes the same path with only the input's kind.
 */
function forgetSecrets(replay: ReplayState): ReplayState {
  for (const op of replay.receive) {
    const input = op.returnValue as Input | undefined;
    if (replay.send[op.send]?.payload === SECRET_WAIT && input?.kind === 'text') op.returnValue = { kind: 'text', text: '' } satisfies Input;
  }
  return replay;
}

/** Starts `flow` afresh; it runs until it waits for the subscriber or ends. */
export function startFlow<Deps>(flow: FlowDefinition<Deps, any>, deps: Deps, out: ChatOutput, options: StartOptions): Promise<RunResult> {
  const state: FlowState = {
    flow: flow.id,
    version: FLOWS_VERSION,
    run: options.run ?? randomUUID(),
    replay: { send: [], receive: [] },
    pending: 0,
    prompt: 0,
    offered: [],
    args: plain(options.args ?? null),
    touchedAt: options.now,
  };
  return replayOnce(flow, deps, out, state, true, options.now);
}

/** Whether a stored state can still be continued: the same code version and not timed out. */
export function isLive(state: FlowState | null | undefined, options: RunOptions & { timeoutMs: number }): state is FlowState {
  return !!state && state.version === FLOWS_VERSION && options.now - state.touchedAt < options.timeoutMs;
}

/**
 * What the flow waiting on `state` receives for `incoming`: a press of an older message's button is stale, and
 * typing a label of the buttons on offer is pressing it.
 */
export function inputFor(state: FlowState, incoming: Incoming): Input {
  if (incoming.kind === 'press') {
    return incoming.prompt === state.prompt && state.offered.some((c) => c.id === incoming.id) ? { kind: 'choice', id: incoming.id } : { kind: 'stale' };
  }
  if (incoming.kind === 'text') {
    const choice = state.offered.find((c) => sameWords(c.label, incoming.text));
    if (choice) return { kind: 'choice', id: choice.id };
  }
  return incoming;
}

/** Hands the subscriber's input to the flow waiting on `state` and runs it to its next wait or its end. */
export function resumeFlow<Deps>(
  flow: FlowDefinition<Deps, any>,
  deps: Deps,
  out: ChatOutput,
  stored: FlowState,
  incoming: Incoming,
  options: RunOptions,
): Promise<RunResult> {
  // The stored object is the caller's: supply mutates the replay log, so work on a copy.
  const state: FlowState = structuredClone(stored);
  ReplayEngine.supply(state.replay, state.pending, inputFor(stored, incoming));
  return replayOnce(flow, deps, out, state, false, options.now);
}
