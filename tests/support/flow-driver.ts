import type { Channel } from '../../models/models.ts';
import type { FlowDefinition, SayOptions } from '../../bots/flows/chat.ts';
import { resumeFlow, startFlow, type ChatOutput, type FlowState, type Incoming } from '../../bots/flows/runner.ts';

// Plays one flow with a scripted subscriber and no platform: the real runner and replay engine, the state
// stored as JSON between inputs as an adapter stores it. For flow rules; bots/ tests play flows over HTTP.

export interface Said {
  text: string;
  options: SayOptions;
  prompt: number;
}

export interface FlowDriver {
  readonly said: Said[];
  /** The stored state (null when no flow waits). */
  readonly state: FlowState | null;
  start(args?: unknown): Promise<void>;
  send(incoming: Incoming): Promise<void>;
  /** Presses the button with this id on the latest message that offered choices. */
  press(id: string): Promise<void>;
  type(text: string): Promise<void>;
  /** What was said since the last call of `take`. */
  take(): Said[];
}

export function flowDriver<Deps>(
  flow: FlowDefinition<Deps, any>,
  deps: Deps,
  options: { subscriberId: number; channel?: Channel; now?: () => number },
): FlowDriver {
  const said: Said[] = [];
  let taken = 0;
  let stored: string | null = null;
  const now = options.now ?? (() => Date.now());
  const out: ChatOutput = {
    channel: options.channel ?? 'telegram',
    subscriberId: options.subscriberId,
    async send(text, sayOptions, prompt) {
      said.push({ text, options: sayOptions, prompt });
    },
  };
  const keep = (state: FlowState | null) => {
    stored = state ? JSON.stringify(state) : null;
  };
  const current = (): FlowState | null => (stored ? (JSON.parse(stored) as FlowState) : null);
  const driver: FlowDriver = {
    said,
    get state() {
      return current();
    },
    async start(args) {
      keep(await startFlow(flow, deps, out, { now: now(), args }));
    },
    async send(incoming) {
      const state = current();
      if (!state) throw new Error('no flow waits for input');
      keep(await resumeFlow(flow, deps, out, state, incoming, { now: now() }));
    },
    press(id) {
      return driver.send({ kind: 'press', prompt: current()?.prompt ?? 0, id });
    },
    type(text) {
      return driver.send({ kind: 'text', text });
    },
    take() {
      const fresh = said.slice(taken);
      taken = said.length;
      return fresh;
    },
  };
  return driver;
}
