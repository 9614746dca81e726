import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { Outcome } from '../outcome.js';
import { drive, type LeafBehaviour } from '../../../test/helpers/policy-drive.js';
import { AdaptiveDeadlines, BUCKETS, minSamples } from './adaptive.js';
import { PolicySet } from './policy-set.js';

const ADAPTIVE = { quantile: 0.95, marginMs: 5, windowSec: 10, minMs: 10 };
const TMAX = 100;
/** The quantile reads as the top of its bucket: up to one bucket above the true one. */
const BUCKET_MS = TMAX / BUCKETS;

function adaptiveOnly(leaves = 1, opts = ADAPTIVE): PolicySet {
  return new PolicySet({ leaves, tmaxMs: TMAX, adaptive: opts, throttle: null, qps: null, draw: Math.random });
}

/** Uniform latency in [lo, hi) before `stepMs`, in [lo2, hi2) from then on, every answer a bid. */
function stepped(lo: number, hi: number, stepMs: number, lo2: number, hi2: number, seed = 'lat'): LeafBehaviour {
  const rng = seedrandom.alea(seed);
  return (_leaf, at) => {
    const [a, b] = at < stepMs ? [lo, hi] : [lo2, hi2];
    return { ms: a + (b - a) * rng(), outcome: Outcome.ON_TIME };
  };
}

/** One leaf at 200 requests/s until `untilMs`: the deadline it is given at each whole second. */
function deadlineEachSecond(behaviour: LeafBehaviour, untilMs: number): Map<number, number> {
  const policy = adaptiveOnly();
  const seen = new Map<number, number>();
  const onTick = (t: number): void => {
    if (t % 1000 === 0) seen.set(t, policy.deadlineMs(0, TMAX, t));
  };
  drive(policy, { leaves: 1, rate: 200, untilMs, staticMs: TMAX, behaviour, onTick });
  return seen;
}

