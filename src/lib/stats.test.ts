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
  it('is p ± z·sqrt(p(1−p)/n), clipped', () => {
    const i = quantileRankInterval(0.99, 10_000);
    expect(i.lo).toBeCloseTo(0.99 - 1.96 * Math.sqrt(0.0099 / 10_000), 5);
    expect(i.hi).toBeCloseTo(0.99 + 1.96 * Math.sqrt(0.0099 / 10_000), 5);
    expect(quantileRankInterval(0.999, 10).hi).toBe(1);
    expect(quantileRankInterval(0.5, 0)).toEqual({ lo: 0, hi: 1 });
  });
});

describe('overlaps', () => {
  it('is true when the intervals share a point, false when apart', () => {
    expect(overlaps({ lo: 0, hi: 1 }, { lo: 1, hi: 2 })).toBe(true);
    expect(overlaps({ lo: 0, hi: 1 }, { lo: 1.01, hi: 2 })).toBe(false);
    expect(overlaps({ lo: 3, hi: 4 }, { lo: 0, hi: 10 })).toBe(true);
  });
});
