import { describe, expect, it } from 'vitest';
import { validateLatencySpec } from './latency-models.js';

const P = 'bidders[1].latency';
const MODELS = 'constant, uniform, normal, lognormal, exponential, pareto, empirical, hgrm, samples, table, mixture';

/** Where each issue is and what kind it is: what these tests match, rather than the sentence. */
function codes(value: unknown, path = P): { path: string; code: string }[] {
  return validateLatencySpec(value, path).map(({ path, code }) => ({ path, code }));
}

describe('validateLatencySpec accepts', () => {
  it.each([
    { model: 'constant', ms: 0 },
    { model: 'uniform', minMs: 5, maxMs: 5 },
    { model: 'normal', meanMs: 0, sdMs: 8 },
    { model: 'lognormal', medianMs: 20, p99Ms: 80 },
    { model: 'exponential', meanMs: 25 },
    { model: 'pareto', minMs: 10, alpha: 2.5 },
    { model: 'empirical', p50: 12, p90: 30, p99: 80, p999: 200 },
    { model: 'empirical', p75: 20, p9999: 300 },
    { model: 'empirical', p5: 3 },
    { model: 'hgrm', file: 'x.hgrm' },
    { model: 'hgrm', file: 'x.hgrm', unit: 'us' },
    { model: 'samples', file: 'latencies.csv', column: 'ms', unit: 's' },
    { model: 'table', q: [0, 0.5, 1], ms: [1, 1, 9], from: 'x.hgrm' },
    {
      model: 'mixture',
      of: [
        { weight: 0.99, model: 'lognormal', medianMs: 20, p99Ms: 60 },
        { weight: 0.01, model: 'constant', ms: 500 },
      ],
    },
  ])('the design example %o', (spec) => {
    expect(validateLatencySpec(spec, P)).toEqual([]);
  });
});

