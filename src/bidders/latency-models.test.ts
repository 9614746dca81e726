import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import type { LatencySpec, Rng } from './config.js';
import { EMPIRICAL_FLOOR_FRACTION, latencyCdf, latencyQuantile, latencySampler } from './latency-models.js';

const N = 20_000;
const LEVELS = [0.1, 0.5, 0.9, 0.99];

/** A rng that counts its draws. */
function countingRng(seed: string): { rng: Rng; draws: () => number } {
  const inner = seedrandom(seed);
  let n = 0;
  return { rng: () => (n++, inner()), draws: () => n };
}

function draw(spec: LatencySpec, n: number, seed = 'latency-test'): number[] {
  const sample = latencySampler(spec);
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => sample(rng));
}

/** Share of samples <= x: the empirical cdf. */
function ecdf(samples: readonly number[], x: number): number {
  let k = 0;
  for (const s of samples) if (s <= x) k++;
  return k / samples.length;
}

const CONTINUOUS: Record<string, LatencySpec> = {
  uniform: { model: 'uniform', minMs: 5, maxMs: 40 },
  normal: { model: 'normal', meanMs: 30, sdMs: 8 },
  'normal truncated hard at 0': { model: 'normal', meanMs: 2, sdMs: 10 },
  lognormal: { model: 'lognormal', medianMs: 20, p99Ms: 80 },
  exponential: { model: 'exponential', meanMs: 25 },
  pareto: { model: 'pareto', minMs: 10, alpha: 2.5 },
  empirical: { model: 'empirical', p50: 12, p90: 30, p99: 80, p999: 200 },
  'empirical at other percentiles': { model: 'empirical', p25: 8, p75: 15, p95: 40, p9999: 400 },
  table: { model: 'table', q: [0, 0.5, 0.9, 0.999, 1], ms: [2, 10, 30, 90, 100] },
  mixture: {
    model: 'mixture',
    of: [
      { weight: 0.9, model: 'lognormal', medianMs: 20, p99Ms: 60 },
      { weight: 0.1, model: 'normal', meanMs: 200, sdMs: 20 },
    ],
  },
};

describe('latency samplers match their analytic quantiles', () => {
  for (const [name, spec] of Object.entries(CONTINUOUS)) {
    it(`${name}: the empirical cdf at each analytic quantile is within 4 standard errors of q`, () => {
      const samples = draw(spec, N);
      for (const q of LEVELS) {
        const tolerance = 4 * Math.sqrt((q * (1 - q)) / N);
        expect(Math.abs(ecdf(samples, latencyQuantile(spec, q)) - q), `q=${q}`).toBeLessThanOrEqual(tolerance);
      }
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    });
  }

  it('constant: every sample is the constant', () => {
    const samples = draw({ model: 'constant', ms: 20 }, 1000);
    expect(new Set(samples)).toEqual(new Set([20]));
    expect(latencyQuantile({ model: 'constant', ms: 20 }, 0.3)).toBe(20);
    expect(latencyCdf({ model: 'constant', ms: 20 }, 19.99)).toBe(0);
    expect(latencyCdf({ model: 'constant', ms: 20 }, 20)).toBe(1);
  });

  it('a mixture with a constant spike puts the spike weight at the spike', () => {
    const spec: LatencySpec = {
      model: 'mixture',
      of: [
        { weight: 0.99, model: 'lognormal', medianMs: 20, p99Ms: 60 },
        { weight: 0.01, model: 'constant', ms: 500 },
      ],
    };
    const share = draw(spec, N).filter((x) => x === 500).length / N;
    expect(Math.abs(share - 0.01)).toBeLessThanOrEqual(4 * Math.sqrt((0.01 * 0.99) / N));
    // The cdf jumps by 0.01 at 500 ms; any level inside the jump has 500 ms as its quantile.
    expect(latencyQuantile(spec, 0.995)).toBe(500);
    expect(latencyCdf(spec, 500) - latencyCdf(spec, 499.999)).toBeCloseTo(0.01, 6);
  });

  it('the truncated normal has no atom at 0 (it is sampled, not clamped)', () => {
    const samples = draw({ model: 'normal', meanMs: 0, sdMs: 10 }, N);
    expect(samples.filter((x) => x === 0).length).toBe(0);
    // Half-normal median: sd * Phi^-1(0.75).
    expect(latencyQuantile({ model: 'normal', meanMs: 0, sdMs: 10 }, 0.5)).toBeCloseTo(6.744897501960817, 9);
  });
});

