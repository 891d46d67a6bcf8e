import type { FetchedPhoto } from '../../core/readings/index.ts';

// Downloading a file a subscriber sent, never reading more than the limit: a declared length above it is refused
// before the body is read, and a body that runs past it (no length, or a wrong one) is cut off there.

/** A download that does not answer in this time is given up (the subscriber is told and may send it again). */
export const DOWNLOAD_TIMEOUT_MS = 20_000;

export async function boundedDownload(url: string, maxBytes: number, init: RequestInit = {}): Promise<FetchedPhoto> {
  if (!/^https?:\/\//i.test(url)) return { kind: 'unavailable' };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), DOWNLOAD_TIMEOUT_MS);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal, redirect: 'follow' });
    if (!response.ok || !response.body) return { kind: 'unavailable' };
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      controller.abort();
      return { kind: 'too-big' };
    }
    const chunks: Buffer[] = [];
    let total = 0;
    // Leaving the loop cancels the body's stream; aborting inside it would reject the loop itself.
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > maxBytes) break;
      chunks.push(Buffer.from(chunk));
    }
    if (total > maxBytes) {
      controller.abort();
      return { kind: 'too-big' };
    }
    return { kind: 'fetched', bytes: Buffer.concat(chunks, total) };
  } catch {
    // The URL may carry a token (Telegram's file URL): nothing of the error is passed on.
    return { kind: 'unavailable' };
  } finally {
    clearTimeout(timer);
  }
}
