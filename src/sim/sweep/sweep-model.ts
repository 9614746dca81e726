// sweep.json: the axes, the repeats and their seeds, the objective, one entry per cell (its figures
// with intervals, its thresholds judged with them, the first repeat's summary as sweep.json has always
// had it, and every repeat's summary), the Pareto frontier and the recommendation with the sentence
// that says why it won. The Markdown and HTML reports are drawn from this one object. Pure.

import { fmtInt, fmtMoney, fmtMs, fmtPct, fmtSetting } from '../report/format.js';
import type { ObjectiveSpec, Scenario } from '../scenario/schema.js';
import type { Summary } from '../metrics/summary.js';
import type { HarnessVerdict } from '../metrics/harness-types.js';
import { shownValue, type Axis } from './cells.js';
import {
  cellFigures,
  cellVerdict,
  compareEstimates,
  judgeThresholds,
  type CellFigures,
  type Estimate,
  type JudgedThreshold,
  type Verdict,
} from './estimates.js';
import {
  cellValue,
  hasCosts,
  marginals,
  paretoFrontier,
  recommend,
  RULE,
  type Marginal,
  type Recommendation,
  type ScoredCell,
} from './objective.js';
import { repeatSeed } from './repeats.js';

/** What ran for one cell: its axis values and one summary per repeat, repeat 0 first. */
export interface CellRuns {
  index: number;
  values: unknown[];
  repeats: Summary[];
}

export interface SweepCell {
  index: number;
  values: Record<string, unknown>;
  /** Repeat 0's summary (the scenario's own seed), as in sweeps of one seed. */
  summary: Summary;
  /** Each threshold judged with its interval over the repeats; `pass` is a pass beyond noise. */
  thresholds: JudgedThreshold[];
  /** Whether the cell meets every threshold beyond noise. */
  pass: boolean;
  status: Verdict;
  figures: CellFigures;
  /** The objective's value per thousand auctions (revenue less the cost model). */
  value: Estimate;
  /** Every repeat's summary, repeat 0 first. */
  repeats: Summary[];
  /** The worst harness verdict of its repeats (null when no summary has one). */
  harness: HarnessVerdict | null;
}

export interface SweepReport {
  name: string;
  mode: Scenario['mode'];
  seed: number;
  startedAt: string;
  wallSec: number;
  axes: Axis[];
  thresholds: Record<string, string>;
  /** Seeds per cell, and the seeds: repeat r runs seeds[r]. */
  repeats: number;
  seeds: number[];
  objective: ObjectiveSpec & { costs: boolean };
  rule: string;
  recommendation: Recommendation & {
    values?: Record<string, unknown>;
    /** One sentence: why the recommended cell won, or why none did. */
    why: string;
    marginal?: { tmaxPer10Ms: Marginal | null; perBidder: Marginal | null };
  };
  /** Cell indices on the p99/revenue frontier (means over repeats), by increasing p99. */
  pareto: number[];
  cells: SweepCell[];
}

const HARNESS_ORDER: HarnessVerdict[] = ['ok', 'degraded', 'invalid'];

/** The worst of the repeats' harness verdicts: a cell is as trustworthy as its worst run. */
export function worstHarness(repeats: readonly Summary[]): HarnessVerdict | null {
  let worst: HarnessVerdict | null = null;
  for (const s of repeats) {
    const v = s.harness?.verdict;
    if (v !== undefined && (worst === null || HARNESS_ORDER.indexOf(v) > HARNESS_ORDER.indexOf(worst))) worst = v;
  }
  return worst;
}

/** Cells whose harness was not ok: their figures may be the machine's rather than the bidders'. */
export function harnessText(r: SweepReport): string | null {
  const bad = r.cells.filter((c) => c.harness === 'degraded' || c.harness === 'invalid');
  if (bad.length === 0) return null;
  const rec = r.recommendation;
  const recBad = rec.found && bad.some((c) => c.index === rec.index);
  return (
    `Harness: ${fmtInt(bad.length)} of ${fmtInt(r.cells.length)} cells ran on a degraded or invalid harness ` +
    `(cells ${bad.map((c) => `${c.index} ${c.harness}`).join(', ')}), so their figures may measure the machine rather than the bidders` +
    `${recBad ? ', the recommended cell among them' : ''}: lower the rate, use fewer workers, or sweep in virtual time.`
  );
}

