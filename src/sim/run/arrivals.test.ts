import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { arrivalSchedule, segmentArrivals } from './arrivals.js';
import type { LoadSpec } from '../scenario/schema.js';

function load(over: Partial<LoadSpec>): LoadSpec {
  return { arrival: 'poisson', rate: 100, durationSec: 1, auctions: null, warmupSec: 0, ...over };
}

function drain(spec: LoadSpec, seed = 'x', trace?: Float64Array): number[] {
  const schedule = arrivalSchedule(spec, seedrandom(seed), trace);
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

/** Arrivals per window of `windowMs` over [0, endMs). */
function counts(times: number[], windowMs: number, endMs: number): number[] {
  const out = new Array<number>(Math.floor(endMs / windowMs)).fill(0);
  for (const t of times) {
    const i = Math.floor(t / windowMs);
    if (i < out.length) out[i] = (out[i] as number) + 1;
  }
  return out;
}

function meanVar(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) };
}

describe('bursty arrivals (a two-state MMPP)', () => {
  // λ_H, λ_L per second; sojourn means m_H, m_L seconds, so the switching rates are r_H = 1/m_H, r_L = 1/m_L.
  const bursty = { highRate: 1500, lowRate: 300, highMeanSec: 0.2, lowMeanSec: 0.8 };
  const lH = bursty.highRate;
  const lL = bursty.lowRate;
  const rH = 1 / bursty.highMeanSec;
  const rL = 1 / bursty.lowMeanSec;
  const a = rH + rL;
  /** Long-run rate: each state's rate by its share of time, m_H / (m_H + m_L) and m_L / (m_H + m_L). */
  const mean = (lH * rL + lL * rH) / a;
  /**
   * Index of dispersion of counts over a window of T seconds, Var N(T) / E N(T), for a stationary
   * two-state MMPP: 1 + 2 r_H r_L (λ_H − λ_L)² / (a³ λ̄) · (1 − (1 − e^{−aT}) / (aT)).
   */
  const idc = (T: number): number =>
    1 + ((2 * rH * rL * (lH - lL) ** 2) / (a ** 3 * mean)) * (1 - (1 - Math.exp(-a * T)) / (a * T));

  it('has the long-run mean rate (λ_H m_H + λ_L m_L) / (m_H + m_L), within 4 standard errors', () => {
    expect(mean).toBeCloseTo(540, 9);
    const T = 2000;
    for (const seed of ['1', '2', '3']) {
      const n = drain(load({ arrival: 'bursty', bursty, durationSec: T }), seed).length;
      // Var N(T) = λ̄ T · IDC(T) for the whole run.
      const se = Math.sqrt(mean * T * idc(T));
      expect(Math.abs(n - mean * T)).toBeLessThan(4 * se);
    }
  });

  it('counts are over-dispersed as theory says: the index of dispersion over 1 s windows near its closed form', () => {
    const T = 4000;
    const times = drain(load({ arrival: 'bursty', bursty, durationSec: T }), '7');
    for (const w of [0.1, 1]) {
      const { mean: m, variance } = meanVar(counts(times, w * 1000, T * 1000));
      const measured = variance / m;
      expect(idc(w)).toBeGreaterThan(5);
      // Windows are correlated, so the estimate is rough: within 20% of the closed form.
      expect(Math.abs(measured / idc(w) - 1)).toBeLessThan(0.2);
    }
  });

  it('plain poisson counts are not over-dispersed (index near 1, within 4 standard errors)', () => {
    const times = drain(load({ rate: 500, durationSec: 2000 }), '7');
    const windows = counts(times, 1000, 2000_000);
    const { mean: m, variance } = meanVar(windows);
    // The sample variance of n Poisson counts has relative standard error about √(2/n).
    expect(Math.abs(variance / m - 1)).toBeLessThan(4 * Math.sqrt(2 / windows.length));
  });

  it('is seeded: the same seed gives the same times, another seed others', () => {
    const spec = load({ arrival: 'bursty', bursty, durationSec: 5 });
    expect(drain(spec, 's')).toEqual(drain(spec, 's'));
    expect(drain(spec, 's')).not.toEqual(drain(spec, 't'));
  });
});

