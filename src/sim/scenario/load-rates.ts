// The rates a load implies, for the limits, the planned length and the summary: the mean over the run
// and the peak it holds for a while. Pure.

import type { BurstySpec, LoadSpec } from './schema.js';

/** The bursty process's long-run rate: each state's rate weighted by its share of the time. */
export function burstyMeanRate(b: BurstySpec): number {
  return (b.highRate * b.highMeanSec + b.lowRate * b.lowMeanSec) / (b.highMeanSec + b.lowMeanSec);
}

/** The mean of the profile's multipliers (1 without a profile). */
function meanMultiplier(load: LoadSpec): number {
  const p = load.profile;
  return p === null || p === undefined ? 1 : p.reduce((a, b) => a + b, 0) / p.length;
}

/**
 * Auctions per second on average over the run: `rate`, or the bursty process's long-run rate, times
 * the profile's mean multiplier. For a trace, `rate` (the file, not read here, sets the real one).
 */
export function meanRate(load: LoadSpec): number {
  const base =
    load.arrival === 'bursty' && load.bursty !== null && load.bursty !== undefined
      ? burstyMeanRate(load.bursty)
      : load.rate;
  return base * meanMultiplier(load);
}

/** The highest rate the schedule runs at for a while: the high state's, times the largest multiplier. */
export function peakRate(load: LoadSpec): number {
  const base =
    load.arrival === 'bursty' && load.bursty !== null && load.bursty !== undefined
      ? Math.max(load.bursty.highRate, load.bursty.lowRate)
      : load.rate;
  const p = load.profile;
  return base * (p === null || p === undefined ? 1 : Math.max(...p));
}
