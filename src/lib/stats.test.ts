import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanInterval, overlaps, quantileRankInterval, studentTCdf, studentTQuantile, wilson } from './stats.js';

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

describe('studentTQuantile', () => {
  it("matches the textbook 97.5% points, and the normal's as df grows", () => {
    // Student (1908) / any t table: df 1 12.7062, 2 4.3027, 3 3.1824, 5 2.5706, 10 2.2281, 30 2.0423.
    const table: [number, number][] = [
      [1, 12.706205],
      [2, 4.302653],
      [3, 3.182446],
      [5, 2.570582],
      [10, 2.228139],
      [30, 2.042272],
    ];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 5);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 4);
    // df 1 is the Cauchy distribution, whose quantile is tan(π(q − ½)) exactly.
    expect(studentTQuantile(0.9, 1)).toBeCloseTo(Math.tan(Math.PI * 0.4), 8);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776445, 5);
  });

  it('inverts the cdf everywhere', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 500 }), (q, df) => {
        return Math.abs(studentTCdf(studentTQuantile(q, df), df) - q) < 1e-9;
      }),
    );
  });
});

describe('meanInterval', () => {
  it('is the mean ± t · s / √n', () => {
    // 1, 2, 3: mean 2, s 1, so ± 4.302653 / √3 = 2.484138.
    const i = meanInterval([1, 2, 3]);
    expect(i.mean).toBe(2);
    expect(i.lo).toBeCloseTo(2 - 2.484138, 5);
    expect(i.hi).toBeCloseTo(2 + 2.484138, 5);
    expect(i.n).toBe(3);
  });

  it('is the value alone for one value, and narrows as agreeing values are added', () => {
    expect(meanInterval([5])).toEqual({ mean: 5, lo: 5, hi: 5, n: 1 });
    const few = meanInterval([1, 3]);
    const more = meanInterval([1, 3, 1, 3, 1, 3]);
    expect(more.hi - more.lo).toBeLessThan(few.hi - few.lo);
    expect(few.lo).toBeLessThan(1);
  });
});
