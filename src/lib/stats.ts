// Sampling error of the figures a run reports, for telling a real difference from noise. Pure.
//   - A rate k/n (timeouts per request sent, fills per auction): the Wilson score interval, which
//     stays inside [0, 1] and is honest for rates near 0 or 1 and small n, where p ± z·se is not.
//   - A percentile of n values: the order-statistic interval, binomial ranks read back as values
//     through the distribution; open above where the run is too short to bound it (p99.9 of 1,500).
// Both at 95%.

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
