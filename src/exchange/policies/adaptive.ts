// Adaptive timeouts: each leaf's enforced deadline follows its own recent response-time quantile plus
// a margin, never above its static deadline and never below `minMs`. A timed-out request is a
// censored observation (it took at least its deadline, how much longer is unknown), so the quantile
// is the Kaplan-Meier estimate over the window: a leaf that got slower times out more, the estimate
// runs past what the window saw, and the deadline goes back up to the static one until the leaf's
// new answers are seen in full. Per observation: one bucket index and two increments, no allocation;
// the quantile is worked out once per slice (a tenth of the window) per leaf, not per request.

import { Outcome, type OutcomeCode } from '../outcome.js';
import { SLICES, SLOTS, SliceClock } from './slices.js';

export interface AdaptiveOptions {
  /** The response-time quantile followed, in (0, 1). */
  quantile: number;
  /** Added to the quantile, ms. */
  marginMs: number;
  /** The window the quantile is taken over, seconds. */
  windowSec: number;
  /** The lowest deadline it sets, ms (a static deadline below it still wins). */
  minMs: number;
  /**
   * Per leaf, the lowest deadline at which it is still called: below it the tmax it would be told
   * falls under its `minBidderMs` and it is skipped, so no answer would ever raise it again. Null:
   * none beyond minMs.
   */
  floorMs?: readonly number[] | null;
}

/** Linear buckets from 0 to tmax: 0.78 ms wide at tmax 100, so the quantile reads up to that high. */
export const BUCKETS = 128;

/**
 * Observations a window needs before the quantile is trusted: two beyond the quantile's rank from the
 * top, and at least 20. Fewer, and the leaf keeps its static deadline.
 */
export function minSamples(quantile: number): number {
  return Math.max(20, Math.ceil(2 / (1 - quantile)));
}

/** Per slot: BUCKETS answered counts, then BUCKETS censored (timed-out) counts. */
const SLOT = 2 * BUCKETS;
const LEAF = SLOTS * SLOT;

export class AdaptiveDeadlines {
  /** Leaf-major: leaf × LEAF + slot × SLOT + (censored ? BUCKETS : 0) + bucket. */
  private readonly counts: Uint32Array;
  /** Per leaf, the window's complete slices summed (SLOT counts each), and how many they are. */
  private readonly window: Uint32Array;
  private readonly windowN: Uint32Array;
  /** Per leaf, the deadline worked out from the window, ms; NaN: too few observations, keep the static one. */
  private readonly learnt: Float64Array;
  /** Per leaf, the deadline last handed out (the one a timed-out request most likely had). */
  private readonly inForce: Float64Array;
  /**
   * Per leaf, the lower of the deadlines before and after the last change, and until when requests
   * sent under the earlier one may still time out: their censoring point is then at most this.
   */
  private readonly lowBound: Float64Array;
  private lowUntilMs = -Infinity;
  /** Per leaf, the static deadline it was last asked about. */
  private readonly staticOf: Float64Array;
  private slot = 0;
  private readonly slices: SliceClock;
  private readonly bucketMs: number;
  private readonly need: number;

  constructor(
    readonly leaves: number,
    private readonly tmaxMs: number,
    private readonly opts: AdaptiveOptions,
  ) {
    this.counts = new Uint32Array(leaves * LEAF);
    this.window = new Uint32Array(leaves * SLOT);
    this.windowN = new Uint32Array(leaves);
    this.learnt = new Float64Array(leaves).fill(NaN);
    this.inForce = new Float64Array(leaves).fill(tmaxMs);
    this.lowBound = new Float64Array(leaves).fill(tmaxMs);
    this.staticOf = new Float64Array(leaves).fill(tmaxMs);
    this.slices = new SliceClock((opts.windowSec * 1000) / SLICES);
    this.bucketMs = tmaxMs / BUCKETS;
    this.need = minSamples(opts.quantile);
  }

