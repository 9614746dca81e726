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
