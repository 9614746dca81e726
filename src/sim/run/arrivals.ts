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

/**
 * One of `count` equal shares of a run's arrivals: segment `index` (from 0, as Kubernetes counts
 * JOB_COMPLETION_INDEX) is k6's execution segment index/count : (index + 1)/count.
 */
export interface Segment {
  index: number;
  count: number;
}

/** The whole run: the one segment of one. */
export const WHOLE_RUN: Segment = { index: 0, count: 1 };

/**
 * The stripe of `schedule` that `segment` runs. Every segment draws the whole seeded stream and keeps
 * arrival k (from 0) when k mod count = index, as k6 stripes equal segments; so the segments' arrivals
 * together are exactly the whole run's, and of any N arrivals segment i keeps ceil((N - i) / count).
 * `onSkip` is called for each arrival left to the other segments (to take its request's draws). The
 * whole run's schedule is returned as it is.
 */
export function segmentArrivals(schedule: ArrivalSchedule, segment: Segment, onSkip?: () => void): ArrivalSchedule {
  const { index, count } = segment;
  if (count === 1) return schedule;
  let k = 0;
  return {
    next(): number | null {
      for (let t = schedule.next(); t !== null; t = schedule.next()) {
        if (k++ % count === index) return t;
        onSkip?.();
      }
      return null;
    },
  };
}
