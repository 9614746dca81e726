import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, mmcK, mmcMeanResponse } from './queueing.js';

describe('M/M/c closed forms', () => {
  it('Erlang B matches the tables and its defining sum', () => {
    // a^c/c! / sum_{k<=c} a^k/k!
    const direct = (c: number, a: number): number => {
      let term = 1;
      let sum = 1;
      for (let k = 1; k <= c; k++) sum += term *= a / k;
      return term / sum;
    };
    expect(erlangB(10, 5)).toBeCloseTo(0.018385, 5);
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 12);
    for (const [c, a] of [
      [2, 1],
      [4, 3.6],
      [30, 20],
    ] as const) {
      expect(erlangB(c, a)).toBeCloseTo(direct(c, a), 12);
    }
  });

  it('Erlang C is ρ for one server, 1/3 for two at a = 1, and refuses ρ >= 1', () => {
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 12);
    expect(erlangC(1, 0.9)).toBeCloseTo(0.9, 12);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // c = 4, a = 2: p0 = 3/23, C = (a^c/c!) (c/(c-a)) p0 = 4/23.
    expect(erlangC(4, 2)).toBeCloseTo(4 / 23, 12);
    expect(() => erlangC(4, 4)).toThrow(RangeError);
  });

  it('the mean response of M/M/1 is 1/(μ − λ), and M/M/c tends to the service time when lightly loaded', () => {
    expect(mmcMeanResponse(0.9, 1, 1)).toBeCloseTo(10, 10);
    expect(mmcMeanResponse(0.5, 2, 1)).toBeCloseTo(1 / 1.5, 10);
    expect(mmcMeanResponse(1e-9, 1, 4)).toBeCloseTo(1, 8);
  });

  it('M/M/c/K: K = c is Erlang B, K → ∞ is M/M/c, and M/M/1/K refuses (1 − ρ)ρ^K / (1 − ρ^(K+1))', () => {
    expect(mmcK(3, 1, 4, 4).refused).toBeCloseTo(erlangB(4, 3), 12);
    expect(mmcK(3, 1, 4, 4).waiting).toBe(0);
    const big = mmcK(3.6, 1, 4, 5000);
    expect(big.refused).toBeLessThan(1e-12);
    expect(big.waiting).toBeCloseTo(erlangC(4, 3.6), 10);
    expect(big.meanResponse).toBeCloseTo(mmcMeanResponse(3.6, 1, 4), 8);
    for (const [rho, k] of [
      [0.5, 3],
      [0.9, 3],
      [1.5, 5],
    ] as const) {
      expect(mmcK(rho, 1, 1, k).refused).toBeCloseTo(((1 - rho) * rho ** k) / (1 - rho ** (k + 1)), 12);
    }
    // M/M/1/2 at λ = μ = 1: p = 1/3 each; admitted wait with p1 / (1 − p2) = 1/2; L = 1, λ_eff = 2/3.
    expect(mmcK(1, 1, 1, 2)).toEqual({
      refused: expect.closeTo(1 / 3, 12) as number,
      waiting: expect.closeTo(1 / 2, 12) as number,
      meanResponse: expect.closeTo(1.5, 12) as number,
    });
  });

  it('stays finite where the terms would overflow a double', () => {
    const r = mmcK(5000, 1, 4000, 4500);
    expect(Number.isFinite(r.refused) && r.refused > 0 && r.refused < 1).toBe(true);
    expect(Number.isFinite(r.meanResponse)).toBe(true);
  });
});
