// The capacity search, pure: given a probe (one short run at a rate, judged ok or not), find the
// highest rate that is ok. It starts at `from`, doubles while the probes are ok (up to `max`), halves
// while they are not (down to `min`), then bisects between the highest ok rate and the lowest rate
// above it that was not ok, until the two lie within `precision` of each other or the probe budget is
// spent. The ok end of that bracket is probed once more before it is believed (a noisy machine can
// pass a rate once it cannot sustain); a rate that fails either probe is not ok, and the search goes
// on below it. No sockets, timers or files: the command (src/sim/cli/capacity.ts) hands it live runs,
// the tests synthetic probes.

import type { HarnessVerdict } from '../metrics/harness-types.js';

/** What one probe found at one rate. */
export interface ProbeFinding {
  /** The open-loop rate asked for, auctions per second. */
  rate: number;
  verdict: HarnessVerdict;
  /** The harness's reasons (one plain sentence per limit passed). */
  reasons: string[];
  /** The exchange's event-loop utilisation over the measured stretch, 0..1 (null when not measured). */
  exchangeUtilisation: number | null;
  /** The same with the live clock's spin taken out (null when not measured). */
  exchangeUtilisationNetOfSpin: number | null;
  /** The busiest bidder host's utilisation, 0..1 (null when no host was measured). */
  bidderHostUtilisation: number | null;
  auctionP99Ms: number;
  /** Timed-out requests over requests sent. */
  timeoutRate: number;
  /** Auctions measured (after the warm-up). */
  auctions: number;
  /** Auctions closed per second over the measured stretch. */
  perSec: number;
}

export type Phase = 'up' | 'down' | 'bisect' | 'confirm';

export interface ProbeRecord extends ProbeFinding {
  /** 1-based, in the order run. */
  n: number;
  phase: Phase;
  ok: boolean;
}

export interface SearchSettings {
  /** The first rate probed. */
  from: number;
  /** No rate above this is probed; an ok probe here ends the search. */
  max: number;
  /** No rate below this is probed; a failed probe here ends the search with no answer. */
  min: number;
  /** Stop bisecting once (notOk - ok) / ok is at most this. */
  precision: number;
  /** At most this many probes in all, the confirmation included. */
  budget: number;
  /** Probe the answer a second time before believing it. */
  confirm: boolean;
}

/** Why the search stopped. */
export type SearchEnd =
  /** The bracket is within the precision, and the answer was confirmed (or confirmation was off). */
  | 'found'
  /** Every rate up to `max` was ok: the capacity is at least `max`. */
  | 'at-max'
  /** No rate down to `min` was ok. */
  | 'none-ok'
  /** The probe budget ran out first; the answer is the best ok rate so far. */
  | 'budget'
  /** Stopped from outside (a signal) before it finished. */
  | 'stopped';

export interface SearchResult {
  end: SearchEnd;
  /** The highest rate every probe judged ok, below every rate a probe judged not ok; null when none. */
  capacity: number | null;
  /** The lowest rate above `capacity` that a probe judged not ok (null: none, e.g. at max). */
  notOk: number | null;
  /** (notOk - capacity) / capacity, the relative width of the final bracket (null without both ends). */
  width: number | null;
  /** Whether the answer was probed twice and ok both times. */
  confirmed: boolean;
  probes: ProbeRecord[];
}

/** One short run at `rate`; null when it was cut short (a signal) and so judges nothing. */
export type Probe = (rate: number) => Promise<ProbeFinding | null>;

/** The bounds every setting must keep (the command checks its flags against them). */
export const SEARCH_BOUNDS = {
  /** Auctions per second. */
  rate: { min: 0.1, max: 1_000_000 },
  precision: { min: 0.005, max: 1 },
  budget: { min: 1, max: 100 },
} as const;

/** Rates are probed at three significant digits: finer steps are below any probe's noise. */
export function roundRate(rate: number): number {
  if (rate <= 0) return rate;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(rate)));
  const f = 10 ** digits;
  const r = Math.round(rate * f) / f;
  return Number(r.toPrecision(3));
}

