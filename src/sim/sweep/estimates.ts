// A sweep cell's figures over its repeats, each with a 95% interval, and its thresholds judged with
// them. Pure.
//   - A rate (timeouts per request, fills per auction, auctions that waited for the deadline) pools
//     its counts over the repeats: Wilson's interval of Σk / Σn. Wilson's takes each request as
//     independent, which holds in virtual time but not live, where one stall of a loop times out many
//     requests at once: with two or more live repeats, the interval is the wider of Wilson's and the
//     t-interval of the repeats' own rates.
//   - Anything else (revenue per thousand, a percentile, a mean) is a mean over the repeats with
//     Student's t-interval; with one repeat it has no interval and is judged on its value alone.
// A threshold passes when its interval lies wholly on the passing side, fails when wholly on the
// failing side, and is "within noise" when it straddles the value.

import { meanInterval, overlaps, wilson, type Interval } from '../../lib/stats.js';
import { getPath } from '../scenario/dotted-path.js';
import type { Summary, ThresholdResult } from '../metrics/summary.js';
import { COMPARISON } from '../scenario/dotted-sections.js';

export interface Estimate extends Interval {
  /** The pooled rate or the mean over repeats. */
  mean: number;
  /** How the interval was made: Wilson over pooled counts, Student's t over repeats, or none (one repeat). */
  method: 'wilson' | 't' | 'none';
  /** Repeats it is made of. */
  n: number;
}

/** A summary field that is a rate, as the counts it is made of (dotted paths into the same summary). */
interface RateParts {
  num: string;
  den: string;
}

const TOP_RATES: Record<string, RateParts> = {
  'rates.fill': { num: 'auctions.filled', den: 'auctions.total' },
  'rates.timeout': { num: 'bids.timedOut', den: 'bids.sent' },
  'rates.noBid': { num: 'bids.noBid', den: 'bids.sent' },
  'rates.invalid': { num: 'bids.invalid', den: 'bids.sent' },
  'rates.lost': { num: 'bids.lost', den: 'bids.sent' },
  'rates.toDeadline': { num: 'auctions.toDeadline', den: 'auctions.total' },
};

/** The counts behind a rate path, or null for a path that is not a known rate. */
export function rateParts(path: string): RateParts | null {
  const top = TOP_RATES[path];
  if (top !== undefined) return top;
  const m = /^(bidders|groups)\.(.+)\.(timeoutRate|winRate)$/.exec(path);
  if (m === null) return null;
  const at = `${m[1]}.${m[2]}`;
  if (m[3] === 'timeoutRate') return { num: `${at}.timedOut`, den: `${at}.sent` };
  return m[1] === 'bidders' ? { num: `${at}.wins`, den: `${at}.bids` } : null;
}

const numberAt = (s: Summary, path: string): number | null => {
  const v = getPath(s, path);
  return typeof v === 'number' ? v : null;
};

/** A mean over values with its t-interval (none with one value). */
export function meanEstimate(values: readonly number[]): Estimate {
  const i = meanInterval(values);
  return { mean: i.mean, lo: i.lo, hi: i.hi, n: i.n, method: i.n > 1 ? 't' : 'none' };
}

/**
 * Σk / Σn over the repeats with Wilson's interval; `clustered` (live runs) widens it to the t-interval
 * of the repeats' own rates where that is wider (two or more repeats).
 */
export function pooledRate(k: readonly number[], n: readonly number[], clustered = false): Estimate {
  const sk = k.reduce((a, b) => a + b, 0);
  const sn = n.reduce((a, b) => a + b, 0);
  const w = wilson(sk, sn);
  let { lo, hi } = w;
  if (clustered && k.length >= 2) {
    const rates = k.flatMap((x, i) => (n[i]! > 0 ? [x / n[i]!] : []));
    if (rates.length >= 2) {
      const t = meanInterval(rates);
      lo = Math.max(0, Math.min(lo, t.lo));
      hi = Math.min(1, Math.max(hi, t.hi));
    }
  }
  return { mean: sn > 0 ? sk / sn : 0, lo, hi, n: k.length, method: 'wilson' };
}

/**
 * The estimate of a summary path over the repeats, or null when some repeat has no number there.
 * A rate whose counts some summary lacks (an older one without auctions.toDeadline) falls back to
 * the mean of the rates.
 */
