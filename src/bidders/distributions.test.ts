import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normCdf, normInv, normInvFast, normPdf, Z_99 } from './distributions.js';

// Reference values from Python's math.erfc and statistics.NormalDist (double precision).
const CDF_REFERENCE: Array<[number, number]> = [
  [0, 0.5],
  [0.5, 0.6914624612740131],
  [-1.5, 0.06680720126885809],
  [1.96, 0.9750021048517795],
  [3, 0.9986501019683699],
  [-3, 0.0013498980316300957],
  [5, 0.9999997133484281],
  [-5, 2.866515718791946e-7],
  [-10, 7.619853024160593e-24],
  [-20, 2.7536241186063314e-89],
];

const INV_REFERENCE: Array<[number, number]> = [
  [0.5, 0],
  [0.975, 1.9599639845400536],
  [0.99, 2.3263478740408408],
  [0.999, 3.090232306167813],
  [0.01, -2.3263478740408408],
  [1e-10, -6.361340902404056],
  [1e-300, -37.0470962993612],
];

function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

describe('normCdf', () => {
  it.each(CDF_REFERENCE)('Phi(%d) matches the reference to 1e-12 relative', (x, expected) => {
    expect(relativeError(normCdf(x), expected)).toBeLessThan(1e-12);
  });

  it('is continuous where the series hands over to the continued fraction', () => {
    expect(Math.abs(normCdf(3 - 1e-12) - normCdf(3 + 1e-12))).toBeLessThan(1e-14);
    expect(Math.abs(normCdf(-3 - 1e-12) - normCdf(-3 + 1e-12))).toBeLessThan(1e-14);
  });

  it('handles infinities and NaN', () => {
    expect(normCdf(Infinity)).toBe(1);
    expect(normCdf(-Infinity)).toBe(0);
    expect(normCdf(NaN)).toBeNaN();
  });

  it('is symmetric: Phi(x) + Phi(-x) = 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (x) => {
        expect(Math.abs(normCdf(x) + normCdf(-x) - 1)).toBeLessThan(1e-15);
      }),
    );
  });

  it('is non-decreasing', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (x, d) => {
        expect(normCdf(x + d)).toBeGreaterThanOrEqual(normCdf(x));
      }),
    );
  });

  it('has the density as its derivative', () => {
    for (const x of [-4, -1, 0, 0.7, 2.5, 3.5]) {
      const h = 1e-5;
      const slope = (normCdf(x + h) - normCdf(x - h)) / (2 * h);
      expect(relativeError(slope, normPdf(x))).toBeLessThan(1e-6);
    }
  });
});

describe('normInv', () => {
  it.each(INV_REFERENCE)('Phi^-1(%d) matches the reference to 1e-12', (p, expected) => {
    expect(Math.abs(normInv(p) - expected)).toBeLessThan(1e-12 * Math.max(1, Math.abs(expected)));
  });

  it('is infinite at 0 and 1 and NaN outside [0, 1]', () => {
    expect(normInv(0)).toBe(-Infinity);
    expect(normInv(1)).toBe(Infinity);
    expect(normInv(-0.1)).toBeNaN();
    expect(normInv(1.1)).toBeNaN();
  });

  it('inverts normCdf to ~1e-9: Phi(Phi^-1(p)) = p', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        const back = normCdf(normInv(p));
        expect(Math.abs(back - p)).toBeLessThanOrEqual(1e-9 * Math.min(p, 1 - p) + 1e-15);
      }),
    );
  });

  it('the unrefined Acklam approximation stays within its 1.15e-9 relative bound', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        const exact = normInv(p);
        expect(Math.abs(normInvFast(p) - exact)).toBeLessThanOrEqual(1.2e-9 * Math.abs(exact) + 1e-15);
      }),
    );
  });

  it('exports z_0.99', () => {
    expect(Math.abs(Z_99 - 2.3263478740408408)).toBeLessThan(1e-13);
  });
});

describe('normInv at the edge of double precision', () => {
  it('stays finite and ordered for the smallest positive p', () => {
    expect(Number.isFinite(normInv(Number.MIN_VALUE))).toBe(true);
    expect(normInv(Number.MIN_VALUE)).toBeLessThan(normInv(1e-300));
  });
});
