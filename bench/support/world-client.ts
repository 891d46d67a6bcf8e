import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { FromWorld, PhaseResult, PhaseSpec, ToWorld } from './protocol.ts';

export interface World {
  token: string;
  apiRoot: string;
  run(spec: PhaseSpec): Promise<PhaseResult>;
  stop(): Promise<void>;
}

/** Starts world.ts in a child process with `users` Telegram users (ids firstUserId + 1 … + users). */
export async function startWorld(options: { firstUserId: number; users: number }): Promise<World> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./world.ts', import.meta.url)), [], {
    // tsx's loader flags, so the child runs TypeScript as this process does.
    execArgv: process.execArgv,
    env: { ...process.env, BENCH_WORLD_FIRST_USER: String(options.firstUserId), BENCH_WORLD_USERS: String(options.users) },
  });
  const inbox: FromWorld[] = [];
  let waiting: { resolve(message: FromWorld): void; reject(error: Error): void } | undefined;
  let exitCode: number | null | undefined;
  child.on('message', (message: FromWorld) => {
    if (waiting) waiting.resolve(message);
    else inbox.push(message);
    waiting = undefined;
  });
  child.on('exit', (code) => {
    exitCode = code;
    waiting?.reject(new Error(`the world process exited (${String(code)})`));
    waiting = undefined;
  });
  const next = (): Promise<FromWorld> => {
    const queued = inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (exitCode !== undefined) return Promise.reject(new Error(`the world process exited (${String(exitCode)})`));
    return new Promise((resolve, reject) => (waiting = { resolve, reject }));
  };
  const ready = await next();
  if (ready.type !== 'ready') throw new Error(`world did not start: ${JSON.stringify(ready)}`);
  const tell = (message: ToWorld) => child.send(message);
  return {
    token: ready.token,
    apiRoot: ready.apiRoot,
    async run(spec) {
      tell({ type: 'run', spec });
      const answer = await next();
      if (answer.type === 'result') return answer.result;
      throw new Error(`world failed in ${spec.label}: ${answer.type === 'failed' ? answer.error : answer.type}`);
    },
    async stop() {
      if (exitCode !== undefined) return;
      const exited = once(child, 'exit');
      tell({ type: 'stop' });
      await exited;
    },
  };
}
