// The sweep's recommendation, as a rule a user can check by hand in sweep.md:
//   among the cells that pass every threshold of the scenario (all cells when it has none), take
//   the highest revenue per thousand auctions (summary.revenue.perThousand); on a tie, the smaller
//   auction.tmaxMs; then the fewer leaves called (config.leaves); then the earlier cell.
// A tie is exact equality of the summary's figure (rounded to 6 decimals there). Pure.

import type { Summary, ThresholdResult } from '../metrics/summary.js';

export interface CellResult {
  index: number;
  values: unknown[];
  summary: Summary;
  thresholds: ThresholdResult[];
  pass: boolean;
}

export type Recommendation = { found: true; index: number; reason: string } | { found: false; reason: string };

export const RULE =
  'among cells meeting every threshold, the highest revenue per thousand auctions; ties go to the smaller tmax, then to fewer bidders, then to the earlier cell';

function better(a: CellResult, b: CellResult): boolean {
  const ra = a.summary.revenue.perThousand;
  const rb = b.summary.revenue.perThousand;
  if (ra !== rb) return ra > rb;
  const ta = a.summary.config.tmaxMs;
  const tb = b.summary.config.tmaxMs;
  if (ta !== tb) return ta < tb;
  const la = a.summary.config.leaves;
  const lb = b.summary.config.leaves;
  if (la !== lb) return la < lb;
  return a.index < b.index;
}

export function recommend(results: readonly CellResult[]): Recommendation {
  let best: CellResult | null = null;
  for (const r of results) if (r.pass && (best === null || better(r, best))) best = r;
  if (best === null) {
    return { found: false, reason: `no cell meets the thresholds (${results.length} cells run)` };
  }
  const s = best.summary;
  const passing = results.filter((r) => r.pass).length;
  return {
    found: true,
    index: best.index,
    reason:
      `tmax ${s.config.tmaxMs} ms with ${s.config.leaves} bidders: revenue ${s.revenue.perThousand} per thousand auctions, ` +
      `p99 ${s.latency.auction.p99} ms, timeout rate ${s.rates.timeout}, fill ${s.rates.fill} (best of ${passing} passing cells of ${results.length})`,
  };
}

/** The cells on the latency/revenue Pareto frontier: no other cell has lower p99 and higher revenue. */
export function paretoFrontier(results: readonly CellResult[]): number[] {
  const sorted = [...results].sort(
    (a, b) =>
      a.summary.latency.auction.p99 - b.summary.latency.auction.p99 ||
      b.summary.revenue.perThousand - a.summary.revenue.perThousand,
  );
  const out: number[] = [];
  let bestRevenue = -Infinity;
  for (const r of sorted) {
    if (r.summary.revenue.perThousand > bestRevenue) {
      out.push(r.index);
      bestRevenue = r.summary.revenue.perThousand;
    }
  }
  return out;
}