describe('profiles (rate multipliers over equal slices)', () => {
  it('poisson: each slice counts rate × multiplier × its length, within 4 standard errors', () => {
    const profile = [0.5, 1, 3, 1, 0.2];
    const T = 50;
    const times = drain(load({ rate: 400, durationSec: T, profile }), 'p');
    const perSlice = counts(times, (T * 1000) / profile.length, T * 1000);
    profile.forEach((m, i) => {
      const expected = 400 * m * (T / profile.length);
      expect(Math.abs((perSlice[i] as number) - expected)).toBeLessThan(4 * Math.sqrt(expected));
    });
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
  });

  it('constant: exactly rate × multiplier per slice, evenly spaced from each slice start', () => {
    const times = drain(load({ arrival: 'constant', rate: 100, durationSec: 3, profile: [1, 2, 0.5] }));
    expect(counts(times, 1000, 3000)).toEqual([100, 200, 50]);
    expect(times[100]).toBe(1000);
    expect((times[101] as number) - (times[100] as number)).toBeCloseTo(5, 9);
    expect(times[300]).toBe(2000);
  });

  it('bursty: the profile multiplies both states, so each slice has λ̄ × multiplier', () => {
    const bursty = { highRate: 800, lowRate: 200, highMeanSec: 0.05, lowMeanSec: 0.05 };
    const T = 400;
    const times = drain(load({ arrival: 'bursty', bursty, durationSec: T, profile: [0.25, 1] }), 'b');
    const perSlice = counts(times, (T * 1000) / 2, T * 1000);
    // λ̄ = 500/s; with sojourns this short the count's variance is a few times its mean: 6 sd of Poisson holds.
    for (const [i, m] of [0.25, 1].entries()) {
      const expected = 500 * m * (T / 2);
      expect(Math.abs((perSlice[i] as number) - expected)).toBeLessThan(6 * Math.sqrt(3 * expected));
    }
  });

  it('a profile of ones is the flat process, draw for draw', () => {
    expect(drain(load({ rate: 300, durationSec: 3, profile: [1, 1, 1] }), 'q')).toEqual(
      drain(load({ rate: 300, durationSec: 3 }), 'q'),
    );
  });
});

describe('poisson without a profile', () => {
  it('draws as it always has: t_k = t_{k-1} − ln(1 − u_k) · 1000 / rate', () => {
    const rng = seedrandom('old');
    const expected: number[] = [];
    for (let t = 0; ;) {
      t += -Math.log(1 - rng()) * (1000 / 250);
      if (t >= 2000) break;
      expected.push(t);
    }
    expect(drain(load({ rate: 250, durationSec: 2 }), 'old')).toEqual(expected);
  });
});

describe('trace arrivals', () => {
  const offsets = Float64Array.from([0, 0.5, 0.5, 7, 7.25, 100, 999.999, 1000, 2500]);

  it('replays the offsets exactly, ties included, up to the run’s end', () => {
    expect(drain(load({ arrival: 'trace', durationSec: 1 }), 'x', offsets)).toEqual([
      0, 0.5, 0.5, 7, 7.25, 100, 999.999,
    ]);
    expect(drain(load({ arrival: 'trace', durationSec: 10 }), 'x', offsets)).toEqual([...offsets]);
  });

  it('stops after an auctions count, and when the trace ends', () => {
    expect(drain(load({ arrival: 'trace', durationSec: null, auctions: 3 }), 'x', offsets)).toEqual([0, 0.5, 0.5]);
    expect(drain(load({ arrival: 'trace', durationSec: null, auctions: 100 }), 'x', offsets)).toHaveLength(9);
  });

  it('uses no randomness', () => {
    let draws = 0;
    const schedule = arrivalSchedule(load({ arrival: 'trace', durationSec: 10 }), () => (draws++, 0.5), offsets);
    while (schedule.next() !== null);
    expect(draws).toBe(0);
  });
});

describe('the index of each arrival', () => {
  it('counts from 0 in the whole stream, so a stripe filter can wrap the schedule', () => {
    const spec = load({
      arrival: 'bursty',
      bursty: { highRate: 900, lowRate: 100, highMeanSec: 0.1, lowMeanSec: 0.3 },
    });
    const all = drain(spec, 'i');
    const schedule = arrivalSchedule(spec, seedrandom('i'));
    expect(schedule.index).toBe(-1);
    // Segment 1 of 3: every third arrival, starting with the second.
    const stripe: number[] = [];
    for (let t = schedule.next(); t !== null; t = schedule.next()) if (schedule.index % 3 === 1) stripe.push(t);
    expect(stripe).toEqual(all.filter((_, i) => i % 3 === 1));
    expect(schedule.index).toBe(all.length - 1);
  });

  it('a segment of bursty arrivals keeps its stripe, each with its index in the whole stream', () => {
    const spec = load({
      arrival: 'bursty',
      durationSec: 5,
      bursty: { highRate: 900, lowRate: 100, highMeanSec: 0.1, lowMeanSec: 0.3 },
    });
    const all = drain(spec, 'i');
    const s = segmentArrivals(arrivalSchedule(spec, seedrandom('i')), { index: 2, count: 4 });
    const kept: [number, number][] = [];
    for (let t = s.next(); t !== null; t = s.next()) kept.push([s.index, t]);
    expect(kept).toEqual(all.flatMap((t, i) => (i % 4 === 2 ? [[i, t]] : [])));
  });
});
