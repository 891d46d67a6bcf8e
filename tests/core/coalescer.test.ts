import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../core/coalescer.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('Coalescer', () => {
  it('runs a lone request at once, and batches what arrives while one batch is in flight', async () => {
    const batches: number[][] = [];
    const gates: { resolve: (v: void) => void }[] = [];
    const coalescer = new Coalescer<number, number>(async (items) => {
      batches.push(items);
      const gate = deferred<void>();
      gates.push(gate);
      await gate.promise;
      return items.map((n) => n * 10);
    }, 3);

    const first = coalescer.submit(1);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    // Four more arrive while [1] is in flight: they wait, and go as [2,3,4] then [5] (max 3 a batch).
    const rest = [2, 3, 4, 5].map((n) => coalescer.submit(n));
    expect(coalescer.waiting).toBe(4);
    gates[0]!.resolve();
    expect(await first).toBe(10);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1], [2, 3, 4]]);
    gates[1]!.resolve();
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
    gates[2]!.resolve();
    expect(await Promise.all(rest)).toEqual([20, 30, 40, 50]);
    await coalescer.idle();
    expect(coalescer.waiting).toBe(0);
  });

  it('puts requests of the same turn into one batch', async () => {
    const batches: string[][] = [];
    const coalescer = new Coalescer<string, string>(async (items) => {
      batches.push(items);
      return items.map((s) => s.toUpperCase());
    }, 100);
    expect(await Promise.all(['a', 'b', 'c'].map((s) => coalescer.submit(s)))).toEqual(['A', 'B', 'C']);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('rejects every request of a failed batch and still runs the next one', async () => {
    let calls = 0;
    const coalescer = new Coalescer<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('database went away');
      return items;
    }, 10);
    const failed = [coalescer.submit(1), coalescer.submit(2)];
    await expect(failed[0]).rejects.toThrow('database went away');
    await expect(failed[1]).rejects.toThrow('database went away');
    expect(await coalescer.submit(3)).toBe(3);
  });

  it('rejects when the batch answers a different number of results', async () => {
    const coalescer = new Coalescer<number, number>(async () => [], 10);
    await expect(coalescer.submit(1)).rejects.toThrow('0 results for 1 items');
  });
});