export function estimate(path: string, repeats: readonly Summary[]): Estimate | null {
  const parts = rateParts(path);
  if (parts !== null) {
    const k = repeats.map((s) => numberAt(s, parts.num));
    const n = repeats.map((s) => numberAt(s, parts.den));
    if (k.every((x) => x !== null) && n.every((x) => x !== null))
      return pooledRate(k as number[], n as number[], repeats[0]?.mode === 'live');
  }
  const values = repeats.map((s) => numberAt(s, path));
  return values.every((x) => x !== null) ? meanEstimate(values as number[]) : null;
}

/** The figures every cell shows. */
export interface CellFigures {
  revenuePerThousand: Estimate;
  p50: Estimate;
  p99: Estimate;
  timeout: Estimate;
  fill: Estimate;
  toDeadline: Estimate;
  /** Bid requests sent per auction, for the cost of calls. */
  callsPerAuction: Estimate;
  /** Mean auction time in ms, for the cost of waiting. */
  meanMs: Estimate;
}

export function cellFigures(repeats: readonly Summary[]): CellFigures {
  const each = (f: (s: Summary) => number): Estimate => meanEstimate(repeats.map(f));
  return {
    revenuePerThousand: each((s) => s.revenue.perThousand),
    p50: each((s) => s.latency.auction.p50),
    p99: each((s) => s.latency.auction.p99),
    timeout: estimate('rates.timeout', repeats)!,
    fill: estimate('rates.fill', repeats)!,
    toDeadline:
      estimate('rates.toDeadline', repeats) ??
      pooledRate(
        repeats.map((s) => s.latency.overshoot.count),
        repeats.map((s) => s.auctions.total),
      ),
    callsPerAuction: each((s) => (s.auctions.total === 0 ? 0 : s.bids.sent / s.auctions.total)),
    meanMs: each((s) => s.auctions.meanMs ?? s.latency.auction.p50),
  };
}

export type Verdict = 'pass' | 'fail' | 'noise';

/** A threshold judged with its interval; `actual` is the pooled rate or the mean, `pass` is verdict "pass". */
export interface JudgedThreshold extends ThresholdResult {
  verdict: Verdict;
  interval: Interval | null;
  method: Estimate['method'] | null;
}

function parse(expr: string): { op: string; value: number } {
  const m = COMPARISON.exec(expr.trim());
  if (m === null) throw new Error(`not a comparison: ${expr}`);
  return { op: m[1]!, value: Number(expr.trim().slice(m[1]!.length)) };
}

const holds = (x: number, op: string, value: number): boolean =>
  op === '<' ? x < value : op === '<=' ? x <= value : op === '>' ? x > value : x >= value;

/** Pass when every point of the interval passes, fail when none does, else within noise. */
export function judge(interval: Interval, op: string, value: number): Verdict {
  const lo = holds(interval.lo, op, value);
  const hi = holds(interval.hi, op, value);
  if (lo && hi) return 'pass';
  if (!lo && !hi) return 'fail';
  return 'noise';
}

export function judgeThresholds(repeats: readonly Summary[], thresholds: Record<string, string>): JudgedThreshold[] {
  return Object.entries(thresholds).map(([metric, expr]) => {
    const { op, value } = parse(expr);
    const e = estimate(metric, repeats);
    if (e === null)
      return { metric, op, value, actual: null, pass: false, verdict: 'fail', interval: null, method: null };
    const verdict = judge(e, op, value);
    return {
      metric,
      op,
      value,
      actual: e.mean,
      pass: verdict === 'pass',
      verdict,
      interval: { lo: e.lo, hi: e.hi },
      method: e.method,
    };
  });
}

/** A cell's standing against every threshold: any fail fails it; else any within noise; else pass. */
export function cellVerdict(judged: readonly JudgedThreshold[]): Verdict {
  if (judged.some((t) => t.verdict === 'fail')) return 'fail';
  return judged.some((t) => t.verdict === 'noise') ? 'noise' : 'pass';
}

/** How a compares with b: clearly higher or lower when their intervals do not meet, else within noise. */
export function compareEstimates(a: Estimate, b: Estimate): 'higher' | 'lower' | 'within noise' {
  if (overlaps(a, b)) return 'within noise';
  return a.mean > b.mean ? 'higher' : 'lower';
}
