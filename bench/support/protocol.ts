import type { LatencySummary } from './stats.ts';

// Messages between the bench (bots, database) and its "world" child process (the fake Telegram API and the
// simulated subscribers), which sits in a process of its own so its CPU is not charged to the bots.

export type Step = 'command' | 'value' | 'confirm';
export const STEPS: readonly Step[] = ['command', 'value', 'confirm'];

export interface WorldReady {
  type: 'ready';
  token: string;
  apiRoot: string;
}

export interface PhaseSpec {
  label: string;
  webhookUrl: string;
  secret: string;
  /** closed: `concurrency` users in flight for `durationMs`; open: `rate` updates/s for `durationMs`; profile: `flows` one at a time. */
  mode: 'closed' | 'open' | 'profile';
  concurrency?: number;
  rate?: number;
  durationMs?: number;
  flows?: number;
  /**
   * What each answered update must have done: `reading` — /readings asked for the value, the value got the
   * confirm button, the press was answered and the reading accepted; `echo` — the text echoed, the press answered.
   */
  expect: 'echo' | 'reading';
  value: number;
  /** Start again from the first subscriber when all had their turn (the echo bot has no once-a-day rule). */
  reuseUsers: boolean;
}

export interface PhaseResult {
  label: string;
  updates: number;
  /** Non-2xx answers, failed requests, and updates answered without having done their work (see `expect`). */
  errors: number;
  errorSamples: string[];
  flowsStarted: number;
  flowsCompleted: number;
  usersExhausted: boolean;
  elapsedMs: number;
  updatesPerSecond: number;
  latency: LatencySummary;
  byStep: Record<Step, LatencySummary>;
  /** Open loop: how far behind its schedule the sender fell at worst (timer and event-loop lag). */
  maxSendLagMs: number;
  /** The slowest updates of the phase, with when each was sent (ms after the phase began): clustered ones point at a stall. */
  slowest: { atMs: number; ms: number; step: Step }[];
  /** The world's event loop: its longest stall over the phase (GC, being descheduled), ms. */
  worldLoopMaxMs: number;
  /** CPU time of the world process over the phase (fake API + simulated users), ms. */
  worldCpuMs: number;
  /** Profile mode: the Bot API methods called while each step was handled, per flow on average. */
  apiCallsByStep?: Record<Step, Record<string, number>>;
}

export type ToWorld = { type: 'run'; spec: PhaseSpec } | { type: 'stop' };
export type FromWorld = WorldReady | { type: 'result'; result: PhaseResult } | { type: 'failed'; error: string };