describe('adaptive deadlines', () => {
  it('follows the quantile plus the margin, within a bucket', () => {
    const policy = adaptiveOnly();
    // Uniform 10-30 ms: the 0.95 quantile is 29 ms, so the deadline should settle at 34.
    drive(policy, {
      leaves: 1,
      rate: 200,
      untilMs: 15_000,
      staticMs: TMAX,
      behaviour: stepped(10, 30, Infinity, 0, 0),
    });
    const d = policy.deadlineMs(0, TMAX, 15_000);
    expect(d).toBeGreaterThanOrEqual(34 - 0.5);
    expect(d).toBeLessThanOrEqual(34 + BUCKET_MS + 0.5);
  });

  it('keeps the static deadline until the window holds enough answers', () => {
    const policy = adaptiveOnly();
    // 1 request/s: 10 in the window, fewer than the 40 a 0.95 quantile needs.
    expect(minSamples(0.95)).toBe(40);
    const sent = drive(policy, {
      leaves: 1,
      rate: 1,
      untilMs: 60_000,
      staticMs: 80,
      behaviour: stepped(10, 30, Infinity, 0, 0),
    });
    expect(sent.every((r) => r.deadlineMs === 80)).toBe(true);
  });

  it('never goes below minMs nor above the static deadline', () => {
    const fast = adaptiveOnly();
    // Answers in 1-2 ms: quantile + margin is about 7, below minMs 10.
    const a = drive(fast, {
      leaves: 1,
      rate: 200,
      untilMs: 20_000,
      staticMs: TMAX,
      behaviour: stepped(1, 2, Infinity, 0, 0),
    });
    expect(a.at(-1)!.deadlineMs).toBe(10);
    expect(Math.min(...a.map((r) => r.deadlineMs))).toBe(10);
    const slow = adaptiveOnly();
    // Answers in 40-60 ms against a static 50: the quantile lies past it, so the deadline stays 50.
    const b = drive(slow, {
      leaves: 1,
      rate: 200,
      untilMs: 20_000,
      staticMs: 50,
      behaviour: stepped(40, 60, Infinity, 0, 0),
    });
    expect(Math.max(...b.map((r) => r.deadlineMs))).toBe(50);
    expect(b.at(-1)!.deadlineMs).toBe(50);
  });

  it('tracks a step up in latency within one window, raising a deadline that timed out', () => {
    const step = 20_000;
    const seen = deadlineEachSecond(stepped(10, 30, step, 40, 60), 40_000);
    // Before: about 29 + 5. Just after, every answer (40-60 ms) times out at about 34: censored, so
    // the estimate cannot stay below them and the deadline goes back up.
    expect(seen.get(step)!).toBeLessThan(36);
    expect(seen.get(step + 2000)!).toBeGreaterThan(60);
    // One window after the step the window holds only the new latency: 0.95 quantile 59, plus 5.
    for (const t of [step + 10_000, step + 15_000, 40_000 - 1000]) {
      expect(seen.get(t)!).toBeGreaterThanOrEqual(64 - 0.5);
      expect(seen.get(t)!).toBeLessThanOrEqual(64 + BUCKET_MS + 0.5);
    }
  });

  it('tracks a step down in latency within one window', () => {
    const step = 20_000;
    const seen = deadlineEachSecond(stepped(40, 60, step, 10, 30), 35_000);
    expect(seen.get(step)!).toBeGreaterThan(63);
    expect(seen.get(step + 10_000)!).toBeGreaterThanOrEqual(34 - 0.5);
    expect(seen.get(step + 10_000)!).toBeLessThanOrEqual(34 + BUCKET_MS + 0.5);
  });

  it('estimates through censoring: a leaf timing out 3% at a fixed deadline keeps a quantile below it', () => {
    // 97% of answers in 10-30 ms, 3% never: the 0.95 quantile of what it does is about 29.6 ms.
    const rng = seedrandom.alea('censored');
    const policy = adaptiveOnly();
    drive(policy, {
      leaves: 1,
      rate: 200,
      untilMs: 15_000,
      staticMs: TMAX,
      behaviour: () => (rng() < 0.03 ? 'never' : { ms: 10 + 20 * rng(), outcome: Outcome.NO_BID }),
    });
    const d = policy.deadlineMs(0, TMAX, 15_000);
    expect(d).toBeGreaterThan(34);
    expect(d).toBeLessThan(36.5);
  });

  it('never sets a deadline at which the leaf would be skipped', () => {
    // Answers in 1-2 ms; this leaf is told its deadline less 5 and skipped under 10: floor 16.
    const policy = new PolicySet({
      leaves: 1,
      tmaxMs: TMAX,
      adaptive: { ...ADAPTIVE, floorMs: [16] },
      throttle: null,
      qps: null,
      draw: Math.random,
    });
    const a = drive(policy, {
      leaves: 1,
      rate: 200,
      untilMs: 20_000,
      staticMs: TMAX,
      behaviour: stepped(1, 2, Infinity, 0, 0),
    });
    expect(a.at(-1)!.deadlineMs).toBe(16);
  });

  it('learns each leaf on its own', () => {
    const policy = adaptiveOnly(2);
    const fast = stepped(10, 30, Infinity, 0, 0, 'a');
    const slow = stepped(40, 60, Infinity, 0, 0, 'b');
    drive(policy, {
      leaves: 2,
      rate: 200,
      untilMs: 15_000,
      staticMs: TMAX,
      behaviour: (leaf, at) => (leaf === 0 ? fast(leaf, at) : slow(leaf, at)),
    });
    expect(policy.deadlineMs(0, TMAX, 15_000)).toBeLessThan(36);
    expect(policy.deadlineMs(1, TMAX, 15_000)).toBeGreaterThan(63);
    expect(policy.adaptive!.current(1)).toBe(policy.deadlineMs(1, TMAX, 15_000));
  });

  it('ignores lost requests, which have no time to learn from', () => {
    const a = new AdaptiveDeadlines(1, TMAX, ADAPTIVE);
    for (let t = 0; t < 20_000; t += 5) a.observe(0, Outcome.LOST, NaN, t);
    expect(a.deadlineMs(0, TMAX, 20_000)).toBe(TMAX);
  });
});