describe('analytic anchors', () => {
  it('lognormal hits its median and p99', () => {
    const spec: LatencySpec = { model: 'lognormal', medianMs: 20, p99Ms: 80 };
    expect(latencyQuantile(spec, 0.5)).toBeCloseTo(20, 9);
    expect(latencyQuantile(spec, 0.99)).toBeCloseTo(80, 9);
  });

  it('empirical passes through its anchors, starts at half p50 and extends the last slope to q = 1', () => {
    const spec: LatencySpec = { model: 'empirical', p50: 12, p90: 30, p99: 80, p999: 200 };
    expect(latencyQuantile(spec, 0)).toBe(12 * EMPIRICAL_FLOOR_FRACTION);
    expect(latencyQuantile(spec, 0.5)).toBeCloseTo(12, 9);
    expect(latencyQuantile(spec, 0.9)).toBeCloseTo(30, 9);
    expect(latencyQuantile(spec, 0.99)).toBeCloseTo(80, 9);
    expect(latencyQuantile(spec, 0.999)).toBeCloseTo(200, 9);
    expect(latencyQuantile(spec, 1)).toBeCloseTo(200 + 120 / 9, 9);
    expect(latencyQuantile(spec, 0.25)).toBeCloseTo(9, 9);
  });

  it('empirical takes any percentile keys, p9999 as 99.99% and p5 as 5%, in any order', () => {
    const spec = { model: 'empirical', p9999: 400, p5: 4, p75: 15 } as LatencySpec;
    expect(latencyQuantile(spec, 0)).toBe(4 * EMPIRICAL_FLOOR_FRACTION);
    expect(latencyQuantile(spec, 0.05)).toBeCloseTo(4, 9);
    expect(latencyQuantile(spec, 0.75)).toBeCloseTo(15, 9);
    expect(latencyQuantile(spec, 0.9999)).toBeCloseTo(400, 9);
    // The last slope (p75 → p99.99) carried on to q = 1.
    expect(latencyQuantile(spec, 1)).toBeCloseTo(400 + ((400 - 15) * 0.0001) / (0.9999 - 0.75), 9);
    // One percentile: from half of it at q = 0, the same slope on to q = 1.
    const one = { model: 'empirical', p50: 10 } as LatencySpec;
    expect([0, 0.5, 1].map((q) => latencyQuantile(one, q))).toEqual([5, 10, 15]);
  });

  it('a table passes through its points, linear between, and counts a run of equal values as an atom', () => {
    const spec: LatencySpec = { model: 'table', q: [0, 0.5, 0.9, 0.999, 1], ms: [2, 10, 10, 90, 100] };
    expect([0, 0.25, 0.5, 0.7, 0.9, 0.999, 1].map((q) => latencyQuantile(spec, q))).toEqual([
      2, 6, 10, 10, 10, 90, 100,
    ]);
    expect(latencyCdf(spec, 1.9)).toBe(0);
    expect(latencyCdf(spec, 6)).toBeCloseTo(0.25, 12);
    // P(X <= 10) takes in the whole flat run from q = 0.5 to 0.9.
    expect(latencyCdf(spec, 10)).toBe(0.9);
    expect(latencyCdf(spec, 95)).toBeCloseTo(0.9995, 12);
    expect(latencyCdf(spec, 100)).toBe(1);
    const sample = latencySampler(spec);
    expect([0, 0.25, 0.6].map((u) => sample(() => u))).toEqual([2, 6, 10]);
    expect(sample(() => 0.9995)).toBeCloseTo(95, 9);
  });

  it('exponential and pareto quantiles are the closed forms', () => {
    expect(latencyQuantile({ model: 'exponential', meanMs: 25 }, 0.5)).toBeCloseTo(25 * Math.LN2, 9);
    expect(latencyQuantile({ model: 'pareto', minMs: 10, alpha: 2 }, 0.75)).toBeCloseTo(20, 9);
    expect(latencyQuantile({ model: 'pareto', minMs: 10, alpha: 2 }, 1)).toBe(Infinity);
  });

  it('rejects quantile levels outside [0, 1]', () => {
    expect(() => latencyQuantile({ model: 'constant', ms: 1 }, 1.5)).toThrow(RangeError);
    expect(() => latencyQuantile({ model: 'constant', ms: 1 }, NaN)).toThrow(RangeError);
  });
});

