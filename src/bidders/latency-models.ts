// Latency models: how long a leaf takes to answer, in milliseconds. Each spec compiles once into a
// sampler (inverse transform, one uniform draw per sample, so a leaf's random stream advances the
// same way whatever it draws) and an analytic quantile function and cdf for reports and tests.
// Validation of the JSON shape lives in latency-validation.ts and is re-exported here.

import type { EmpiricalSpec, LatencySpec, Rng } from './config.js';
import { normCdf, normInv, normInvFast, Z_99 } from './distributions.js';
import { percentileLevel } from './latency-validation.js';

export { validateLatencySpec, LATENCY_MODELS } from './latency-validation.js';

/**
 * Empirical tables give some percentiles only. Below the lowest (p50 in the usual table) the quantile
 * function runs linearly down to `EMPIRICAL_FLOOR_FRACTION` of it at q = 0: a real bidder never
 * answers in 0 ms (parsing, model evaluation and the network set a floor), and half the median keeps
 * the lower half of the distribution within a factor of two of the median, as measured RTB latencies
 * are, while never crossing p50. Above the highest (p99.9, say) the last segment's slope (p99 →
 * p99.9) carries on to q = 1, so the top keeps the density it had there and the maximum stays finite:
 * a table with no p99.99 gives no basis for a heavier tail, and a bounded maximum keeps virtual runs
 * bounded.
 */
export const EMPIRICAL_FLOOR_FRACTION = 0.5;

interface Model {
  /** Milliseconds >= 0; one rng draw (two for a mixture: the component, then its sample). */
  readonly sample: (rng: Rng) => number;
  readonly quantile: (q: number) => number;
  readonly cdf: (x: number) => number;
}

function constant(ms: number): Model {
  return {
    // The draw is still taken so every non-mixture model advances the stream by exactly one.
    sample: (rng) => (rng(), ms),
    quantile: () => ms,
    cdf: (x) => (x >= ms ? 1 : 0),
  };
}

function uniform(min: number, max: number): Model {
  const width = max - min;
  return {
    sample: (rng) => min + rng() * width,
    quantile: (q) => min + q * width,
    cdf: (x) => (x < min ? 0 : x >= max ? 1 : (x - min) / width),
  };
}

/** Normal truncated at 0: the inverse cdf of the truncated law, so no mass piles up at 0. */
function truncatedNormal(mean: number, sd: number): Model {
  // Mass of the untruncated normal below 0; the truncated cdf rescales what is left above it.
  const below = normCdf(-mean / sd);
  const above = 1 - below;
  return {
    // Math.max guards only against rounding just under 0 at the very bottom of the range.
    sample: (rng) => Math.max(0, mean + sd * normInvFast(below + rng() * above)),
    quantile: (q) => Math.max(0, mean + sd * normInv(below + q * above)),
    cdf: (x) => (x <= 0 ? 0 : Math.min(1, (normCdf((x - mean) / sd) - below) / above)),
  };
}

function lognormal(median: number, p99: number): Model {
  const mu = Math.log(median);
  const sigma = (Math.log(p99) - mu) / Z_99;
  return {
    sample: (rng) => Math.exp(mu + sigma * normInvFast(rng())),
    quantile: (q) => Math.exp(mu + sigma * normInv(q)),
    cdf: (x) => (x <= 0 ? 0 : normCdf((Math.log(x) - mu) / sigma)),
  };
}

function exponential(mean: number): Model {
  return {
    // rng() is in [0, 1), so log1p(-u) is finite.
    sample: (rng) => -mean * Math.log1p(-rng()),
    quantile: (q) => -mean * Math.log1p(-q),
    cdf: (x) => (x <= 0 ? 0 : -Math.expm1(-x / mean)),
  };
}

function pareto(scale: number, alpha: number): Model {
  const inv = -1 / alpha;
  return {
    sample: (rng) => scale * Math.pow(1 - rng(), inv),
    quantile: (q) => scale * Math.pow(1 - q, inv),
    cdf: (x) => (x <= scale ? 0 : 1 - Math.pow(scale / x, alpha)),
  };
}

/** Piecewise-linear quantile function through the anchors (see EMPIRICAL_FLOOR_FRACTION). */
function empirical(spec: EmpiricalSpec): Model {
  const anchors: [q: number, ms: number][] = [];
  for (const [key, value] of Object.entries(spec)) {
    const q = percentileLevel(key);
    if (q !== undefined) anchors.push([q, value as number]);
  }
  anchors.sort((a, b) => a[0] - b[0]);
  const qs = new Float64Array(anchors.length + 2);
  const xs = new Float64Array(anchors.length + 2);
  xs[0] = EMPIRICAL_FLOOR_FRACTION * anchors[0]![1];
  anchors.forEach(([q, ms], i) => {
    qs[i + 1] = q;
    xs[i + 1] = ms;
  });
  const last = qs.length - 1;
  const [qTop, xTop] = [qs[last - 1]!, xs[last - 1]!];
  const [qBelow, xBelow] = [qs[last - 2]!, xs[last - 2]!];
  qs[last] = 1;
  xs[last] = xTop + ((xTop - xBelow) * (1 - qTop)) / (qTop - qBelow);
  const quantile = (q: number): number => {
    let i = 1;
    while (i < last && q > (qs[i] as number)) i++;
    const q0 = qs[i - 1] as number;
    const x0 = xs[i - 1] as number;
    return x0 + ((q - q0) * ((xs[i] as number) - x0)) / ((qs[i] as number) - q0);
  };
  return {
    sample: (rng) => quantile(rng()),
    quantile,
    cdf: (x) => {
      if (x <= (xs[0] as number)) return 0;
      if (x >= (xs[last] as number)) return 1;
      let i = 1;
      while (x > (xs[i] as number)) i++;
      const x0 = xs[i - 1] as number;
      const q0 = qs[i - 1] as number;
      return q0 + ((x - x0) * ((qs[i] as number) - q0)) / ((xs[i] as number) - x0);
    },
  };
}

