import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overlaps, quantileRankInterval, wilson } from './stats.js';

describe('wilson', () => {
  it('matches the textbook values', () => {
    // 10 of 100 at 95%: 0.0552 … 0.1744 (Wilson 1927; e.g. Newcombe 1998, table I).
    const a = wilson(10, 100);
    expect(a.lo).toBeCloseTo(0.0552, 4);
    expect(a.hi).toBeCloseTo(0.1744, 4);
    // 0 of 50: the lower end is 0 and the upper is not (the normal interval would be [0, 0]).
    const b = wilson(0, 50);
    expect(b.lo).toBe(0);
    expect(b.hi).toBeCloseTo(0.0713, 4);
  });

  it('contains the observed rate, stays in [0, 1], and narrows as n grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const k = Math.round(f * n);
        const i = wilson(k, n);
        const narrower = wilson(k * 4, n * 4);
        return (
          i.lo >= 0 &&
          i.hi <= 1 &&
          i.lo <= k / n + 1e-12 &&
          i.hi >= k / n - 1e-12 &&
          narrower.hi - narrower.lo <= i.hi - i.lo + 1e-12
        );
      }),
    );
  });

  it('knows nothing from no trials', () => {
    expect(wilson(0, 0)).toEqual({ lo: 0, hi: 1 });
  });
});

describe('quantileRankInterval', () => {
  it('gives the binomial ranks of the order statistics that bound the quantile', () => {
    // 30th percentile of 100 values: X(21) … X(40), exact (n·p·(1−p) = 21).
    const small = quantileRankInterval(0.3, 100);
    expect([small.lo * 100, small.hi * 100].map((x) => Math.round(x))).toEqual([21, 40]);
    // p99 of 10,000 (n·p·(1−p) = 99): the normal ranks 9,880 and 9,921.
    const large = quantileRankInterval(0.99, 10_000);
    expect([large.lo * 10_000, large.hi * 10_000].map((x) => Math.round(x))).toEqual([9880, 9921]);
  });

  it('mirrors: the p and 1 − p quantiles take ranks l ↔ n + 1 − u', () => {
    for (const [n, p] of [
      [100, 0.3],
      [60, 0.2],
      [500, 0.01],
    ] as const) {
      const lower = quantileRankInterval(p, n);
      const upper = quantileRankInterval(1 - p, n);
      expect(Math.round(upper.lo * n)).toBe(n + 1 - Math.round(lower.hi * n));
      expect(Math.round(upper.hi * n)).toBe(n + 1 - Math.round(lower.lo * n));
    }
  });

  it('opens upward where the run has too few values past the quantile', () => {
    expect(quantileRankInterval(0.999, 1_486).hi).toBe(Infinity);
    expect(quantileRankInterval(0.999, 1_486).lo).toBeGreaterThan(0.99);
    expect(quantileRankInterval(0.5, 0)).toEqual({ lo: 0, hi: Infinity });
  });
});

describe('overlaps', () => {
  it('is true when the intervals share a point, false when apart', () => {
    expect(overlaps({ lo: 0, hi: 1 }, { lo: 1, hi: 2 })).toBe(true);
    expect(overlaps({ lo: 0, hi: 1 }, { lo: 1.01, hi: 2 })).toBe(false);
    expect(overlaps({ lo: 3, hi: 4 }, { lo: 0, hi: 10 })).toBe(true);
  });
});