describe('draws per sample', () => {
  it('takes exactly one draw for every non-mixture model and two for a mixture', () => {
    const specs: LatencySpec[] = [{ model: 'constant', ms: 3 }, ...Object.values(CONTINUOUS)];
    for (const spec of specs) {
      const { rng, draws } = countingRng('draws');
      const sample = latencySampler(spec);
      for (let i = 0; i < 100; i++) sample(rng);
      expect(draws(), spec.model).toBe(spec.model === 'mixture' ? 200 : 100);
    }
  });

  it('samples a non-mixture model as its quantile at the drawn uniform', () => {
    for (const spec of Object.values(CONTINUOUS)) {
      if (spec.model === 'mixture') continue;
      const sample = latencySampler(spec);
      for (const u of [0.001, 0.2, 0.5, 0.77, 0.995]) {
        const expected = latencyQuantile(spec, u);
        expect(Math.abs(sample(() => u) - expected)).toBeLessThanOrEqual(1e-7 * Math.max(1, expected));
      }
    }
  });
});

/** Arbitrary valid latency specs, for the properties below. */
const pos = (min: number, max: number): fc.Arbitrary<number> =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const continuousSpec: fc.Arbitrary<LatencySpec> = fc.oneof(
  fc.tuple(pos(0, 100), pos(0.01, 100)).map(([a, w]): LatencySpec => ({ model: 'uniform', minMs: a, maxMs: a + w })),
  fc.tuple(pos(0, 200), pos(0.1, 100)).map(([m, s]): LatencySpec => ({ model: 'normal', meanMs: m, sdMs: s })),
  fc
    .tuple(pos(0.1, 100), pos(1.01, 50))
    .map(([m, r]): LatencySpec => ({ model: 'lognormal', medianMs: m, p99Ms: m * r })),
  pos(0.1, 500).map((m): LatencySpec => ({ model: 'exponential', meanMs: m })),
  fc.tuple(pos(0.1, 100), pos(0.2, 10)).map(([m, a]): LatencySpec => ({ model: 'pareto', minMs: m, alpha: a })),
  fc.tuple(pos(0.1, 50), pos(0.1, 50), pos(0.1, 100), pos(0.1, 500)).map(([a, b, c, d]): LatencySpec => ({
    model: 'empirical',
    p50: a,
    p90: a + b,
    p99: a + b + c,
    p999: a + b + c + d,
  })),
  fc
    .uniqueArray(fc.integer({ min: 1, max: 999 }), { minLength: 1, maxLength: 30 })
    .chain((levels) =>
      fc.tuple(
        fc.constant<number[]>([0, ...levels.sort((a, b) => a - b).map((l) => l / 1000), 1]),
        fc.array(pos(0.01, 50), { minLength: levels.length + 2, maxLength: levels.length + 2 }),
      ),
    )
    .map(([q, gaps]): LatencySpec => {
      let acc = 0;
      return { model: 'table', q, ms: gaps.map((g) => (acc += g)) };
    }),
);
const anySpec: fc.Arbitrary<LatencySpec> = fc.oneof(
  continuousSpec,
  fc.tuple(continuousSpec, continuousSpec, pos(0.01, 0.99)).map(([a, b, w]): LatencySpec => ({
    model: 'mixture',
    of: [
      { ...a, weight: w },
      { ...b, weight: 1 - w },
    ],
  })),
);

describe('properties', () => {
  it('cdf(quantile(q)) = q for every continuous model and mixtures of them', () => {
    fc.assert(
      fc.property(anySpec, pos(0.001, 0.999), (spec, q) => {
        expect(Math.abs(latencyCdf(spec, latencyQuantile(spec, q)) - q)).toBeLessThanOrEqual(1e-8);
      }),
    );
  });

  it('quantiles are non-decreasing and >= 0', () => {
    fc.assert(
      fc.property(anySpec, pos(0, 1), pos(0, 1), (spec, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const qLo = latencyQuantile(spec, lo);
        expect(qLo).toBeGreaterThanOrEqual(0);
        expect(latencyQuantile(spec, hi)).toBeGreaterThanOrEqual(qLo);
      }),
    );
  });

  it('samples are finite and >= 0', () => {
    fc.assert(
      fc.property(anySpec, fc.integer(), (spec, seed) => {
        const sample = latencySampler(spec);
        const rng = seedrandom(String(seed));
        for (let i = 0; i < 50; i++) {
          const x = sample(rng);
          expect(Number.isFinite(x) && x >= 0).toBe(true);
        }
      }),
    );
  });
});
