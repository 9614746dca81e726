import { describe, expect, it } from 'vitest';
import { validateLatencySpec } from './latency-models.js';

const P = 'bidders[1].latency';
const MODELS = 'constant, uniform, normal, lognormal, exponential, pareto, empirical, mixture';

describe('validateLatencySpec accepts', () => {
  it.each([
    { model: 'constant', ms: 0 },
    { model: 'uniform', minMs: 5, maxMs: 5 },
    { model: 'normal', meanMs: 0, sdMs: 8 },
    { model: 'lognormal', medianMs: 20, p99Ms: 80 },
    { model: 'exponential', meanMs: 25 },
    { model: 'pareto', minMs: 10, alpha: 2.5 },
    { model: 'empirical', p50: 12, p90: 30, p99: 80, p999: 200 },
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
    expect(validateLatencySpec(20, P)).toEqual([{ path: P, message: 'must be an object with a "model" key (got 20)' }]);
    expect(validateLatencySpec([], P)).toEqual([{ path: P, message: 'must be an object with a "model" key (got [])' }]);
  });

  it('a missing model', () => {
    expect(validateLatencySpec({ ms: 3 }, P)).toEqual([
      { path: `${P}.model`, message: `is required (one of ${MODELS})` },
    ]);
  });

  it('an unknown model name', () => {
    expect(validateLatencySpec({ model: 'lognormall', medianMs: 20, p99Ms: 80 }, P)).toEqual([
      { path: `${P}.model`, message: `must be one of ${MODELS} (got "lognormall"; did you mean "lognormal"?)` },
    ]);
  });

  it('a missing field', () => {
    expect(validateLatencySpec({ model: 'exponential' }, P)).toEqual([{ path: `${P}.meanMs`, message: 'is required' }]);
  });

  it('a field of the wrong type', () => {
    expect(validateLatencySpec({ model: 'constant', ms: '20' }, P)).toEqual([
      { path: `${P}.ms`, message: 'must be a number >= 0 (got "20")' },
    ]);
    expect(validateLatencySpec({ model: 'constant', ms: null }, P)).toEqual([
      { path: `${P}.ms`, message: 'must be a number >= 0 (got null)' },
    ]);
    expect(validateLatencySpec({ model: 'constant', ms: Infinity }, P)).toEqual([
      { path: `${P}.ms`, message: 'must be a number >= 0 (got Infinity)' },
    ]);
  });

  it('fields out of range: > 0 where zero is meaningless, >= 0 where it is not', () => {
    expect(validateLatencySpec({ model: 'constant', ms: -1 }, P)).toEqual([
      { path: `${P}.ms`, message: 'must be a number >= 0 (got -1)' },
    ]);
    expect(validateLatencySpec({ model: 'normal', meanMs: 10, sdMs: 0 }, P)).toEqual([
      { path: `${P}.sdMs`, message: 'must be a positive number (got 0)' },
    ]);
    expect(validateLatencySpec({ model: 'pareto', minMs: 10, alpha: 0 }, P)).toEqual([
      { path: `${P}.alpha`, message: 'must be a positive number (got 0)' },
    ]);
    expect(validateLatencySpec({ model: 'lognormal', medianMs: 0, p99Ms: 5 }, P)).toEqual([
      { path: `${P}.medianMs`, message: 'must be a positive number (got 0)' },
    ]);
  });

  it('p99Ms not above medianMs', () => {
    expect(validateLatencySpec({ model: 'lognormal', medianMs: 20, p99Ms: 20 }, P)).toEqual([
      { path: `${P}.p99Ms`, message: 'must be greater than medianMs (20)' },
    ]);
  });

  it('maxMs below minMs', () => {
    expect(validateLatencySpec({ model: 'uniform', minMs: 40, maxMs: 5 }, P)).toEqual([
      { path: `${P}.maxMs`, message: 'must be at least minMs (40)' },
    ]);
  });

  it('empirical anchors that do not strictly increase', () => {
    expect(validateLatencySpec({ model: 'empirical', p50: 12, p90: 12, p99: 80, p999: 70 }, P)).toEqual([
      { path: `${P}.p90`, message: 'must be greater than p50 (12)' },
      { path: `${P}.p999`, message: 'must be greater than p99 (80)' },
    ]);
  });

  it('an unknown key, with a did-you-mean when one is close', () => {
    expect(
      validateLatencySpec({ model: 'lognormal', medianms: 20, medianMs: 20, p99Ms: 80, colour: 'red' }, P),
    ).toEqual([
      { path: `${P}.medianms`, message: 'unknown key (did you mean "medianMs"?)' },
      { path: `${P}.colour`, message: 'unknown key (expected one of model, medianMs, p99Ms)' },
    ]);
  });

  it('a misspelt key as both the missing field and the unknown key', () => {
    expect(validateLatencySpec({ model: 'lognormal', medianms: 20, p99Ms: 80 }, P)).toEqual([
      { path: `${P}.medianMs`, message: 'is required' },
      { path: `${P}.medianms`, message: 'unknown key (did you mean "medianMs"?)' },
    ]);
  });

  it('mixture problems with the path of each part', () => {
    expect(
      validateLatencySpec(
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
      { path: `${P}.of[0].p99Ms`, message: 'must be greater than medianMs (20)' },
      { path: `${P}.of[1].wieght`, message: 'unknown key (did you mean "weight"?)' },
      { path: `${P}.of[1].weight`, message: 'must be a positive number (got -0.1)' },
      {
        path: `${P}.of[2].model`,
        message: `must be one of ${MODELS} (got "exponentail"; did you mean "exponential"?)`,
      },
      { path: `${P}.of[2].weight`, message: 'is required' },
    ]);
  });

  it('mixture weights that do not sum to 1', () => {
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
    ).toEqual([{ path: `${P}.of`, message: 'weights must sum to 1 within 1e-6 (got 0.95)' }]);
  });

  it('a mixture without parts', () => {
    expect(validateLatencySpec({ model: 'mixture', of: [] }, P)).toEqual([
      { path: `${P}.of`, message: 'must be a non-empty array of weighted latency models (got [])' },
    ]);
    expect(validateLatencySpec({ model: 'mixture' }, P)).toEqual([
      { path: `${P}.of`, message: 'is required (a non-empty array of weighted latency models)' },
    ]);
  });

  it('a weight outside a mixture as an unknown key', () => {
    expect(validateLatencySpec({ model: 'constant', ms: 1, weight: 1 }, P)).toEqual([
      { path: `${P}.weight`, message: 'unknown key (expected one of model, ms)' },
    ]);
  });

  it('fields at the top level when the path is empty', () => {
    expect(validateLatencySpec({ model: 'constant' }, '')).toEqual([{ path: 'ms', message: 'is required' }]);
  });
});