/** A figure and its 95% interval as the pages show it: "3.52 (3.50–3.54)", the figure alone without one. */
export function fmtEstimate(e: Estimate, fmt: (x: number) => string): string {
  return e.method === 'none' ? fmt(e.mean) : `${fmt(e.mean)} (${fmt(e.lo)}–${fmt(e.hi)})`;
}

/** A cell's axis values: "auction.tmaxMs = 100, bidders.0.count = 16". */
export function cellLabel(c: SweepCell): string {
  return Object.entries(c.values)
    .map(([k, v]) => `${k} = ${shownValue(v)}`)
    .join(', ');
}

const setting = (c: SweepCell): string =>
  `tmax ${fmtSetting(c.summary.config.tmaxMs)} ms with ${fmtInt(c.summary.config.leaves)} bidders`;

function why(r: Omit<SweepReport, 'recommendation'>, rec: Recommendation): string {
  const cell = (i: number): SweepCell => r.cells.find((c) => c.index === i)!;
  const what = r.objective.costs ? 'revenue less costs' : 'revenue';
  const tol = `${fmtSetting(r.objective.tolerance * 100)}%`;
  if (!rec.found) {
    const c = rec.contenders[0];
    if (c === undefined) return `No cell meets every threshold, so none is recommended.`;
    const x = cell(c.index);
    return (
      `No cell meets every threshold beyond noise; the best within noise is cell ${c.index} (${setting(x)}, ` +
      `${what} ${fmtEstimate(x.value, fmtMoney)} per thousand auctions), whose ${c.straddles.join(', ')} straddles ` +
      `its threshold: more repeats or auctions would decide it.`
    );
  }
  const w = cell(rec.index);
  const b = cell(rec.best);
  const passing = r.cells.filter((c) => c.pass && c.harness !== 'invalid').length;
  const of =
    Object.keys(r.thresholds).length === 0
      ? `of the ${fmtInt(passing)} cells (the scenario sets no thresholds)`
      : `of the ${fmtInt(passing)} cells that meet every threshold`;
  if (rec.index === rec.best) {
    return (
      `Cell ${w.index} (${setting(w)}) won because its ${what} per thousand auctions, ${fmtEstimate(w.value, fmtMoney)}, ` +
      `is the best ${of}, and no other such cell with a smaller tmax or fewer bidders comes within ${tol} of it.`
    );
  }
  const noise = compareEstimates(w.value, b.value) === 'within noise' ? ', a difference within noise' : '';
  return (
    `Cell ${w.index} (${setting(w)}) won because it has the smallest tmax, then the fewest bidders, whose ${what} ` +
    `per thousand auctions, ${fmtEstimate(w.value, fmtMoney)}, is within ${tol} of the best ${of} ` +
    `(cell ${b.index}, ${setting(b)}: ${fmtEstimate(b.value, fmtMoney)}${noise}).`
  );
}

/** What the objective is, in words: the tolerance, the cost model, and what having no call cost means. */
export function objectiveText(r: SweepReport): string {
  const o = r.objective;
  const base = `Objective: the knee, within ${fmtSetting(o.tolerance * 100)}% of the best ${o.costs ? 'revenue less costs' : 'revenue'} per thousand auctions among cells meeting every threshold`;
  const costs = o.costs
    ? `; costs ${fmtSetting(o.costPerBidderCall)} per bidder call and ${fmtSetting(o.costPerMsWaited)} per ms an auction stays open, per thousand auctions`
    : '';
  const note =
    o.costPerBidderCall > 0
      ? 'Each bidder called must earn its calls, so fewer bidders can win.'
      : 'No cost per bidder call is set, so more bidders always earn at least as much: only the tolerance stops the search at the knee.';
  return `${base}${costs}. ${note}`;
}

