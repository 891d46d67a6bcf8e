/**
 * Rows one keyset page at a time, with the next page fetched while the current one is being worked on: memory
 * holds at most two pages whatever the total, and the workers sharing the feed do not stall at page ends.
 * `page(after, limit)` returns up to `limit` rows whose key is above `after`, in key order.
 */
export class KeysetFeed<T> {
  private buffer: T[] = [];
  private index = 0;
  private after = 0;
  private exhausted = false;
  private fetching: Promise<void> | undefined;

  constructor(
    private readonly page: (after: number, limit: number) => Promise<T[]>,
    private readonly keyOf: (row: T) => number,
    private readonly options: { pageSize: number; prefetchBelow: number },
  ) {}

  async next(): Promise<T | undefined> {
    while (this.index >= this.buffer.length) {
      if (this.exhausted && !this.fetching) return undefined;
      await (this.fetching ?? this.fill());
    }
    const item = this.buffer[this.index++];
    if (this.buffer.length - this.index < this.options.prefetchBelow && !this.exhausted && !this.fetching) {
      // A failure here surfaces to whichever worker next awaits a page (the rejection is kept, not lost).
      this.fill().catch(() => undefined);
    }
    return item;
  }

  private fill(): Promise<void> {
    const fetching = (async () => {
      const rows = await this.page(this.after, this.options.pageSize);
      if (rows.length < this.options.pageSize) this.exhausted = true;
      if (rows.length > 0) this.after = this.keyOf(rows[rows.length - 1]!);
      this.buffer = [...this.buffer.slice(this.index), ...rows];
      this.index = 0;
    })();
    const tracked: Promise<void> = fetching.finally(() => {
      if (this.fetching === tracked) this.fetching = undefined;
    });
    this.fetching = tracked;
    return tracked;
  }
}
