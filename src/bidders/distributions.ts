// The standard normal distribution: cdf and inverse cdf, shared by the latency and price models.
// Pure and dependency-free.

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Standard normal density. */
export function normPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

// Below this |x| the Taylor series is used, above it the continued fraction: the series has only
// positive terms (no cancellation) and converges fast near 0, while the continued fraction keeps full
// relative accuracy deep in the tails, where 0.5 - series would cancel.
const SERIES_LIMIT = 3;
// Enough continued-fraction terms for ~1e-15 relative accuracy at |x| = 3 (checked in the tests);
// fewer are needed further out, but a fixed count keeps the code branch-free.
const CF_TERMS = 120;

/** Upper tail Q(x) = 1 - Phi(x) for x >= SERIES_LIMIT, by the Laplace continued fraction for the Mills ratio. */
function upperTail(x: number): number {
  // Q(x) = phi(x) / (x + 1/(x + 2/(x + 3/(x + ...)))), evaluated from the back.
  let t = x;
  for (let k = CF_TERMS; k >= 1; k--) t = x + k / t;
  return normPdf(x) / t;
}

/** Phi(x) - 0.5 for small |x|: phi(x) * sum x^(2n+1) / (1*3*...*(2n+1)). */
function centralSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return normPdf(x) * sum;
}

/** Standard normal cdf Phi(x), accurate to ~1e-15 relative in both tails. */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  if (x >= SERIES_LIMIT) return 1 - upperTail(x);
  if (x <= -SERIES_LIMIT) return upperTail(-x);
  return 0.5 + centralSeries(x);
}

// Acklam's rational approximation to the inverse normal cdf (relative error < 1.15e-9).
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const [a1, a2, a3, a4, a5, a6] = A as [number, number, number, number, number, number];
const [b1, b2, b3, b4, b5] = B as [number, number, number, number, number];
const [c1, c2, c3, c4, c5, c6] = C as [number, number, number, number, number, number];
const [d1, d2, d3, d4] = D as [number, number, number, number];
const P_LOW = 0.02425;
const P_HIGH = 1 - P_LOW;

/**
 * Inverse standard normal cdf by Acklam's approximation alone (relative error < 1.15e-9). This is
 * the sampling path: cheap, no loops, and far more accurate than any sample can tell.
 * Returns -Infinity at p <= 0 and Infinity at p >= 1.
 */
export function normInvFast(p: number): number {
  if (p <= 0) return p === 0 ? -Infinity : NaN;
  if (p >= 1) return p === 1 ? Infinity : NaN;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  if (p > P_HIGH) {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    return -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * q) /
    (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1)
  );
}

/**
 * Inverse standard normal cdf: Acklam's approximation plus one Halley refinement step against
 * `normCdf`, which brings it to ~1e-15 relative. Use for analytic quantiles (reports, tests,
 * lognormal sigma from p99); samplers use `normInvFast`.
 */
export function normInv(p: number): number {
  const x = normInvFast(p);
  if (!Number.isFinite(x)) return x;
  // e = Phi(x) - p, computed on the smaller tail so it does not cancel near p = 1
  // (for p > 0.5, 1 - p is exact and Phi(x) - p = (1 - p) - Phi(-x)).
  const e = p > 0.5 ? 1 - p - normCdf(-x) : normCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
  // Past |x| ~ 37 the density underflows and the step is 0 * Infinity: keep Acklam's value there.
  if (!Number.isFinite(u)) return x;
  return x - u / (1 + (x * u) / 2);
}

/** z such that Phi(z) = 0.99: the lognormal models turn a median and a p99 into sigma with it. */
export const Z_99 = normInv(0.99);
