import { createReadStream } from 'node:fs';

/** A billing export, read from disk or already in memory (the demo data and tests build them in memory). */
export type BillingSource = { path: string } | { buffer: Uint8Array; name: string };

export function sourceName(source: BillingSource): string {
  return 'path' in source ? source.path : source.name;
}

export const CHUNK_BYTES = 64 * 1024;
const DISK_READ_BYTES = 1024 * 1024;

/** The bytes of a source in pieces of `size`, never the whole file at once. */
export async function* byteChunks(source: BillingSource, size = CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  if ('buffer' in source) {
    for (let at = 0; at < source.buffer.length; at += size) yield source.buffer.subarray(at, at + size);
    return;
  }
  // Read from disk a megabyte at a time (fewer trips to the thread pool, a tenth off a payments import), but
  // handed on in `size` pieces, so each is parsed, checked and sent while its records are young.
  for await (const chunk of createReadStream(source.path, { highWaterMark: Math.max(size, DISK_READ_BYTES) })) {
    const bytes = chunk as Buffer;
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }
}
