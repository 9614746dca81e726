// sweep.json: the axes, one summary per cell with its threshold results, the Pareto frontier and the
// recommendation. The Markdown and HTML reports are drawn from this one object.

import { fmtInt, fmtMoney, fmtMsAgainst, fmtPct, fmtSetting } from '../report/format.js';
import type { Scenario } from '../scenario/schema.js';
import type { Axis } from './cells.js';
import { paretoFrontier, recommend, RULE, type CellResult, type Recommendation } from './recommend.js';

export interface SweepReport {
  name: string;
  mode: Scenario['mode'];
  seed: number;
  startedAt: string;
  wallSec: number;
  axes: Axis[];
  thresholds: Record<string, string>;
  rule: string;
  recommendation: Recommendation & { values?: Record<string, unknown> };
  /** Cell indices on the p99/revenue frontier, by increasing p99. */
  pareto: number[];
  cells: Array<Omit<CellResult, 'values'> & { values: Record<string, unknown> }>;
}

export function sweepReport(
  base: Scenario,
  axes: Axis[],
  results: CellResult[],
  startedAt: Date,
  wallSec: number,
): SweepReport {
  const named = (values: unknown[]): Record<string, unknown> =>
    Object.fromEntries(axes.map((a, i) => [a.path, values[i]]));
  const rec = recommend(results);
  const byIndex = new Map(results.map((r) => [r.index, r]));
  return {
    name: base.name,
    mode: results[0]?.summary.mode ?? base.mode,
    seed: base.seed,
    startedAt: startedAt.toISOString(),
    wallSec: Math.round(wallSec * 100) / 100,
    axes,
    thresholds: base.thresholds,
    rule: RULE,
    recommendation: rec.found ? { ...rec, values: named(byIndex.get(rec.index)!.values) } : rec,
    pareto: paretoFrontier(results),
    cells: results.map((r) => ({ ...r, values: named(r.values) })),
  };
}

/**
 * Why the recommended cell won, in the pages' number format (sweep.json's `reason` keeps the raw
 * figures): its settings, revenue, p99, timeout rate and fill, and how many cells passed.
 */
export function recommendationText(r: SweepReport): string {
  const rec = r.recommendation;
  const cell = rec.found ? r.cells.find((c) => c.index === rec.index) : undefined;
  if (cell === undefined) return rec.reason;
  const s = cell.summary;
  const passing = r.cells.filter((c) => c.pass).length;
  return (
    `tmax ${fmtSetting(s.config.tmaxMs)} ms with ${fmtInt(s.config.leaves)} bidders: ` +
    `revenue ${fmtMoney(s.revenue.perThousand)} per thousand auctions, p99 ${fmtMsAgainst(s.latency.auction.p99, s.config.tmaxMs)} ms, ` +
    `timeout rate ${fmtPct(s.rates.timeout)}, fill ${fmtPct(s.rates.fill)} ` +
    `(best of ${fmtInt(passing)} passing cells of ${fmtInt(r.cells.length)})`
  );
}
