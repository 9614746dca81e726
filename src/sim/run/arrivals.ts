// Open-loop arrival schedules. Times are fixed in advance from a seeded stream and never wait on
// answers: the runner submits each auction at its scheduled time and measures latency from it, so a
// stalled exchange shows up as latency rather than as a quietly lower rate (no coordinated omission).
//
// Times are milliseconds from the start of the run. The run length `durationSec` includes the warmup,
// and an `auctions` count includes the arrivals that fall in the warmup: warmup arrivals run like
// any other and are only left out of the statistics (see inWarmup).

import type { LoadSpec } from '../scenario/schema.js';

export interface ArrivalSchedule {
  /** The next scheduled arrival in ms from the start (non-decreasing), or null once the run is over. */
  next(): number | null;
}

/**
 * Arrivals for `load`: poisson has independent exponential gaps of mean 1000/rate ms (the first
 * arrival one gap after 0), constant is exactly 1000/rate ms apart from 0. Ends before
 * durationSec * 1000 or after `auctions` arrivals; with neither it never ends. O(1) memory.
 */
export function arrivalSchedule(load: LoadSpec, rng: () => number): ArrivalSchedule {
  const gapMs = 1000 / load.rate;
  const endMs = load.durationSec === null ? Infinity : load.durationSec * 1000;
  const limit = load.auctions ?? Infinity;
  let issued = 0;
  let t = 0;
  let done = false;
  const poisson = load.arrival === 'poisson';
  return {
    next(): number | null {
      if (done) return null;
      if (poisson) {
        // 1 - u lies in (0, 1], so the log is finite.
        t += -Math.log(1 - rng()) * gapMs;
      } else {
        // Multiplying rather than summing keeps long constant runs free of rounding drift.
        t = issued * gapMs;
      }
      if (issued >= limit || t >= endMs) {
        done = true;
        return null;
      }
      issued++;
      return t;
    },
  };
}
