// bench/load-search.ts's steps, without running a rig: how the next rate follows from a run's
// utilisation, and which run stands for the target.

import { describe, expect, it } from 'vitest';
import { nearest, nextRate } from '../bench/load-search.js';

describe('nextRate', () => {
  it('scales the rate by target / measured, within a factor of 4 and the cap', () => {
    expect(nextRate(1000, 0.25, 0.5, 10_000)).toBe(2000);
    expect(nextRate(1000, 0.6, 0.5, 10_000)).toBe(833);
    expect(nextRate(1000, 0.05, 0.9, 10_000)).toBe(4000);
    expect(nextRate(1000, 0, 0.9, 10_000)).toBe(4000);
    expect(nextRate(1000, 0.3, 0.9, 1500)).toBe(1500);
  });

  it('backs off from a saturated loop, whose figure says nothing of the rate', () => {
    expect(nextRate(5000, 1, 0.9, 10_000)).toBe(3000);
    expect(nextRate(5000, 0.98, 0.5, 10_000)).toBe(3000);
  });
});

describe('nearest', () => {
  it('takes the run nearest the target, the lower rate on a tie', () => {
    const runs = [
      { rate: 900, utilisation: 0.3 },
      { rate: 1800, utilisation: 0.55 },
      { rate: 1500, utilisation: 0.45 },
    ];
    expect(nearest(runs, 0.5)).toEqual({ rate: 1500, utilisation: 0.45 });
    expect(nearest(runs, 0.9)).toEqual({ rate: 1800, utilisation: 0.55 });
  });
});
