// sweep.json: the axes, one summary per cell with its threshold results, the Pareto frontier and the
// recommendation. The Markdown and HTML reports are drawn from this one object.

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
