import { readFileSync } from 'node:fs';

// What the machine's disks wrote during a phase, sampled every 100 ms from /proc/diskstats: a burst of writes
// (the kernel flushing dirty pages, a checkpoint's fsync) makes every commit's WAL flush wait behind it, which
// shows as a stall of all updates at once, not as a slow statement.

const SECTOR_BYTES = 512;
const SAMPLE_MS = 100;
const WHOLE_DISK = /^(vd[a-z]+|sd[a-z]+|xvd[a-z]+|nvme\d+n\d+)$/;

/** Sectors written so far by the machine's whole disks (partitions are counted in them); null when unreadable. */
function sectorsWritten(): number | null {
  try {
    let sectors = 0;
    for (const line of readFileSync('/proc/diskstats', 'utf8').split('\n')) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && WHOLE_DISK.test(fields[2]!)) sectors += Number(fields[9]);
    }
    return sectors;
  } catch {
    return null;
  }
}

export interface DiskWrites {
  /** MB written over the phase. */
  mb: number;
  /** The busiest 100 ms: its rate in MB/s, and when it began (ms into the phase). */
  peakMbPerS: number;
  peakAtMs: number;
}

/** Samples the disks' writes until stopped; null when /proc/diskstats cannot be read (not Linux). */
export function watchDiskWrites(): (() => DiskWrites) | null {
  const first = sectorsWritten();
  if (first === null) return null;
  const started = performance.now();
  let last = first;
  let lastAt = started;
  const seen = { peakMbPerS: 0, peakAtMs: 0 };
  const timer = setInterval(() => {
    const now = performance.now();
    const sectors = sectorsWritten() ?? last;
    const rate = ((sectors - last) * SECTOR_BYTES) / 1e6 / ((now - lastAt) / 1000);
    if (rate > seen.peakMbPerS) Object.assign(seen, { peakMbPerS: rate, peakAtMs: lastAt - started });
    last = sectors;
    lastAt = now;
  }, SAMPLE_MS);
  return () => {
    clearInterval(timer);
    const total = ((sectorsWritten() ?? last) - first) * SECTOR_BYTES;
    return { mb: total / 1e6, ...seen };
  };
}
