// Sampling error of the figures a run reports, for telling a real difference from noise. Pure.
//   - A rate k/n (timeouts per request sent, fills per auction): the Wilson score interval, which
//     stays inside [0, 1] and is honest for rates near 0 or 1 and small n, where p ± z·se is not.
//   - A percentile of n values: the order-statistic interval, binomial ranks read back as values
//     through the distribution; open above where the run is too short to bound it (p99.9 of 1,500).
//   - A mean of a few repeats (a sweep cell's revenue over seeds): Student's t-interval, its quantile
//     computed from the t distribution (the regularised incomplete beta function), not from a table.
// All at 95%.

export interface Interval {
  lo: number;
  hi: number;
}

/** The normal quantile of a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** The Wilson score interval of k successes in n trials (n > 0); [0, 1] when n is 0. */
export function wilson(k: number, n: number): Interval {
  const z = Z95;
  if (!(n > 0)) return { lo: 0, hi: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  // At k = 0 or k = n the bound is exactly 0 or 1; rounding would leave a trace.
  return { lo: k <= 0 ? 0 : Math.max(0, centre - half), hi: k >= n ? 1 : Math.min(1, centre + half) };
}

/** The share outside a 95% interval, split between its two tails. */
const ALPHA = 0.05;

/**
 * The smallest k with P(X ≤ k) ≥ q for X ~ Binomial(n, m), m ≤ 0.5 and a small mean: summed from 0,
 * where the terms neither underflow nor lose precision (n·m is small wherever this is used).
 */
function binomialQuantileSmall(q: number, n: number, m: number): number {
  let pmf = Math.exp(n * Math.log1p(-m));
  let cdf = pmf;
  let k = 0;
  while (cdf < q && k < n) {
    pmf *= ((n - k) / (k + 1)) * (m / (1 - m));
    cdf += pmf;
    k++;
  }
  return k;
}

/**
 * The 95% interval of the p-quantile of n values, as cumulative fractions of the sorted values: the
 * order statistics X(l) … X(u) with l and u the binomial ranks (the count of values below the true
 * quantile is Binomial(n, p)). Exact where n·p·(1−p) is small (the far tail of a short run), the
 * normal approximation elsewhere. `hi` above 1 means the upper bound lies beyond the largest value:
 * the run is too short to bound that percentile from above; `lo` below 1/n likewise from below.
 */
export function quantileRankInterval(p: number, n: number): Interval {
  if (!(n > 0)) return { lo: 0, hi: Infinity };
  const spread = n * p * (1 - p);
  let l: number;
  let u: number;
  if (spread >= 50) {
    const half = Z95 * Math.sqrt(spread);
    l = Math.floor(n * p - half);
    u = Math.ceil(n * p + half) + 1;
  } else if (p >= 0.5) {
    // Count the values above the quantile instead, Binomial(n, 1 − p), whose mean is small.
    const above = (q: number): number => binomialQuantileSmall(q, n, 1 - p);
    l = n - above(1 - ALPHA / 2);
    u = n - above(ALPHA / 2) + 1;
  } else {
    l = binomialQuantileSmall(ALPHA / 2, n, p);
    u = binomialQuantileSmall(1 - ALPHA / 2, n, p) + 1;
  }
  return { lo: l / n, hi: u > n ? Infinity : u / n };
}

/** Whether two intervals share a point. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.lo <= b.hi && b.lo <= a.hi;
}

/** The natural log of Γ(x) for x > 0: Lanczos (g = 7, 9 terms), about 15 digits. */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz), for x < (a + 1) / (a + b + 2). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b), 0 ≤ x ≤ 1. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (df > 0). */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The q-quantile of Student's t with `df` degrees of freedom (0 < q < 1, df > 0), found by bisecting
 * the cdf to within 1e-12: t(0.975, 2) = 4.302653, t(0.975, 30) = 2.042272.
 */
export function studentTQuantile(q: number, df: number): number {
  if (!(q > 0 && q < 1) || !(df > 0)) throw new RangeError(`studentTQuantile: need 0 < q < 1 and df > 0`);
  if (q < 0.5) return -studentTQuantile(1 - q, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < q) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface MeanInterval extends Interval {
  mean: number;
  /** The number of values. */
  n: number;
}

/**
 * The mean of `values` with its 95% Student t-interval, mean ± t(0.975, n − 1) · s / √n, which holds
 * for few values when they are roughly normal (a mean over thousands of auctions is). With one value
 * there is no spread to go on: the interval is that value alone, and `n` says so.
 */
export function meanInterval(values: readonly number[]): MeanInterval {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lo: mean, hi: mean, n };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  const half = studentTQuantile(1 - ALPHA / 2, n - 1) * Math.sqrt(variance / n);
  return { mean, lo: mean - half, hi: mean + half, n };
}
