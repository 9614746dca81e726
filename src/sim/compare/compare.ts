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
  /** Why a figure has no interval, where it has none. */
  note: string | null;
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

/**
 * The 95% interval of the p-quantile, which always holds the run's own figure for it. Open above
 * (hi = Infinity) where the run has too few values past the quantile to bound it, and from 0 where
 * too few below: no difference in that direction can then be told from noise.
 */
export function percentileInterval(d: Distribution | null, p: number, point: number): Interval | null {
  if (d === null || d.count === 0) return null;
  const ranks = quantileRankInterval(p, d.count);
  const lo = ranks.lo * d.count < 1 ? 0 : valueAt(d, ranks.lo);
  const hi = ranks.hi === Infinity ? Infinity : valueAt(d, ranks.hi);
  return { lo: Math.min(point, lo), hi: Math.max(point, hi) };
}

function verdictOf(a: number, b: number, ai: Interval | null, bi: Interval | null): Verdict {
  if (ai === null || bi === null) return a === b ? 'same' : 'no interval';
  if (overlaps(ai, bi)) return 'within noise';
  return b > a ? 'higher' : 'lower';
}

function row(
  figure: string,
  unit: Unit,
  a: number,
  b: number,
  ai: Interval | null,
  bi: Interval | null,
  note: string | null = null,
): CompareRow {
  return { figure, unit, a, b, aInterval: ai, bInterval: bi, verdict: verdictOf(a, b, ai, bi), note };
}

const SINGLE_RUN = 'a single run has no interval for it';

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
  const percentile = (
    figure: string,
    file: string,
    p: number,
    va: number,
    vb: number,
    da: Distribution | null,
    db: Distribution | null,
  ): void => {
    const missing = [da === null ? 'A' : '', db === null ? 'B' : ''].filter((x) => x !== '').join(' and ');
    const note = missing === '' ? null : `no ${file} in ${missing}`;
    rows.push(row(figure, 'ms', va, vb, percentileInterval(da, p, va), percentileInterval(db, p, vb), note));
  };
  for (const [key, p] of PERCENTILES)
    percentile(
      `latency.auction.${key}`,
      'auction.hgrm',
      p,
      sa.latency.auction[key],
      sb.latency.auction[key],
      a.auction,
      b.auction,
    );
  percentile(
    'latency.overshoot.p99',
    'overshoot.hgrm',
    0.99,
    sa.latency.overshoot.p99,
    sb.latency.overshoot.p99,
    a.overshoot,
    b.overshoot,
  );
  // Each rate with the counts it is a share of: per request sent, or per auction.
  const rates: Array<[string, (s: Summary) => number, (s: Summary) => number, (s: Summary) => number]> = [
    ['rates.timeout', (s) => s.bids.timedOut, (s) => s.bids.sent, (s) => s.rates.timeout],
    ['rates.fill', (s) => s.auctions.filled, (s) => s.auctions.total, (s) => s.rates.fill],
    ['rates.noBid', (s) => s.bids.noBid, (s) => s.bids.sent, (s) => s.rates.noBid],
    ['rates.invalid', (s) => s.bids.invalid, (s) => s.bids.sent, (s) => s.rates.invalid],
    ['rates.lost', (s) => s.bids.lost, (s) => s.bids.sent, (s) => s.rates.lost],
  ];
  for (const [figure, k, n, value] of rates)
    rows.push(row(figure, 'rate', value(sa), value(sb), wilson(k(sa), n(sa)), wilson(k(sb), n(sb))));
  rows.push(
    row('revenue.perThousand', 'money', sa.revenue.perThousand, sb.revenue.perThousand, null, null, SINGLE_RUN),
  );
  rows.push(row('auctions.perSec', 'per-sec', sa.auctions.perSec, sb.auctions.perSec, null, null, SINGLE_RUN));
  const la = sa.latency.eventLoopDelay.p99;
  const lb = sb.latency.eventLoopDelay.p99;
  rows.push(row('latency.eventLoopDelay.p99', 'ms', la, lb, null, null, SINGLE_RUN));
  return { a, b, rows, settings: settingsThatDiffer(a.scenario, b.scenario) };
}

/** A scenario with its bidder groups keyed by name, so a reordered or added group reads as itself. */
function byGroupName(scenario: unknown): unknown {
  if (typeof scenario !== 'object' || scenario === null) return scenario;
  const bidders = (scenario as { bidders?: unknown }).bidders;
  if (!Array.isArray(bidders)) return scenario;
  const named = bidders.map((g: unknown, i) => {
    const name = typeof g === 'object' && g !== null ? (g as { name?: unknown }).name : undefined;
    return [typeof name === 'string' ? name : String(i), g] as const;
  });
  return { ...scenario, bidders: Object.fromEntries(named) };
}

/**
 * The settings whose values differ, by dotted path (bidder groups by name): a leaf setting that
 * differs, or a whole part present on one side only, shown once rather than field by field.
 */
export function settingsThatDiffer(a: unknown, b: unknown): Array<{ path: string; a: unknown; b: unknown }> {
  if (a === null || a === undefined || b === null || b === undefined) return [];
  const ka = byGroupName(a);
  const kb = byGroupName(b);
  const leaf = (v: unknown): boolean => v === null || typeof v !== 'object';
  const out: Array<{ path: string; a: unknown; b: unknown }> = [];
  for (const path of [...new Set([...listPaths(ka), ...listPaths(kb)])]) {
    const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : null;
    if (parent !== null && (getPath(ka, parent) === undefined || getPath(kb, parent) === undefined)) continue;
    const va = getPath(ka, path);
    const vb = getPath(kb, path);
    const oneSided = va === undefined || vb === undefined;
    if (oneSided || ((leaf(va) || leaf(vb)) && JSON.stringify(va) !== JSON.stringify(vb)))
      out.push({ path, a: va, b: vb });
  }
  return out;
}

/** The numbers compareRuns reads from a summary.json; counts among them must be whole and not negative. */
const FIGURES = [
  'latency.auction.p50',
  'latency.auction.p90',
  'latency.auction.p99',
  'latency.auction.p999',
  'latency.overshoot.p99',
  'latency.eventLoopDelay.p99',
  'rates.timeout',
  'rates.fill',
  'rates.noBid',
  'rates.invalid',
  'rates.lost',
  'revenue.perThousand',
  'auctions.perSec',
];
const COUNTS = [
  'latency.auction.count',
  'bids.sent',
  'bids.timedOut',
  'bids.noBid',
  'bids.invalid',
  'bids.lost',
  'auctions.total',
  'auctions.filled',
];

/** What is wrong with a summary.json for comparing it, one line a field; empty when it can be compared. */
export function summaryProblems(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['not an object'];
  const problems: string[] = [];
  for (const path of FIGURES) {
    const v = getPath(raw, path);
    if (typeof v !== 'number' || !Number.isFinite(v))
      problems.push(`${path}: must be a number (got ${JSON.stringify(v)})`);
  }
  for (const path of COUNTS) {
    const v = getPath(raw, path);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      problems.push(`${path}: must be a count, a whole number ≥ 0 (got ${JSON.stringify(v)})`);
  }
  return problems;
}
