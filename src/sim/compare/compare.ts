// Two runs side by side: every headline figure of summary.json with its difference, and whether the
// difference is more than sampling noise. Pure: the command line reads the folders and hands them in.
//   - rates (timeouts, fills, no-bids, invalid, lost): Wilson intervals of their counts;
//   - latency percentiles: order-statistic intervals, read through the run's .hgrm distribution
//     (interpolated between its rows);
//   - a figure without an interval (revenue, throughput, event-loop delay of a single run) is
//     shown with its difference and no verdict: telling noise there needs repeats.
// Two figures are "within noise" when their 95% intervals overlap.

import { getPath, listPaths } from '../scenario/dotted-path.js';
import type { Summary } from '../metrics/summary.js';
import { overlaps, quantileRankInterval, wilson, type Interval } from '../../lib/stats.js';

/** A percentile distribution as an .hgrm file lists it: values (ms) against cumulative fractions. */
export interface Distribution {
  rows: ReadonlyArray<{ value: number; fraction: number }>;
  count: number;
}

export interface RunFolder {
  /** How the page names the run: its folder. */
  label: string;
  summary: Summary;
  /** auction.hgrm and overshoot.hgrm, where the folder has them. */
  auction: Distribution | null;
  overshoot: Distribution | null;
  /** scenario.resolved.json, where the folder has it. */
  scenario: unknown;
}

export type Unit = 'ms' | 'rate' | 'money' | 'per-sec';
export type Verdict = 'within noise' | 'higher' | 'lower' | 'same' | 'no interval';

export interface CompareRow {
  figure: string;
  unit: Unit;
  a: number;
  b: number;
  aInterval: Interval | null;
  bInterval: Interval | null;
  verdict: Verdict;
}

export interface Comparison {
  a: RunFolder;
  b: RunFolder;
  rows: CompareRow[];
  /** Scenario settings that differ, as dotted paths (empty when either folder has no resolved scenario). */
  settings: Array<{ path: string; a: unknown; b: unknown }>;
}

/** Reads an .hgrm text; null when it holds no rows. */
export function parseHgrm(text: string): Distribution | null {
  const rows: Array<{ value: number; fraction: number }> = [];
  let count = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*([\d.]+)\s+([\d.]+)\s+(\d+)/.exec(line);
    if (m === null) continue;
    rows.push({ value: Number(m[1]), fraction: Number(m[2]) });
    count = Math.max(count, Number(m[3]));
  }
  return rows.length === 0 ? null : { rows, count };
}

/**
 * The value at cumulative `fraction`, interpolated linearly between the .hgrm rows around it (the
 * file lists a row per few percent in the middle of the distribution, denser toward the tail).
 */
export function valueAt(d: Distribution, fraction: number): number {
  const rows = d.rows;
  if (fraction <= rows[0]!.fraction) return rows[0]!.value;
  for (let i = 1; i < rows.length; i++) {
    const hi = rows[i]!;
    if (hi.fraction < fraction) continue;
    const lo = rows[i - 1]!;
    if (hi.fraction === lo.fraction) return hi.value;
    return lo.value + ((hi.value - lo.value) * (fraction - lo.fraction)) / (hi.fraction - lo.fraction);
  }
  return rows[rows.length - 1]!.value;
}

/** The 95% interval of the p-quantile, which always holds the run's own figure for it. */
export function percentileInterval(d: Distribution | null, p: number, point: number): Interval | null {
  if (d === null || d.count === 0) return null;
  const ranks = quantileRankInterval(p, d.count);
  return { lo: Math.min(point, valueAt(d, ranks.lo)), hi: Math.max(point, valueAt(d, ranks.hi)) };
}

function verdictOf(a: number, b: number, ai: Interval | null, bi: Interval | null): Verdict {
  if (ai === null || bi === null) return a === b ? 'same' : 'no interval';
  if (overlaps(ai, bi)) return 'within noise';
  return b > a ? 'higher' : 'lower';
}

function row(figure: string, unit: Unit, a: number, b: number, ai: Interval | null, bi: Interval | null): CompareRow {
  return { figure, unit, a, b, aInterval: ai, bInterval: bi, verdict: verdictOf(a, b, ai, bi) };
}

const PERCENTILES = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
  ['p999', 0.999],
] as const;

export function compareRuns(a: RunFolder, b: RunFolder): Comparison {
  const sa = a.summary;
  const sb = b.summary;
  const rows: CompareRow[] = [];
  for (const [key, p] of PERCENTILES) {
    const va = sa.latency.auction[key];
    const vb = sb.latency.auction[key];
    rows.push(
      row(
        `latency.auction.${key}`,
        'ms',
        va,
        vb,
        percentileInterval(a.auction, p, va),
        percentileInterval(b.auction, p, vb),
      ),
    );
  }
  const oa = sa.latency.overshoot.p99;
  const ob = sb.latency.overshoot.p99;
  rows.push(
    row(
      'latency.overshoot.p99',
      'ms',
      oa,
      ob,
      percentileInterval(a.overshoot, 0.99, oa),
      percentileInterval(b.overshoot, 0.99, ob),
    ),
  );
  const rate = (figure: string, k: (s: Summary) => number, n: (s: Summary) => number, value: (s: Summary) => number) =>
    rows.push(row(figure, 'rate', value(sa), value(sb), wilson(k(sa), n(sa)), wilson(k(sb), n(sb))));
  rate(
    'rates.timeout',
    (s) => s.bids.timedOut,
    (s) => s.bids.sent,
    (s) => s.rates.timeout,
  );
  rate(
    'rates.fill',
    (s) => s.auctions.filled,
    (s) => s.auctions.total,
    (s) => s.rates.fill,
  );
  rate(
    'rates.noBid',
    (s) => s.bids.noBid,
    (s) => s.bids.sent,
    (s) => s.rates.noBid,
  );
  rate(
    'rates.invalid',
    (s) => s.bids.invalid,
    (s) => s.bids.sent,
    (s) => s.rates.invalid,
  );
  rate(
    'rates.lost',
    (s) => s.bids.lost,
    (s) => s.bids.sent,
    (s) => s.rates.lost,
  );
  rows.push(row('revenue.perThousand', 'money', sa.revenue.perThousand, sb.revenue.perThousand, null, null));
  rows.push(row('auctions.perSec', 'per-sec', sa.auctions.perSec, sb.auctions.perSec, null, null));
  const la = sa.latency.eventLoopDelay.p99;
  const lb = sb.latency.eventLoopDelay.p99;
  rows.push(row('latency.eventLoopDelay.p99', 'ms', la, lb, null, null));
  return { a, b, rows, settings: settingsThatDiffer(a.scenario, b.scenario) };
}

/** Leaf settings (numbers, strings, booleans, null) whose values differ, by dotted path. */
function settingsThatDiffer(a: unknown, b: unknown): Array<{ path: string; a: unknown; b: unknown }> {
  if (a === null || a === undefined || b === null || b === undefined) return [];
  const leaf = (v: unknown): boolean => v === null || typeof v !== 'object';
  const paths = [...new Set([...listPaths(a), ...listPaths(b)])].filter(
    (p) => leaf(getPath(a, p)) || leaf(getPath(b, p)),
  );
  return paths
    .filter((p) => JSON.stringify(getPath(a, p)) !== JSON.stringify(getPath(b, p)))
    .map((p) => ({ path: p, a: getPath(a, p), b: getPath(b, p) }));
}
