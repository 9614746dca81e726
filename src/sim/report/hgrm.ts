// .hgrm percentile files, the text format HdrHistogram's own tools print and that standard plotters
// (HdrHistogram's plotFiles.html, hdr-plot) read. Our histograms hold microseconds; the files are in
// milliseconds, like every other time in the reports.

import type { Histogram } from '../../lib/histogram.js';

/** Rows per halving of the distance to 100%, as HdrHistogram's own examples print them. */
const TICKS_PER_HALF_DISTANCE = 5;
const US_PER_MS = 1000;

export function hgrmText(h: Histogram): string {
  return h.outputPercentileDistribution(TICKS_PER_HALF_DISTANCE, US_PER_MS);
}

/**
 * A file name for `<prefix>-<name>.hgrm` that is safe on every file system: anything outside
 * [A-Za-z0-9._-] becomes `_`, no leading dot, bounded length. Names that collide after cleaning
 * (`a b` and `a_b`) get a numeric suffix, so no file overwrites another; `taken` records what is used.
 */
export function safeHgrmName(prefix: string, name: string, taken: Set<string>): string {
  let base = name
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 80);
  if (base === '') base = '_';
  let file = `${prefix}-${base}.hgrm`;
  for (let i = 2; taken.has(file.toLowerCase()); i++) file = `${prefix}-${base}-${i}.hgrm`;
  taken.add(file.toLowerCase());
  return file;
}
