// Latency histograms as every process of the simulator keeps them: microsecond values, 3
// significant digits. Host processes send theirs to the runner as HdrHistogram's compressed base64,
// so both sides build them here, with the same settings, to merge.

import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** Microseconds; auto-resizing, so a stray hour-long value cannot throw. */
export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Record a duration given in milliseconds. */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(ms <= 0 ? 0 : Math.round(ms * 1000));
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(base64: string): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(base64, 32, false);
  // Re-add into a histogram with our settings so merges never meet mismatched ranges.
  const h = newHistogram();
  h.add(decoded);
  return h;
}

/** What this file reads of a node:perf_hooks histogram (nanoseconds). */
export interface NodeHistogramLike {
  readonly count: number;
  percentile(p: number): number;
}

/**
 * A node:perf_hooks histogram (ns, itself an HdrHistogram) as one of ours (µs), each value less
 * `minusUs` (at least 0): Node's histograms cannot be encoded, ours go into logs and merge. Read rank
 * by rank through `percentile`, which returns each bucket's highest equivalent value: a binary search
 * finds where each bucket's ranks end, so the cost is the buckets used times log(count), and every
 * value keeps its count.
 */
export function fromNodeHistogram(node: NodeHistogramLike, minusUs = 0): Histogram {
  const h = newHistogram();
  const n = node.count;
  const at = (rank: number): number => node.percentile((rank / n) * 100);
  for (let rank = 1; rank <= n;) {
    const value = at(rank);
    // The last rank with this value: double the step while it holds, then halve back.
    let last = rank;
    let step = 1;
    while (last + step <= n && at(last + step) === value) {
      last += step;
      step *= 2;
    }
    for (step = Math.floor(step / 2); step >= 1; step = Math.floor(step / 2))
      if (last + step <= n && at(last + step) === value) last += step;
    h.recordValueWithCount(Math.max(0, Math.round(value / 1000 - minusUs)), last - rank + 1);
    rank = last + 1;
  }
  return h;
}
