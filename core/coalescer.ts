/**
 * Turns many concurrent single requests into few batched statements, the way a database groups commits: at most
 * one batch is in flight; whatever is asked for meanwhile waits and goes together in the next one. Under light
 * load a request goes alone and at once (no timer to wait out); under load batches grow with the load, so
 * the statements a second stay about the same while the items a second rise.
 *
 * `run` must answer one result per item, in the items' order. If it throws, every request of that batch is
 * rejected with the error (and the next batch still runs).
 */
export class Coalescer<In, Out> {
  private queue: { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly maxBatch: number,
  ) {
    if (!(maxBatch >= 1)) throw new Error('maxBatch must be at least 1');
  }

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // setImmediate: requests made in the same turn of the event loop (several workers woken by one reply) go together.
      this.draining ??= new Promise<void>((started) => setImmediate(started)).then(() => this.drain());
    });
  }

  /** Items waiting for the next batch (not counting the one in flight). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves once nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.run(batch.map((entry) => entry.item));
          if (results.length !== batch.length) throw new Error(`batch answered ${results.length} results for ${batch.length} items`);
          batch.forEach((entry, i) => entry.resolve(results[i]!));
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }
}