export function sweepReport(
  base: Scenario,
  axes: Axis[],
  runs: CellRuns[],
  objective: ObjectiveSpec,
  startedAt: Date,
  wallSec: number,
): SweepReport {
  const named = (values: unknown[]): Record<string, unknown> =>
    Object.fromEntries(axes.map((a, i) => [a.path, values[i]]));
  const repeats = runs[0]?.repeats.length ?? 0;
  const scored: ScoredCell[] = [];
  const cells: SweepCell[] = runs.map((run) => {
    const thresholds = judgeThresholds(run.repeats, base.thresholds);
    const status = cellVerdict(thresholds);
    const figures = cellFigures(run.repeats);
    const value = cellValue(run.repeats, objective);
    const s = run.repeats[0]!;
    scored.push({
      index: run.index,
      values: run.values,
      tmaxMs: s.config.tmaxMs,
      leaves: s.config.leaves,
      status,
      figures,
      value,
      harness: worstHarness(run.repeats),
    });
    return {
      index: run.index,
      values: named(run.values),
      summary: s,
      thresholds,
      pass: status === 'pass',
      status,
      figures,
      value,
      repeats: run.repeats,
      harness: worstHarness(run.repeats),
    };
  });
  const straddled = (i: number): string[] =>
    cells
      .find((c) => c.index === i)!
      .thresholds.filter((t) => t.verdict === 'noise')
      .map((t) => t.metric);
  const rec = recommend(scored, objective, straddled);
  const head: Omit<SweepReport, 'recommendation'> = {
    name: base.name,
    mode: runs[0]?.repeats[0]?.mode ?? base.mode,
    seed: base.seed,
    startedAt: startedAt.toISOString(),
    wallSec: Math.round(wallSec * 100) / 100,
    axes,
    thresholds: base.thresholds,
    repeats,
    seeds: Array.from({ length: repeats }, (_, r) => repeatSeed(base.seed, r)),
    objective: { ...objective, costs: hasCosts(objective) },
    rule: RULE,
    pareto: paretoFrontier(scored),
    cells,
  };
  const sentence = why(head, rec);
  if (!rec.found) return { ...head, recommendation: { ...rec, why: sentence } };
  const at = scored.find((c) => c.index === rec.index)!;
  return {
    ...head,
    recommendation: { ...rec, values: named(at.values), why: sentence, marginal: marginals(scored, at) },
  };
}

/**
 * A marginal as the pages show it: "+0.0012 revenue per thousand auctions per +10 ms (measured over
 * +50 ms, to cell 8, within noise)", or n/a. `unit` names the axis's step: "ms" or "bidders".
 */
export function fmtMarginal(
  m: Marginal | null,
  step: string,
  costs: boolean,
  unit = step === 'bidder' ? 'bidders' : 'ms',
): string {
  if (m === null) return `n/a (no neighbour on the grid)`;
  const sign = (x: number): string => (x > 0 ? `+${fmtMoney(x)}` : fmtMoney(x));
  const net = costs ? `, ${sign(m.value)} net of costs` : '';
  const over = `${m.over > 0 ? '+' : '−'}${fmtSetting(Math.abs(m.over))} ${unit}`;
  const back = m.over < 0 ? ', the grid having no larger neighbour' : '';
  return `${sign(m.revenue)} revenue per thousand auctions per ${step}${net} (measured over ${over} to cell ${m.to}${back}${m.withinNoise ? ', within noise' : ''})`;
}

/** The recommended cell in the pages' number format: its settings and the figures that vary. */
export function recommendationText(r: SweepReport): string {
  const rec = r.recommendation;
  const cell = rec.found ? r.cells.find((c) => c.index === rec.index) : undefined;
  if (cell === undefined) return rec.reason;
  const f = cell.figures;
  return (
    `${setting(cell)}: revenue ${fmtEstimate(f.revenuePerThousand, fmtMoney)} per thousand auctions, ` +
    `${fmtPct(f.toDeadline.mean)} of auctions ran to the deadline, p50 ${fmtMs(f.p50.mean)} ms, ` +
    `timeout rate ${fmtPct(f.timeout.mean)}, fill ${fmtPct(f.fill.mean)}`
  );
}