/** The first index from 1 in `a` (ascending) whose value is >= x (> x when `strict`); a.length if none. */
function search(a: Float64Array, x: number, strict: boolean): number {
  let lo = 1;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = a[mid] as number;
    if (strict ? v > x : v >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * A quantile table (levels strictly rising from 0 to 1, latencies never falling), linear between its
 * points; a binary search finds the segment, so a table of thousands of points costs a dozen steps a
 * sample. A run of equal latencies is an atom there, which the cdf counts in full.
 */
function table(q: readonly number[], ms: readonly number[]): Model {
  const qs = Float64Array.from(q);
  const xs = Float64Array.from(ms);
  const last = qs.length - 1;
  const quantile = (u: number): number => {
    if (u <= 0) return xs[0] as number;
    const i = Math.min(last, search(qs, u, false));
    const q0 = qs[i - 1] as number;
    const x0 = xs[i - 1] as number;
    return x0 + ((u - q0) * ((xs[i] as number) - x0)) / ((qs[i] as number) - q0);
  };
  return {
    sample: (rng) => quantile(rng()),
    quantile,
    cdf: (x) => {
      if (x < (xs[0] as number)) return 0;
      if (x >= (xs[last] as number)) return 1;
      const i = search(xs, x, true);
      const x0 = xs[i - 1] as number;
      const q0 = qs[i - 1] as number;
      return q0 + ((x - x0) * ((qs[i] as number) - q0)) / ((xs[i] as number) - x0);
    },
  };
}

function mixture(of: ReadonlyArray<LatencySpec & { weight: number }>): Model {
  const parts = of.map(compile);
  const samplers = parts.map((p) => p.sample);
  // Validation requires the weights to sum to 1; normalising anyway keeps the cdf a cdf if a caller
  // builds a spec in code with rounding error.
  const total = of.reduce((s, c) => s + c.weight, 0);
  const weights = Float64Array.from(of, (c) => c.weight / total);
  const cumulative = new Float64Array(weights.length);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i] as number;
    cumulative[i] = acc;
  }
  const lastIndex = samplers.length - 1;
  const cdf = (x: number): number => {
    let s = 0;
    for (let i = 0; i < parts.length; i++) s += (weights[i] as number) * (parts[i] as Model).cdf(x);
    return Math.min(1, s);
  };
  return {
    sample: (rng) => {
      const u = rng();
      let i = 0;
      while (i < lastIndex && u >= (cumulative[i] as number)) i++;
      return (samplers[i] as (rng: Rng) => number)(rng);
    },
    // The mixture's q-quantile lies between the smallest and largest component q-quantiles; bisect
    // there for the least x with cdf(x) >= q (a constant component makes the cdf jump).
    quantile: (q) => {
      const bounds = parts.map((p) => p.quantile(q));
      let lo = Math.min(...bounds);
      let hi = Math.max(...bounds);
      if (!Number.isFinite(hi)) return hi;
      if (cdf(lo) >= q) return lo;
      // Bisect to full double precision (about 1100 halvings at most): a coarser stop would make
      // tiny quantiles non-monotone in q. Not a hot path.
      for (;;) {
        const mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) return hi;
        if (cdf(mid) >= q) hi = mid;
        else lo = mid;
      }
    },
    cdf,
  };
}

function compile(spec: LatencySpec): Model {
  switch (spec.model) {
    case 'constant':
      return constant(spec.ms);
    case 'uniform':
      return uniform(spec.minMs, spec.maxMs);
    case 'normal':
      return truncatedNormal(spec.meanMs, spec.sdMs);
    case 'lognormal':
      return lognormal(spec.medianMs, spec.p99Ms);
    case 'exponential':
      return exponential(spec.meanMs);
    case 'pareto':
      return pareto(spec.minMs, spec.alpha);
    case 'empirical':
      return empirical(spec);
    case 'table':
      return table(spec.q, spec.ms);
    case 'mixture':
      return mixture(spec.of);
  }
}

/**
 * A sampler of milliseconds >= 0 for a validated spec. Build it once per leaf: the returned function
 * allocates nothing and takes one draw from `rng` per sample (a mixture takes two: the component,
 * then the component's own draw).
 */
export function latencySampler(spec: LatencySpec): (rng: Rng) => number {
  return compile(spec).sample;
}

function checkProbability(q: number): void {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile level must be in [0, 1] (got ${q})`);
}

/** The analytic q-quantile in milliseconds (q in [0, 1]; Pareto's q = 1 is Infinity). */
export function latencyQuantile(spec: LatencySpec, q: number): number {
  checkProbability(q);
  return compile(spec).quantile(q);
}

/** The analytic cdf: the probability that a sample is <= x milliseconds. */
export function latencyCdf(spec: LatencySpec, x: number): number {
  return compile(spec).cdf(x);
}
