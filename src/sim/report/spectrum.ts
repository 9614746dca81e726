// The latency percentile spectrum, as HdrHistogram plotters draw it: value against 1/(1-p) on a
// log axis, so 50%, 90%, 99%, 99.9% … sit one decade apart and the tail gets as much room as the
// body. Points are taken on a fixed grid (so several series share one x axis) and stop where the
// histogram's count stops supporting them; each series then ends at its maximum.

import type { Histogram } from '../../lib/histogram.js';

/** Grid steps per decade of 1/(1-p): 10 keeps a series under ~100 points for 10^9 samples. */
export const STEPS_PER_DECADE = 10;

/** x = 1/(1-p) for grid step k: 1, 1.26, 1.58 … 10 (p = 90%) … 100 (p = 99%) … */
export function gridX(k: number): number {
  return 10 ** (k / STEPS_PER_DECADE);
}

export interface SpectrumSeries {
  /** Latency in ms at each x of the shared axis; null where this series has no point. */
  values: Array<number | null>;
}

export interface Spectrum {
  /** Shared x values, 1/(1-p), ascending. */
  x: number[];
  series: SpectrumSeries[];
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Spectra of several µs histograms on one shared x axis, values in ms. A series has grid points up
 * to x = its count (beyond that a percentile is just the maximum again), then one last point at
 * x = count with its maximum, which is where HdrHistogram plotters end a line.
 */
export function spectrum(histograms: readonly Histogram[]): Spectrum {
  const xs = new Set<number>();
  let maxCount = 0;
  for (const h of histograms) maxCount = Math.max(maxCount, h.totalCount);
  const lastK = maxCount > 1 ? Math.floor(Math.log10(maxCount) * STEPS_PER_DECADE + 1e-9) : 0;
  for (let k = 0; k <= lastK; k++) xs.add(gridX(k));
  for (const h of histograms) if (h.totalCount > 1) xs.add(h.totalCount);
  const x = [...xs].sort((a, b) => a - b);
  const series = histograms.map((h): SpectrumSeries => {
    const n = h.totalCount;
    const values = x.map((xi): number | null => {
      if (n === 0 || xi > Math.max(n, 1)) return null;
      // The end point is the maximum as the percentile reads it (the top of its bucket, like the
      // .hgrm file's last row), so a line never steps down at its end; grid points read p = 1 - 1/x.
      if (xi === n && n > 1) return round3(h.getValueAtPercentile(100) / 1000);
      if (!isGridPoint(xi)) return null;
      return round3(h.getValueAtPercentile((1 - 1 / xi) * 100) / 1000);
    });
    return { values };
  });
  return { x: x.map((v) => Math.round(v * 1e6) / 1e6), series };
}

function isGridPoint(x: number): boolean {
  const k = Math.log10(x) * STEPS_PER_DECADE;
  return Math.abs(k - Math.round(k)) < 1e-9;
}