/** The problems with a set of settings, each naming the setting; [] when they can be searched. */
export function settingsProblems(s: SearchSettings): string[] {
  const p: string[] = [];
  const { rate, precision, budget } = SEARCH_BOUNDS;
  const inRate = (x: number): boolean => Number.isFinite(x) && x >= rate.min && x <= rate.max;
  if (!inRate(s.from)) p.push(`from: must be a rate from ${rate.min} to ${rate.max} per second (got ${s.from})`);
  if (!inRate(s.max)) p.push(`max: must be a rate from ${rate.min} to ${rate.max} per second (got ${s.max})`);
  if (!inRate(s.min)) p.push(`min: must be a rate from ${rate.min} to ${rate.max} per second (got ${s.min})`);
  if (p.length === 0 && !(s.min <= s.from && s.from <= s.max))
    p.push(`from: must lie between min and max (min ${s.min}, from ${s.from}, max ${s.max})`);
  if (!(s.precision >= precision.min && s.precision <= precision.max))
    p.push(`precision: must be from ${precision.min} to ${precision.max} (got ${s.precision})`);
  if (!Number.isInteger(s.budget) || s.budget < budget.min || s.budget > budget.max)
    p.push(`probes: must be an integer from ${budget.min} to ${budget.max} (got ${s.budget})`);
  return p;
}

/** Thrown inside the search to end it: the budget is spent, or the caller asked it to stop. */
class End {
  constructor(readonly why: 'budget' | 'stopped') {}
}

/**
 * Searches for the highest ok rate. `stopped()` is asked before each probe, and a probe that answers
 * null was cut short (not judged): either ends the search with what it has. Throws what the probe
 * throws (a run that failed is no verdict).
 */
export async function searchCapacity(
  settings: SearchSettings,
  probe: Probe,
  stopped: () => boolean = () => false,
): Promise<SearchResult> {
  const problems = settingsProblems(settings);
  if (problems.length > 0) throw new Error(`invalid search settings: ${problems.join('; ')}`);
  const { min, max, precision, budget } = settings;
  const probes: ProbeRecord[] = [];
  /** Every verdict per rate: a rate is ok only while every probe at it was. */
  const judged = new Map<number, boolean>();
  /** The bracket: every probe at lo was ok; hi is the lowest rate above it judged not ok. */
  let lo: number | null = null;
  let hi: number | null = null;

  const run = async (rate: number, phase: Phase): Promise<boolean> => {
    if (stopped()) throw new End('stopped');
    if (probes.length >= budget) throw new End('budget');
    const found = await probe(rate);
    if (found === null) throw new End('stopped');
    const ok = found.verdict === 'ok';
    probes.push({ ...found, rate, n: probes.length + 1, phase, ok });
    judged.set(rate, (judged.get(rate) ?? true) && ok);
    return ok;
  };
  /** Halves down from hi (not ok) until a rate is ok; false when none down to min is. */
  const down = async (): Promise<boolean> => {
    while (hi! > min) {
      const rate = Math.max(min, roundRate(hi! / 2));
      // min lies within the precision below a rate already not ok: nothing left worth a probe.
      if (rate >= hi! / (1 + precision)) return false;
      if (await run(rate, 'down')) {
        lo = rate;
        return true;
      }
      hi = rate;
    }
    return false;
  };
  /** The highest rate still ok below `below`. */
  const bestOkBelow = (below: number): number | null => {
    let best: number | null = null;
    for (const [rate, ok] of judged) if (ok && rate < below && (best === null || rate > best)) best = rate;
    return best;
  };
  const result = (end: SearchEnd, confirmed = false): SearchResult => ({
    end,
    capacity: lo,
    notOk: hi,
    width: lo !== null && hi !== null ? (hi - lo) / lo : null,
    confirmed,
    probes,
  });

  try {
    // Up or down from the first rate until the bracket has both ends (or a bound is reached).
    const first = roundRate(settings.from);
    if (await run(first, 'up')) {
      lo = first;
      while (lo < max) {
        const rate = Math.min(max, roundRate(lo * 2));
        if (!(await run(rate, 'up'))) {
          hi = rate;
          break;
        }
        lo = rate;
      }
    } else {
      hi = first;
      if (!(await down())) return result('none-ok');
    }
    // Bisect, then confirm; a refuted answer moves the bracket down and the bisection resumes.
    for (;;) {
      while (hi !== null && (hi - lo!) / lo! > precision) {
        const mid = roundRate((lo! + hi) / 2);
        // Rounding can leave no rate strictly between the two: the bracket is as fine as rates go.
        if (mid <= lo! || mid >= hi) break;
        if (await run(mid, 'bisect')) lo = mid;
        else hi = mid;
      }
      const end: SearchEnd = hi === null ? 'at-max' : 'found';
      if (!settings.confirm) return result(end);
      if (await run(lo!, 'confirm')) return result(end, true);
      hi = lo!;
      lo = bestOkBelow(hi);
      // The first ok rate failed its confirmation: halve below it as the down phase does.
      if (lo === null && !(await down())) return result('none-ok');
    }
  } catch (err) {
    if (err instanceof End) return result(err.why);
    throw err;
  }
}
