import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { Outcome } from '../outcome.js';
import { drive, type SentRecord } from '../../../test/helpers/policy-drive.js';
import { PolicySet } from './policy-set.js';
import { Throttle } from './throttle.js';

const THROTTLE = { maxTimeoutRate: 0.1, windowSec: 5, minShare: 0.1 };

function throttleOnly(draw: () => number, leaves = 1): PolicySet {
  return new PolicySet({ leaves, tmaxMs: 100, adaptive: null, throttle: THROTTLE, qps: null, draw });
}

/** The share of requests sent in [fromMs, toMs). */
function sentShare(records: SentRecord[], fromMs: number, toMs: number, leaf = 0): number {
  const inSpan = records.filter((r) => r.leaf === leaf && r.atMs >= fromMs && r.atMs < toMs);
  return inSpan.filter((r) => r.notSent === null).length / inSpan.length;
}

describe('throttling', () => {
  it('sends a leaf timing out half its requests minShare within the window, and all again once healthy', () => {
    const policy = throttleOnly(seedrandom.alea('throttle'));
    const healthyFrom = 30_000;
    const rng = seedrandom.alea('leaf');
    const shares = new Map<number, number>();
    const records = drive(policy, {
      leaves: 1,
      rate: 200,
      untilMs: 60_000,
      staticMs: 100,
      behaviour: (_leaf, at) => (at < healthyFrom && rng() < 0.5 ? 'never' : { ms: 20, outcome: Outcome.ON_TIME }),
      onTick: (t) => {
        if (t % 500 === 0) shares.set(t, policy.throttle!.share(0));
      },
    });
    // Down to minShare within one window (5 s) of the start, and held there while unhealthy.
    expect(shares.get(5000)).toBe(0.1);
    for (let t = 5000; t < healthyFrom; t += 500) expect(shares.get(t)).toBe(0.1);
    // What was sent matches: about a tenth of 200/s over 20 s (4,000 requests, sd about 19).
    expect(sentShare(records, 10_000, healthyFrom)).toBeGreaterThan(0.085);
    expect(sentShare(records, 10_000, healthyFrom)).toBeLessThan(0.115);
    expect(records.filter((r) => r.notSent !== null).every((r) => r.notSent === 'throttled')).toBe(true);
    // Healthy from 30 s: the window's rate falls within the limit, the share climbs back to 1 and stays.
    expect(shares.get(healthyFrom + 500)).toBe(0.1);
    expect(shares.get(healthyFrom + 2 * 5000)).toBe(1);
    expect(sentShare(records, healthyFrom + 2 * 5000, 60_000)).toBe(1);
  });

  it('lets a leaf throttled at a low rate climb back once healthy, with too few requests to judge', () => {
    // 10/s, a 5 s window and minShare 0.1: throttled, the leaf settles about 5 a window, fewer than
    // MIN_SETTLED, so a rule that waited for MIN_SETTLED would hold it at minShare for ever.
    const policy = throttleOnly(seedrandom.alea('low-rate'));
    const healthyFrom = 30_000;
    const shares = new Map<number, number>();
    drive(policy, {
      leaves: 1,
      rate: 10,
      untilMs: 90_000,
      staticMs: 100,
      behaviour: (_leaf, at) => (at < healthyFrom ? 'never' : { ms: 20, outcome: Outcome.ON_TIME }),
      onTick: (t) => {
        if (t % 500 === 0) shares.set(t, policy.throttle!.share(0));
      },
    });
    expect(shares.get(healthyFrom)).toBe(0.1);
    // Within two windows of the last timeout leaving the window, sent everything again.
    expect(shares.get(healthyFrom + 3 * 5000)).toBe(1);
    expect(shares.get(89_500)).toBe(1);
  });

  it('never throttles a healthy leaf, nor draws for it', () => {
    let draws = 0;
    const policy = throttleOnly(() => (draws++, 0.5), 2);
    const rng = seedrandom.alea('healthy');
    // 5% timeouts, half the limit; no-bids are answers, not errors.
    const records = drive(policy, {
      leaves: 2,
      rate: 200,
      untilMs: 30_000,
      staticMs: 100,
      behaviour: () => (rng() < 0.05 ? 'never' : { ms: 20, outcome: Outcome.NO_BID }),
    });
    expect(records.every((r) => r.notSent === null)).toBe(true);
    expect(draws).toBe(0);
  });

  it('counts invalid and lost answers as errors', () => {
    for (const outcome of [Outcome.INVALID, Outcome.LOST]) {
      const t = new Throttle(1, THROTTLE, seedrandom.alea('e'));
      for (let ms = 0; ms < 10_000; ms += 5) {
        t.admit(0, ms);
        t.observe(0, ms % 10 === 0 ? outcome : Outcome.ON_TIME, ms + 1);
      }
      expect(t.share(0)).toBe(0.1);
    }
  });

  it('gives the same requests the same fate from the same seed', () => {
    const run = (): string => {
      const policy = throttleOnly(seedrandom.alea('same'));
      const rng = seedrandom.alea('leaf');
      const records = drive(policy, {
        leaves: 1,
        rate: 100,
        untilMs: 20_000,
        staticMs: 100,
        behaviour: () => (rng() < 0.5 ? 'never' : { ms: 20, outcome: Outcome.ON_TIME }),
      });
      return records.map((r) => (r.notSent === null ? '1' : '0')).join('');
    };
    const a = run();
    expect(a).toContain('0');
    expect(run()).toBe(a);
  });
});
