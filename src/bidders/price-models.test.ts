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

/** Where each issue is and what kind it is: what these tests match, rather than the sentence. */
function codes(value: unknown): { path: string; code: string }[] {
  return validatePriceSpec(value, P).map(({ path, code }) => ({ path, code }));
}

describe('validatePriceSpec', () => {
  it.each([
    { model: 'constant', value: 1.2 },
    { model: 'uniform', min: 0.5, max: 3 },
    { model: 'lognormal', median: 1.5, p99: 6 },
  ])('accepts %o', (spec) => {
    expect(validatePriceSpec(spec, P)).toEqual([]);
  });

  it('reports an unknown model', () => {
    expect(codes({ model: 'pareto', value: 1 })).toEqual([{ path: `${P}.model`, code: 'SCN_ERR_NOT_ONE_OF' }]);
  });

  it('reports a price that is not > 0', () => {
    expect(codes({ model: 'constant', value: 0 })).toEqual([{ path: `${P}.value`, code: 'SCN_ERR_OUT_OF_RANGE' }]);
    expect(codes({ model: 'uniform', min: 0, max: 3 })).toEqual([{ path: `${P}.min`, code: 'SCN_ERR_OUT_OF_RANGE' }]);
  });

  it('reports max below min and p99 not above median', () => {
    expect(codes({ model: 'uniform', min: 3, max: 1 })).toEqual([{ path: `${P}.max`, code: 'SCN_ERR_ORDER' }]);
    expect(codes({ model: 'lognormal', median: 2, p99: 1 })).toEqual([{ path: `${P}.p99`, code: 'SCN_ERR_ORDER' }]);
  });

  it('reports missing and mistyped fields and unknown keys', () => {
    expect(codes({ model: 'lognormal', median: '1.5', p9: 6 })).toEqual([
      { path: `${P}.median`, code: 'SCN_ERR_NOT_A_NUMBER' },
      { path: `${P}.p99`, code: 'SCN_ERR_MISSING' },
      { path: `${P}.p9`, code: 'SCN_ERR_UNKNOWN_KEY' },
    ]);
  });

  it('reports a value that is not an object', () => {
    expect(codes('1.5')).toEqual([{ path: P, code: 'SCN_ERR_WRONG_TYPE' }]);
  });
});
