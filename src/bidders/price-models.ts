// Price models: a leaf's CPM value for an impression. Same shapes as the latency models without units
// (DESIGN.md, "Scenarios"); same discipline: compiled once, one uniform draw per sample by inverse
// transform, analytic quantiles, path-naming validation. Prices are > 0.

import type { PriceSpec, Rng } from './config.js';
import { normCdf, normInv, normInvFast, Z_99 } from './distributions.js';
import {
  checkKeys,
  isRecord,
  joinPath,
  mustBe,
  outOfOrder,
  POSITIVE,
  readEnum,
  readNumber,
  type Issue,
} from '../lib/issues.js';

export const PRICE_MODELS = ['constant', 'uniform', 'lognormal'] as const;

interface Model {
  readonly sample: (rng: Rng) => number;
  readonly quantile: (q: number) => number;
  readonly cdf: (x: number) => number;
}

function compile(spec: PriceSpec): Model {
  switch (spec.model) {
    case 'constant': {
      const value = spec.value;
      // One draw even here, so the leaf's stream advances the same for every model.
      return { sample: (rng) => (rng(), value), quantile: () => value, cdf: (x) => (x >= value ? 1 : 0) };
    }
    case 'uniform': {
      const { min, max } = spec;
      const width = max - min;
      return {
        sample: (rng) => min + rng() * width,
        quantile: (q) => min + q * width,
        cdf: (x) => (x < min ? 0 : x >= max ? 1 : (x - min) / width),
      };
    }
    case 'lognormal': {
      const mu = Math.log(spec.median);
      const sigma = (Math.log(spec.p99) - mu) / Z_99;
      return {
        sample: (rng) => Math.exp(mu + sigma * normInvFast(rng())),
        quantile: (q) => Math.exp(mu + sigma * normInv(q)),
        cdf: (x) => (x <= 0 ? 0 : normCdf((Math.log(x) - mu) / sigma)),
      };
    }
  }
}

/** A sampler of CPM prices for a validated spec; build once, one rng draw per sample, no allocation. */
export function priceSampler(spec: PriceSpec): (rng: Rng) => number {
  return compile(spec).sample;
}

/** The analytic q-quantile of the price (q in [0, 1]). */
export function priceQuantile(spec: PriceSpec, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile level must be in [0, 1] (got ${q})`);
  return compile(spec).quantile(q);
}

/** The analytic cdf of the price: the probability that a draw is <= x. */
export function priceCdf(spec: PriceSpec, x: number): number {
  return compile(spec).cdf(x);
}

const FIELDS: Record<(typeof PRICE_MODELS)[number], readonly string[]> = {
  constant: ['value'],
  uniform: ['min', 'max'],
  lognormal: ['median', 'p99'],
};

/**
 * Every problem with a price model's JSON, each naming its field from `path` (the caller passes
 * `bidders[0].bid.price`). Every number must be finite and > 0; `max` >= `min`; `p99` > `median`.
 */
export function validatePriceSpec(value: unknown, path: string): Issue[] {
  const issues: Issue[] = [];
  if (!isRecord(value)) {
    issues.push(mustBe(path, 'SCN_ERR_WRONG_TYPE', 'an object with a "model" key', value));
    return issues;
  }
  const model = readEnum(value, 'model', PRICE_MODELS, undefined, path, issues);
  if (model === undefined) return issues;
  // Every field is required: a price model has no defaults.
  const num = (key: string): number | undefined => readNumber(value, key, POSITIVE, undefined, path, issues);
  switch (model) {
    case 'constant':
      num('value');
      break;
    case 'uniform': {
      const min = num('min');
      const max = num('max');
      if (min !== undefined && max !== undefined && max < min) {
        issues.push(outOfOrder(joinPath(path, 'max'), `at least min (${min})`));
      }
      break;
    }
    case 'lognormal': {
      const median = num('median');
      const p99 = num('p99');
      if (median !== undefined && p99 !== undefined && p99 <= median) {
        issues.push(outOfOrder(joinPath(path, 'p99'), `greater than median (${median})`));
      }
      break;
    }
  }
  checkKeys(value, ['model', ...FIELDS[model]], path, issues);
  return issues;
}
