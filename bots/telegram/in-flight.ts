import type { MiddlewareFn } from 'grammy';

/**
 * Every update being handled, whichever way it came, so stop() can wait for its replies and its commit: the
 * runner's stop() resolves once polling ends, while middleware may still be running.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  middleware(): MiddlewareFn {
    return (_ctx, next) => this.track(next());
  }

  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