describe('validateLatencySpec reports', () => {
  it('a value that is not an object', () => {
    expect(codes(20)).toEqual([{ path: P, code: 'SCN_ERR_WRONG_TYPE' }]);
    expect(codes([])).toEqual([{ path: P, code: 'SCN_ERR_WRONG_TYPE' }]);
  });

  it('a missing model', () => {
    expect(codes({ ms: 3 })).toEqual([{ path: `${P}.model`, code: 'SCN_ERR_MISSING' }]);
  });

  it('an unknown model name, with a did-you-mean', () => {
    expect(validateLatencySpec({ model: 'lognormall', medianMs: 20, p99Ms: 80 }, P)).toEqual([
      {
        path: `${P}.model`,
        code: 'SCN_ERR_NOT_ONE_OF',
        message: `must be one of ${MODELS} (got "lognormall"; did you mean "lognormal"?)`,
      },
    ]);
  });

  it('a missing field', () => {
    expect(codes({ model: 'exponential' })).toEqual([{ path: `${P}.meanMs`, code: 'SCN_ERR_MISSING' }]);
  });

  it('a field of the wrong type', () => {
    expect(codes({ model: 'constant', ms: '20' })).toEqual([{ path: `${P}.ms`, code: 'SCN_ERR_NOT_A_NUMBER' }]);
    expect(codes({ model: 'constant', ms: null })).toEqual([{ path: `${P}.ms`, code: 'SCN_ERR_NOT_A_NUMBER' }]);
    expect(codes({ model: 'constant', ms: Infinity })).toEqual([{ path: `${P}.ms`, code: 'SCN_ERR_NOT_A_NUMBER' }]);
  });

  it('fields out of range: > 0 where zero is meaningless, >= 0 where it is not', () => {
    expect(codes({ model: 'constant', ms: -1 })).toEqual([{ path: `${P}.ms`, code: 'SCN_ERR_OUT_OF_RANGE' }]);
    expect(codes({ model: 'constant', ms: 0 })).toEqual([]);
    expect(codes({ model: 'normal', meanMs: 10, sdMs: 0 })).toEqual([
      { path: `${P}.sdMs`, code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes({ model: 'pareto', minMs: 10, alpha: 0 })).toEqual([
      { path: `${P}.alpha`, code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes({ model: 'lognormal', medianMs: 0, p99Ms: 5 })).toEqual([
      { path: `${P}.medianMs`, code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
  });

  it('p99Ms not above medianMs', () => {
    expect(codes({ model: 'lognormal', medianMs: 20, p99Ms: 20 })).toEqual([
      { path: `${P}.p99Ms`, code: 'SCN_ERR_ORDER' },
    ]);
  });

  it('maxMs below minMs', () => {
    expect(codes({ model: 'uniform', minMs: 40, maxMs: 5 })).toEqual([{ path: `${P}.maxMs`, code: 'SCN_ERR_ORDER' }]);
  });

  it('empirical anchors that do not strictly increase, each naming the anchor below it', () => {
    expect(validateLatencySpec({ model: 'empirical', p50: 12, p90: 12, p99: 80, p999: 70 }, P)).toEqual([
      { path: `${P}.p90`, code: 'SCN_ERR_ORDER', message: 'must be greater than p50 (12)' },
      { path: `${P}.p999`, code: 'SCN_ERR_ORDER', message: 'must be greater than p99 (80)' },
    ]);
  });

  it('empirical keys that are no percentile, or two that name one percentile, and a table without any', () => {
    expect(codes({ model: 'empirical', p50: 12, p990: 30, 'p99.9': 80, q75: 1 })).toEqual([
      { path: `${P}.p990`, code: 'SCN_ERR_UNKNOWN_KEY' },
      { path: `${P}.p99.9`, code: 'SCN_ERR_UNKNOWN_KEY' },
      { path: `${P}.q75`, code: 'SCN_ERR_UNKNOWN_KEY' },
    ]);
    expect(codes({ model: 'empirical', p5: 1, p05: 2 })).toEqual([{ path: `${P}.p05`, code: 'SCN_ERR_DUPLICATE' }]);
    expect(codes({ model: 'empirical', p00: 1 })).toEqual([
      { path: `${P}.p50`, code: 'SCN_ERR_MISSING' },
      { path: `${P}.p00`, code: 'SCN_ERR_UNKNOWN_KEY' },
    ]);
    expect(codes({ model: 'empirical', p75: 30, p25: 40 })).toEqual([{ path: `${P}.p75`, code: 'SCN_ERR_ORDER' }]);
  });

  it('file models without a file, with a unit or column of the wrong kind', () => {
    expect(codes({ model: 'hgrm' })).toEqual([{ path: `${P}.file`, code: 'SCN_ERR_MISSING' }]);
    expect(codes({ model: 'hgrm', file: '' })).toEqual([{ path: `${P}.file`, code: 'SCN_ERR_BAD_FORMAT' }]);
    expect(codes({ model: 'hgrm', file: 'x', unit: 'sec' })).toEqual([
      { path: `${P}.unit`, code: 'SCN_ERR_NOT_ONE_OF' },
    ]);
    expect(codes({ model: 'samples', file: 'x', column: 3 })).toEqual([
      { path: `${P}.column`, code: 'SCN_ERR_BAD_FORMAT' },
    ]);
    expect(codes({ model: 'hgrm', file: 'x', column: 'ms' })).toEqual([
      { path: `${P}.column`, code: 'SCN_ERR_UNKNOWN_KEY' },
    ]);
  });

  it('a table whose levels do not rise from 0 to 1 or whose latencies fall, at the first point that breaks', () => {
    const t = (q: unknown, ms: unknown): { path: string; code: string }[] => codes({ model: 'table', q, ms });
    expect(t([0, 1], [1, 2])).toEqual([]);
    expect(t([0.1, 1], [1, 2])).toEqual([{ path: `${P}.q[0]`, code: 'SCN_ERR_ORDER' }]);
    expect(t([0, 0.9], [1, 2])).toEqual([{ path: `${P}.q[1]`, code: 'SCN_ERR_ORDER' }]);
    expect(t([0, 0.5, 0.5, 1], [1, 2, 3, 4])).toEqual([{ path: `${P}.q[2]`, code: 'SCN_ERR_ORDER' }]);
    expect(t([0, 0.5, 1], [1, 3, 2])).toEqual([{ path: `${P}.ms[2]`, code: 'SCN_ERR_ORDER' }]);
    expect(t([0, 0.5, 1], [1, 3])).toEqual([{ path: `${P}.ms`, code: 'SCN_ERR_ORDER' }]);
    expect(t([0, 1], [1, 700_000])).toEqual([{ path: `${P}.ms[1]`, code: 'SCN_ERR_OUT_OF_RANGE' }]);
    expect(t([0, '1'], [1, 2])).toEqual([{ path: `${P}.q[1]`, code: 'SCN_ERR_NOT_A_NUMBER' }]);
    expect(t(undefined, {})).toEqual([
      { path: `${P}.q`, code: 'SCN_ERR_MISSING' },
      { path: `${P}.ms`, code: 'SCN_ERR_WRONG_TYPE' },
    ]);
    const many = Array.from({ length: 10_001 }, (_, i) => i / 10_000);
    expect(t(many, many)).toEqual([{ path: `${P}.q`, code: 'SCN_ERR_TOO_LARGE' }]);
  });

  it('an unknown key, with a did-you-mean when one is close', () => {
    expect(
      validateLatencySpec({ model: 'lognormal', medianms: 20, medianMs: 20, p99Ms: 80, colour: 'red' }, P),
    ).toEqual([
      { path: `${P}.medianms`, code: 'SCN_ERR_UNKNOWN_KEY', message: 'unknown key (did you mean "medianMs"?)' },
      {
        path: `${P}.colour`,
        code: 'SCN_ERR_UNKNOWN_KEY',
        message: 'unknown key (expected one of model, medianMs, p99Ms)',
      },
    ]);
  });

  it('a misspelt key as both the missing field and the unknown key', () => {
    expect(codes({ model: 'lognormal', medianms: 20, p99Ms: 80 })).toEqual([
      { path: `${P}.medianMs`, code: 'SCN_ERR_MISSING' },
      { path: `${P}.medianms`, code: 'SCN_ERR_UNKNOWN_KEY' },
    ]);
  });

  it('mixture problems with the path of each part', () => {
    expect(
      codes(
        {
          model: 'mixture',
          of: [
            { weight: 0.9, model: 'lognormal', medianMs: 20, p99Ms: 10 },
            { weight: -0.1, model: 'constant', ms: 500, wieght: 1 },
            { model: 'exponentail', meanMs: 3 },
          ],
        },
        P,
      ),
    ).toEqual([
      { path: `${P}.of[0].p99Ms`, code: 'SCN_ERR_ORDER' },
      { path: `${P}.of[1].wieght`, code: 'SCN_ERR_UNKNOWN_KEY' },
      { path: `${P}.of[1].weight`, code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: `${P}.of[2].model`, code: 'SCN_ERR_NOT_ONE_OF' },
      { path: `${P}.of[2].weight`, code: 'SCN_ERR_MISSING' },
    ]);
  });

  it('mixture weights that do not sum to 1, with the float noise of the sum left out', () => {
    expect(
      validateLatencySpec(
        {
          model: 'mixture',
          of: [
            { weight: 0.9, model: 'constant', ms: 1 },
            { weight: 0.05, model: 'constant', ms: 2 },
          ],
        },
        P,
      ),
    ).toEqual([{ path: `${P}.of`, code: 'SCN_ERR_BAD_SUM', message: 'weights must sum to 1 within 1e-6 (got 0.95)' }]);
  });

  it('a mixture without parts', () => {
    expect(codes({ model: 'mixture', of: [] })).toEqual([{ path: `${P}.of`, code: 'SCN_ERR_EMPTY' }]);
    expect(codes({ model: 'mixture', of: { model: 'constant', ms: 1 } })).toEqual([
      { path: `${P}.of`, code: 'SCN_ERR_WRONG_TYPE' },
    ]);
    expect(codes({ model: 'mixture' })).toEqual([{ path: `${P}.of`, code: 'SCN_ERR_MISSING' }]);
  });

  it('a weight outside a mixture as an unknown key', () => {
    expect(codes({ model: 'constant', ms: 1, weight: 1 })).toEqual([
      { path: `${P}.weight`, code: 'SCN_ERR_UNKNOWN_KEY' },
    ]);
  });

  it('fields at the top level when the path is empty', () => {
    expect(codes({ model: 'constant' }, '')).toEqual([{ path: 'ms', code: 'SCN_ERR_MISSING' }]);
  });
});
