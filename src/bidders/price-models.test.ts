import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import type { PriceSpec, Rng } from './config.js';
import { priceCdf, priceQuantile, priceSampler, validatePriceSpec } from './price-models.js';

const N = 20_000;
const P = 'bidders[0].bid.price';

function ecdf(samples: readonly number[], x: number): number {
  let k = 0;
  for (const s of samples) if (s <= x) k++;
  return k / samples.length;
}

describe('price samplers', () => {
  const specs: Record<string, PriceSpec> = {
    uniform: { model: 'uniform', min: 0.5, max: 3 },
    lognormal: { model: 'lognormal', median: 1.5, p99: 6 },
  };
  for (const [name, spec] of Object.entries(specs)) {
    it(`${name}: the empirical cdf at each analytic quantile is within 4 standard errors of q`, () => {
      const sample = priceSampler(spec);
      const rng = seedrandom('price-test');
      const samples = Array.from({ length: N }, () => sample(rng));
      for (const q of [0.1, 0.5, 0.9, 0.99]) {
        const tolerance = 4 * Math.sqrt((q * (1 - q)) / N);
        expect(Math.abs(ecdf(samples, priceQuantile(spec, q)) - q), `q=${q}`).toBeLessThanOrEqual(tolerance);
      }
      expect(Math.min(...samples)).toBeGreaterThan(0);
    });
  }

  it('constant always gives its value and still takes one draw', () => {
    let draws = 0;
    const rng: Rng = () => (draws++, 0.3);
    const sample = priceSampler({ model: 'constant', value: 1.2 });
    expect([sample(rng), sample(rng)]).toEqual([1.2, 1.2]);
    expect(draws).toBe(2);
  });

  it('lognormal hits its median and p99', () => {
    const spec: PriceSpec = { model: 'lognormal', median: 1.5, p99: 6 };
    expect(priceQuantile(spec, 0.5)).toBeCloseTo(1.5, 9);
    expect(priceQuantile(spec, 0.99)).toBeCloseTo(6, 9);
  });

  it('cdf(quantile(q)) = q', () => {
    const spec = fc.oneof(
      fc
        .tuple(fc.double({ min: 0.01, max: 10, noNaN: true }), fc.double({ min: 0.01, max: 10, noNaN: true }))
        .map(([a, w]): PriceSpec => ({ model: 'uniform', min: a, max: a + w })),
      fc
        .tuple(fc.double({ min: 0.01, max: 10, noNaN: true }), fc.double({ min: 1.01, max: 20, noNaN: true }))
        .map(([m, r]): PriceSpec => ({ model: 'lognormal', median: m, p99: m * r })),
    );
    fc.assert(
      fc.property(spec, fc.double({ min: 0.001, max: 0.999, noNaN: true }), (s, q) => {
        expect(Math.abs(priceCdf(s, priceQuantile(s, q)) - q)).toBeLessThanOrEqual(1e-9);
      }),
    );
  });
});

describe('validatePriceSpec', () => {
  it.each([
    { model: 'constant', value: 1.2 },
    { model: 'uniform', min: 0.5, max: 3 },
    { model: 'lognormal', median: 1.5, p99: 6 },
  ])('accepts %o', (spec) => {
    expect(validatePriceSpec(spec, P)).toEqual([]);
  });

  it('reports an unknown model', () => {
    expect(validatePriceSpec({ model: 'pareto', value: 1 }, P)).toEqual([
      { path: `${P}.model`, message: 'must be one of constant, uniform, lognormal (got "pareto")' },
    ]);
  });

  it('reports a price that is not > 0', () => {
    expect(validatePriceSpec({ model: 'constant', value: 0 }, P)).toEqual([
      { path: `${P}.value`, message: 'must be a positive number (got 0)' },
    ]);
    expect(validatePriceSpec({ model: 'uniform', min: 0, max: 3 }, P)).toEqual([
      { path: `${P}.min`, message: 'must be a positive number (got 0)' },
    ]);
  });

  it('reports max below min and p99 not above median', () => {
    expect(validatePriceSpec({ model: 'uniform', min: 3, max: 1 }, P)).toEqual([
      { path: `${P}.max`, message: 'must be at least min (3)' },
    ]);
    expect(validatePriceSpec({ model: 'lognormal', median: 2, p99: 1 }, P)).toEqual([
      { path: `${P}.p99`, message: 'must be greater than median (2)' },
    ]);
  });

  it('reports missing and mistyped fields and unknown keys', () => {
    expect(validatePriceSpec({ model: 'lognormal', median: '1.5', p9: 6 }, P)).toEqual([
      { path: `${P}.median`, message: 'must be a positive number (got "1.5")' },
      { path: `${P}.p99`, message: 'is required' },
      { path: `${P}.p9`, message: 'unknown key (did you mean "p99"?)' },
    ]);
  });

  it('reports a value that is not an object', () => {
    expect(validatePriceSpec('1.5', P)).toEqual([
      { path: P, message: 'must be an object with a "model" key (got "1.5")' },
    ]);
  });
});
