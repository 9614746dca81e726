// Open-loop arrival schedules. Times are fixed in advance from a seeded stream and never wait on
// answers: the runner submits each auction at its scheduled time and measures latency from it, so a
// stalled exchange shows up as latency rather than as a quietly lower rate (no coordinated omission).
//
// Times are milliseconds from the start of the run. The run length `durationSec` includes the warmup,
// and an `auctions` count includes the arrivals that fall in the warmup: warmup arrivals run like
// any other and are only left out of the statistics (see inWarmup).
//
// One generator serves the live and the virtual runner alike. It is an iterator over (index, time):
// next() gives the time, `index` the arrival's place in the whole stream, so a filter that keeps a
// stripe of it (a segment i of n keeps index % n === i) wraps the schedule without changing it.

import type { BurstySpec, LoadSpec } from '../scenario/schema.js';

export interface ArrivalSchedule {
  /** The next scheduled arrival in ms from the start (non-decreasing), or null once the run is over. */
  next(): number | null;
  /** The 0-based index in the whole stream of the arrival next() last gave (-1 before the first). */
  readonly index: number;
}

/** The rate multiplier's slices: slice k covers [k, k + 1) × sliceMs, the last one to the end. */
interface Slices {
  multipliers: readonly number[];
  sliceMs: number;
}

function slicesOf(load: LoadSpec, endMs: number): Slices | null {
  const p = load.profile;
  if (p === null || p === undefined || endMs === Infinity) return null;
  return { multipliers: p, sliceMs: endMs / p.length };
}

/** A slice's end: the last one's is the run's end, so rounding never leaves a sliver unshaped. */
function sliceEnd(s: Slices, k: number, endMs: number): number {
  return k + 1 >= s.multipliers.length ? endMs : (k + 1) * s.sliceMs;
}

/** Times of `constant` arrivals: 1000/rate apart from 0, or from each slice's start at its own rate. */
function constantTimes(load: LoadSpec, endMs: number): () => number {
  const slices = slicesOf(load, endMs);
  if (slices === null) {
    const gapMs = 1000 / load.rate;
    let issued = 0;
    // Multiplying rather than summing keeps long constant runs free of rounding drift.
    return () => issued++ * gapMs;
  }
  let k = 0;
  let j = 0;
  return () => {
    for (;;) {
      const start = k * slices.sliceMs;
      const t = start + (j * 1000) / (load.rate * (slices.multipliers[k] as number));
      if (t < sliceEnd(slices, k, endMs) || k + 1 >= slices.multipliers.length) {
        j++;
        return t;
      }
      k++;
      j = 0;
    }
  };
}

/**
 * Times of a Poisson process whose rate is piecewise constant: `rate` (poisson) or the bursty state's,
 * times the profile's multiplier. Each arrival spends one unit exponential of "intensity"; at a state
 * switch or a slice's end the unspent part carries over at the new rate, which is exact for a
 * Poisson process (it is memoryless: the time-rescaling theorem). Plain poisson without a profile has
 * no boundaries and adds one exponential gap of mean 1000/rate ms per arrival, as it always has.
 */
function poissonTimes(load: LoadSpec, endMs: number, rng: () => number): () => number {
  const slices = slicesOf(load, endMs);
  const bursty: BurstySpec | null = load.arrival === 'bursty' ? (load.bursty ?? null) : null;
  // 1 - u lies in (0, 1], so the log is finite.
  const exp = (): number => -Math.log(1 - rng());
  let high = false;
  let nextSwitch = Infinity;
  if (bursty !== null) {
    // Start in the stationary state, so the count over any window has the long-run mean.
    high = rng() * (bursty.highMeanSec + bursty.lowMeanSec) < bursty.highMeanSec;
    nextSwitch = exp() * (high ? bursty.highMeanSec : bursty.lowMeanSec) * 1000;
  }
  let k = 0;
  let nextSlice = slices === null ? Infinity : sliceEnd(slices, 0, endMs);
  /** Milliseconds per unit of intensity at the current state and slice: 1000 / the rate. */
  const msPerUnit = (): number => {
    const base = bursty === null ? load.rate : high ? bursty.highRate : bursty.lowRate;
    return 1000 / (slices === null ? base : base * (slices.multipliers[k] as number));
  };
  let per = msPerUnit();
  let t = 0;
  return () => {
    let e = exp();
    for (;;) {
      const dt = e * per;
      const boundary = nextSwitch < nextSlice ? nextSwitch : nextSlice;
      if (t + dt < boundary) {
        t += dt;
        return t;
      }
      e = Math.max(0, e - (boundary - t) / per);
      t = boundary;
      if (bursty !== null && boundary === nextSwitch) {
        high = !high;
        nextSwitch = t + exp() * (high ? bursty.highMeanSec : bursty.lowMeanSec) * 1000;
      }
      if (slices !== null && boundary === nextSlice) {
        k++;
        nextSlice = k + 1 >= slices.multipliers.length ? Infinity : sliceEnd(slices, k, endMs);
        if (k >= slices.multipliers.length) k = slices.multipliers.length - 1;
      }
      per = msPerUnit();
    }
  };
}

/** Times of a trace: its offsets in order, then Infinity (past any end). */
function traceTimes(offsets: Float64Array): () => number {
  let i = 0;
  return () => (i < offsets.length ? (offsets[i++] as number) : Infinity);
}

/**
 * Arrivals for `load`: poisson has independent exponential gaps of mean 1000/rate ms (the first
 * arrival one gap after 0); constant is exactly 1000/rate ms apart from 0; bursty is a two-state
 * Markov-modulated Poisson process started in its stationary state; trace replays `trace`'s offsets
 * (the file's, read by the caller). A profile multiplies the rate slice by slice. Ends before
 * durationSec * 1000 or after `auctions` arrivals; with neither it never ends (a trace ends with its
 * offsets). O(1) memory beyond the trace.
 */
export function arrivalSchedule(load: LoadSpec, rng: () => number, trace?: Float64Array): ArrivalSchedule {
  const endMs = load.durationSec === null ? Infinity : load.durationSec * 1000;
  const limit = load.auctions ?? Infinity;
  let times: () => number;
  if (load.arrival === 'trace') {
    if (trace === undefined) throw new Error('arrivalSchedule: a trace arrival needs the offsets of its file');
    times = traceTimes(trace);
  } else if (load.arrival === 'constant') times = constantTimes(load, endMs);
  else times = poissonTimes(load, endMs, rng);
  let done = false;
  const schedule = {
    index: -1,
    next(): number | null {
      if (done) return null;
      const t = times();
      if (schedule.index + 1 >= limit || t >= endMs || t === Infinity) {
        done = true;
        return null;
      }
      schedule.index++;
      return t;
    },
  };
  return schedule;
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
  return {
    next(): number | null {
      for (let t = schedule.next(); t !== null; t = schedule.next()) {
        if (schedule.index % count === index) return t;
        onSkip?.();
      }
      return null;
    },
    // The kept arrival's place in the whole stream, as the schedule it wraps gives it.
    get index(): number {
      return schedule.index;
    },
  };
}
