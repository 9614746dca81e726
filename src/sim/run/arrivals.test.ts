import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { arrivalSchedule, segmentArrivals } from './arrivals.js';
import type { LoadSpec } from '../scenario/schema.js';

function load(over: Partial<LoadSpec>): LoadSpec {
  return { arrival: 'poisson', rate: 100, durationSec: 1, auctions: null, warmupSec: 0, ...over };
}

function drain(spec: LoadSpec, seed = 'x'): number[] {
  const schedule = arrivalSchedule(spec, seedrandom(seed));
  const out: number[] = [];
  for (let t = schedule.next(); t !== null; t = schedule.next()) out.push(t);
  return out;
}

function gaps(times: number[]): number[] {
  return times.map((t, i) => t - (i === 0 ? 0 : (times[i - 1] as number)));
}

describe('poisson arrivals', () => {
  it('count in T seconds is within 4 standard errors of rate * T', () => {
    // The count is Poisson(λT), so its standard deviation is √(λT).
    for (const [rate, durationSec] of [
      [1000, 10],
      [200, 5],
      [50, 20],
    ] as const) {
      for (const seed of ['1', '2', '3']) {
        const expected = rate * durationSec;
        const count = drain(load({ rate, durationSec }), seed).length;
        expect(Math.abs(count - expected)).toBeLessThan(4 * Math.sqrt(expected));
      }
    }
  });

  it('gaps are exponential: mean 1000/rate and coefficient of variation near 1', () => {
    const g = gaps(drain(load({ rate: 500, durationSec: 40 })));
    const n = g.length;
    const mean = g.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(g.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    // Mean of n exponential gaps has standard error mean/√n; the CV's is about 1/√n.
    expect(Math.abs(mean - 2)).toBeLessThan((4 * 2) / Math.sqrt(n));
    expect(Math.abs(sd / mean - 1)).toBeLessThan(4 / Math.sqrt(n));
    expect(g.every((x) => x >= 0)).toBe(true);
  });

  it('times are increasing and inside the run', () => {
    const times = drain(load({ rate: 300, durationSec: 2 }));
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
    expect(Math.max(...times)).toBeLessThan(2000);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(drain(load({}), 's')).toEqual(drain(load({}), 's'));
    expect(drain(load({}), 's')).not.toEqual(drain(load({}), 't'));
  });
});

describe('constant arrivals', () => {
  it('are exactly 1000/rate apart from 0', () => {
    const times = drain(load({ arrival: 'constant', rate: 200, durationSec: 5 }));
    expect(times).toHaveLength(1000);
    expect(times.slice(0, 3)).toEqual([0, 5, 10]);
    expect(
      gaps(times)
        .slice(1)
        .every((g) => Math.abs(g - 5) < 1e-9),
    ).toBe(true);
  });

  it('do not drift over a long run', () => {
    const times = drain(load({ arrival: 'constant', rate: 3, durationSec: 1000 }));
    expect(times).toHaveLength(3000);
    expect(times[2999]).toBeCloseTo((2999 * 1000) / 3, 9);
  });

  it('use no randomness', () => {
    let draws = 0;
    const schedule = arrivalSchedule(load({ arrival: 'constant' }), () => (draws++, 0.5));
    while (schedule.next() !== null);
    expect(draws).toBe(0);
  });
});

describe('ending', () => {
  it('honours an auctions count whatever the rate', () => {
    expect(drain(load({ durationSec: null, auctions: 17 }))).toHaveLength(17);
    expect(drain(load({ arrival: 'constant', durationSec: null, auctions: 17, rate: 1 }))).toHaveLength(17);
  });

  it('stays ended', () => {
    const schedule = arrivalSchedule(load({ durationSec: null, auctions: 1 }), seedrandom('e'));
    expect(schedule.next()).not.toBeNull();
    expect(schedule.next()).toBeNull();
    expect(schedule.next()).toBeNull();
  });

  it('runs on without a duration or a count', () => {
    const schedule = arrivalSchedule(load({ durationSec: null, rate: 1e6 }), seedrandom('e'));
    for (let i = 0; i < 10_000; i++) expect(schedule.next()).not.toBeNull();
  });
});

describe('segments', () => {
  const stripes = (spec: LoadSpec, n: number, seed = 's'): number[][] =>
    Array.from({ length: n }, (_, index) => {
      const s = segmentArrivals(arrivalSchedule(spec, seedrandom(seed)), { index, count: n });
      const out: number[] = [];
      for (let t = s.next(); t !== null; t = s.next()) out.push(t);
      return out;
    });

  it("n segments' arrivals together are exactly the whole run's, striped k mod n", () => {
    for (const [spec, n] of [
      [load({ rate: 333, durationSec: 3 }), 3],
      [load({ rate: 97, durationSec: 2.5, arrival: 'constant' }), 7],
      [load({ rate: 10, durationSec: null, auctions: 23 }), 4],
      [load({ rate: 1000, durationSec: 1 }), 1],
    ] as const) {
      const whole = drain(spec, 's');
      const parts = stripes(spec, n);
      expect(parts.flat().sort((a, b) => a - b)).toEqual(whole);
      parts.forEach((part, i) => {
        expect(part).toEqual(whole.filter((_, k) => k % n === i));
        // Of N arrivals, segment i keeps ceil((N - i) / n): within one of N / n.
        expect(part.length).toBe(Math.ceil((whole.length - i) / n));
      });
    }
  });

  it('counts and warm-ups add up for an odd n and a rate that does not divide', () => {
    const spec = load({ rate: 101, durationSec: 3, warmupSec: 1, arrival: 'constant' });
    const whole = drain(spec);
    const warm = (ts: number[]): number => ts.filter((t) => t < 1000).length;
    const parts = stripes(spec, 5);
    expect(parts.reduce((t, p) => t + p.length, 0)).toBe(whole.length);
    expect(parts.reduce((t, p) => t + warm(p), 0)).toBe(warm(whole));
    expect(warm(whole)).toBe(101);
  });

  it('calls onSkip once for every arrival left to the other segments', () => {
    const spec = load({ rate: 50, durationSec: 2 });
    let skipped = 0;
    const s = segmentArrivals(arrivalSchedule(spec, seedrandom('x')), { index: 1, count: 3 }, () => skipped++);
    let kept = 0;
    while (s.next() !== null) kept++;
    expect(kept + skipped).toBe(drain(spec).length);
    expect(kept).toBe(Math.ceil((drain(spec).length - 1) / 3));
  });
});