  /** The deadline to enforce on `leaf` for a request sent at `nowMs`, given its static one. */
  deadlineMs(leaf: number, staticMs: number, nowMs: number): number {
    const n = this.slices.passed(nowMs);
    if (n > 0) this.roll(n, nowMs);
    const learnt = this.learnt[leaf]!;
    const d = learnt === learnt && learnt < staticMs ? learnt : staticMs;
    this.inForce[leaf] = d;
    this.staticOf[leaf] = staticMs;
    return d;
  }

  /** The deadline `leaf` was last given, ms (tmax before its first request). */
  current(leaf: number): number {
    return this.inForce[leaf]!;
  }

  observe(leaf: number, outcome: OutcomeCode, responseMs: number, nowMs: number): void {
    const n = this.slices.passed(nowMs);
    if (n > 0) this.roll(n, nowMs);
    let ms = responseMs;
    let censored = 0;
    if (outcome === Outcome.TIMED_OUT) {
      // Censored at the request's deadline, or below it when unsure which deadline it had: a lower
      // censoring point only says less, never something false.
      censored = BUCKETS;
      if (ms !== ms) ms = nowMs < this.lowUntilMs ? this.lowBound[leaf]! : this.inForce[leaf]!;
    } else if (ms !== ms) {
      return; // lost: no time to learn from
    }
    let b = Math.floor(ms / this.bucketMs);
    if (b >= BUCKETS) b = BUCKETS - 1;
    else if (b < 0) b = 0;
    this.counts[leaf * LEAF + this.slot * SLOT + censored + b]!++;
  }

  /** `n` slices ended: the filling slot joins the window, the oldest leaves it, each deadline is worked out. */
  private roll(n: number, nowMs: number): void {
    const counts = this.counts;
    const win = this.window;
    for (let k = 0; k < Math.min(n, SLOTS); k++) {
      const filled = this.slot;
      const oldest = (filled + 1) % SLOTS;
      for (let leaf = 0; leaf < this.leaves; leaf++) {
        const w = leaf * SLOT;
        const f = leaf * LEAF + filled * SLOT;
        const o = leaf * LEAF + oldest * SLOT;
        let total = this.windowN[leaf]!;
        for (let i = 0; i < SLOT; i++) {
          const add = counts[f + i]!;
          const drop = counts[o + i]!;
          win[w + i] = win[w + i]! + add - drop;
          total += add - drop;
          counts[o + i] = 0;
        }
        this.windowN[leaf] = total;
      }
      this.slot = oldest;
    }
    for (let leaf = 0; leaf < this.leaves; leaf++) {
      const before = this.inForce[leaf]!;
      const q = this.windowN[leaf]! >= this.need ? this.quantileMs(leaf) : NaN;
      this.learnt[leaf] = q === q ? Math.max(this.opts.minMs, this.floorOf(leaf), q + this.opts.marginMs) : NaN;
      const after = Math.min(q === q ? this.learnt[leaf]! : Infinity, this.staticOf[leaf]!);
      this.lowBound[leaf] = Math.min(before, after);
    }
    this.lowUntilMs = nowMs + this.tmaxMs;
  }

  private floorOf(leaf: number): number {
    return this.opts.floorMs?.[leaf] ?? 0;
  }

  /**
   * The Kaplan-Meier estimate of the window's quantile, as the top of the bucket it falls in, or NaN
   * when the survival never falls that far (the quantile lies past the last answer seen). A censored
   * observation counts as at risk in its own bucket, the usual convention for ties.
   */
  private quantileMs(leaf: number): number {
    const win = this.window;
    const w = leaf * SLOT;
    let atRisk = this.windowN[leaf]!;
    let survival = 1;
    const target = 1 - this.opts.quantile;
    for (let b = 0; b < BUCKETS; b++) {
      const answered = win[w + b]!;
      if (answered > 0) {
        survival *= 1 - answered / atRisk;
        // A hair of slack, so that survival 0.05 reached in floating point counts at q 0.95.
        if (survival <= target + 1e-12) return (b + 1) * this.bucketMs;
      }
      atRisk -= answered + win[w + BUCKETS + b]!;
      if (atRisk <= 0) break;
    }
    return NaN;
  }
}
