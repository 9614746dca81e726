// Throttling by health, as PBS-Go's bidder throttling (#4415) and Google's callout quota do: a leaf
// whose share of timed-out, invalid or lost requests over the window passes `maxTimeoutRate` is sent a
// falling share of the requests (halved each slice, a tenth of the window, while it stays unhealthy),
// never below `minShare`, so that its recovery still shows; once the window's rate is back within the
// limit the share doubles each slice up to all requests. A no-bid is an answer, not an error. Which
// requests are held back is drawn from a seeded stream, so a virtual run reproduces.

import { Outcome, type OutcomeCode } from '../outcome.js';
import { SLICES, SLOTS, SliceClock } from './slices.js';

export interface ThrottleOptions {
  /** The timeout-or-error rate above which the share falls, in [0, 1). */
  maxTimeoutRate: number;
  /** The window the rate is taken over, seconds. */
  windowSec: number;
  /** The least share of requests a leaf is sent, in (0, 1]. */
  minShare: number;
}

/**
 * Settled requests a window needs before its rate moves the share; fewer, and the share holds, or
 * climbs when none of them went badly (so a leaf throttled at a low rate can recover).
 */
export const MIN_SETTLED = 10;
/** What the share is multiplied by per slice while unhealthy, and divided by while healthy. */
export const STEP = 0.5;

/** A uniform draw in [0, 1). */
export type Draw = () => number;

export class Throttle {
  /** Leaf-major: leaf × SLOTS + slot, requests settled and those settled badly. */
  private readonly settled: Uint32Array;
  private readonly bad: Uint32Array;
  /** Per leaf, the window's complete slices summed. */
  private readonly settledN: Uint32Array;
  private readonly badN: Uint32Array;
  /** Per leaf, the share of requests it is sent now, in [minShare, 1]. */
  private readonly shares: Float64Array;
  private slot = 0;
  private readonly slices: SliceClock;

  constructor(
    readonly leaves: number,
    private readonly opts: ThrottleOptions,
    private readonly draw: Draw,
  ) {
    this.settled = new Uint32Array(leaves * SLOTS);
    this.bad = new Uint32Array(leaves * SLOTS);
    this.settledN = new Uint32Array(leaves);
    this.badN = new Uint32Array(leaves);
    this.shares = new Float64Array(leaves).fill(1);
    this.slices = new SliceClock((opts.windowSec * 1000) / SLICES);
  }

  /** Whether to send `leaf` a request at `nowMs`: always at a share of 1, else a draw against it. */
  admit(leaf: number, nowMs: number): boolean {
    const n = this.slices.passed(nowMs);
    if (n > 0) this.roll(n);
    const share = this.shares[leaf]!;
    return share >= 1 || this.draw() < share;
  }

  /** The share of requests `leaf` is sent now. */
  share(leaf: number): number {
    return this.shares[leaf]!;
  }

  observe(leaf: number, outcome: OutcomeCode, nowMs: number): void {
    const n = this.slices.passed(nowMs);
    if (n > 0) this.roll(n);
    const i = leaf * SLOTS + this.slot;
    this.settled[i]!++;
    if (outcome === Outcome.TIMED_OUT || outcome === Outcome.INVALID || outcome === Outcome.LOST) this.bad[i]!++;
  }

  private roll(n: number): void {
    const { maxTimeoutRate, minShare } = this.opts;
    for (let k = 0; k < Math.min(n, SLOTS); k++) {
      const filled = this.slot;
      const oldest = (filled + 1) % SLOTS;
      for (let leaf = 0; leaf < this.leaves; leaf++) {
        const f = leaf * SLOTS + filled;
        const o = leaf * SLOTS + oldest;
        this.settledN[leaf] = this.settledN[leaf]! + this.settled[f]! - this.settled[o]!;
        this.badN[leaf] = this.badN[leaf]! + this.bad[f]! - this.bad[o]!;
        this.settled[o] = 0;
        this.bad[o] = 0;
      }
      this.slot = oldest;
    }
    // One step per roll however many slices passed: a leaf idle for a while moves no faster.
    for (let leaf = 0; leaf < this.leaves; leaf++) {
      const settled = this.settledN[leaf]!;
      const share = this.shares[leaf]!;
      if (settled < MIN_SETTLED) {
        // Too few to judge a rate, but a throttled leaf at a low rate may never again settle
        // MIN_SETTLED in a window (rate × window × minShare): with nothing bad among them it climbs.
        if (share < 1 && this.badN[leaf] === 0) this.shares[leaf] = Math.min(1, share / STEP);
        continue;
      }
      this.shares[leaf] =
        this.badN[leaf]! > maxTimeoutRate * settled ? Math.max(minShare, share * STEP) : Math.min(1, share / STEP);
    }
  }
}
