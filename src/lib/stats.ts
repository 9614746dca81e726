// Sampling error of the figures a run reports, for telling a real difference from noise. Pure.
//   - A rate k/n (timeouts per request sent, fills per auction): the Wilson score interval, which
//     stays inside [0, 1] and is honest for rates near 0 or 1 and small n, where p ± z·se is not.
//   - A percentile of n values: the order-statistic interval, the ranks n·p ± z·sqrt(n·p·(1−p)) read
//     back as values through the distribution (a binomial count of values below the quantile).
// Both at 95% (z = 1.96) unless told otherwise.

export interface Interval {
  lo: number;
  hi: number;
}

export const Z95 = 1.959963984540054;

/** The Wilson score interval of k successes in n trials (n > 0); [0, 1] when n is 0. */
export function wilson(k: number, n: number, z = Z95): Interval {
  if (!(n > 0)) return { lo: 0, hi: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  // At k = 0 or k = n the bound is exactly 0 or 1; rounding would leave a trace.
  return { lo: k <= 0 ? 0 : Math.max(0, centre - half), hi: k >= n ? 1 : Math.min(1, centre + half) };
}

/**
 * The cumulative fractions between which the p-quantile of n values lies with the given confidence:
 * its rank n·p is binomial, so the fractions are p ± z·sqrt(p·(1−p)/n), clipped to [0, 1].
 */
export function quantileRankInterval(p: number, n: number, z = Z95): Interval {
  if (!(n > 0)) return { lo: 0, hi: 1 };
  const half = z * Math.sqrt((p * (1 - p)) / n);
  return { lo: Math.max(0, p - half), hi: Math.min(1, p + half) };
}

/** Whether two intervals share a point. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.lo <= b.hi && b.lo <= a.hi;
}
