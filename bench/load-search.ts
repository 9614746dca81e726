// The rates at which the exchange's event loop is busy a given share of the time: the latency cases
// run at measured utilisation 0.5 and 0.9 rather than at a share of the closed-loop maximum, which
// overstates what open-loop traffic sustains. Short open-loop runs on a rig of the case's own shape;
// each step scales the rate by target / measured (utilisation grows about linearly with the rate
// until the loop saturates), and the run nearest the target gives the rate. The utilisation is the
// exchange's own, in the rig's process (performance.eventLoopUtilization), as the harness's
// `utilisation` reads it: the live clock's spin included. (Taking out the wall time the clock spent
// in spin windows, as a first try did, was no measure: other callbacks run inside those windows, so
// the figure fell as the rate rose, 0.23 at 911/s and 0.15 at 2014/s.) No rate above `cap` (the
// closed-loop maximum) is tried: past it the open loop only builds a backlog, and where another
// process saturates first (the bidder host, with 10 ms leaves) the exchange's loop may never reach
// the target; the point then says so and runs at the cap.

import { runOpen, startRig } from './rig.js';
import type { BenchScenario } from './requests.js';
import { round, type Durations } from './cases.js';

export interface LoadSample {
  rate: number;
  utilisation: number;
}

export interface LoadPoint {
  /** The utilisation aimed at. */
  target: number;
  /** The rate of the search run nearest it. */
  rate: number;
  /** Whether a search run came within TOLERANCE of the target (false: the nearest it got, e.g. at the cap). */
  reached: boolean;
  samples: LoadSample[];
}

/** Close enough: the measured runs land within this of the target anyway (noise on 2 cores). */
const TOLERANCE = 0.05;
/** A loop this busy is saturated: the open loop's backlog, not the rate, sets the figure. */
const SATURATED = 0.97;
const STEPS = 5;

/** The next rate to try from one run's utilisation: proportional, bounded to a factor of 4 a step. */
export function nextRate(rate: number, utilisation: number, target: number, cap: number): number {
  if (utilisation >= SATURATED) return Math.max(1, Math.round(rate * 0.6));
  const factor = utilisation <= 0 ? 4 : Math.min(4, Math.max(0.25, target / utilisation));
  return Math.max(1, Math.min(Math.round(cap), Math.round(rate * factor)));
}

/** The sample nearest the target (the lower rate on a tie). */
export function nearest(samples: readonly LoadSample[], target: number): LoadSample {
  let best = samples[0]!;
  for (const s of samples) {
    const d = Math.abs(s.utilisation - target);
    const bd = Math.abs(best.utilisation - target);
    if (d < bd || (d === bd && s.rate < best.rate)) best = s;
  }
  return best;
}

/** One rate per target, searched on a rig of shape `b` from `guess` auctions/s, none above `cap`. */
export async function loadPoints(
  b: BenchScenario,
  targets: readonly number[],
  guess: number,
  cap: number,
  d: Durations,
): Promise<LoadPoint[]> {
  const rig = await startRig(b);
  const points: LoadPoint[] = [];
  try {
    let rate = Math.max(1, Math.round(guess));
    for (const target of targets) {
      const samples: LoadSample[] = [];
      for (let step = 0; step < STEPS; step++) {
        const u = (await runOpen(rig, rate, d.warmupSec, d.measureSec)).utilisation;
        samples.push({ rate, utilisation: round(u, 3) });
        if (Math.abs(u - target) <= TOLERANCE) break;
        const next = nextRate(rate, u, target, cap);
        // At the cap and still short of the target: no rate allowed gets nearer.
        if (next === rate) break;
        rate = next;
      }
      const best = nearest(samples, target);
      points.push({ target, rate: best.rate, reached: Math.abs(best.utilisation - target) <= TOLERANCE, samples });
      // The next target starts from this one, scaled.
      rate = nextRate(best.rate, best.utilisation, targets[points.length] ?? target, cap);
    }
  } finally {
    await rig.stop();
  }
  return points;
}
