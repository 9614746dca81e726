// What a sweep recommends, as a rule a user can check by hand in sweep.md. Pure.
//   value = revenue per thousand auctions − costPerBidderCall × requests per thousand auctions
//           − costPerMsWaited × milliseconds auctions stay open per thousand auctions
// (each repeat's value, then the mean and its t-interval). Among the cells that pass every threshold
// beyond noise (all cells when there are none), take the best value; every such cell whose value is
// within `tolerance` of it (value ≥ best − tolerance·|best|) is good enough, and of those the one with
// the smallest tmax wins, then the fewest bidders, then the earlier cell: the knee, not the corner.
// A cell within noise of a threshold is not recommended (its point may fail the threshold), but when
// it would be worth more than the winner it is named beside it, so it never loses silently.

import type { ObjectiveSpec } from '../scenario/schema.js';
import type { Summary } from '../metrics/summary.js';
import type { HarnessVerdict } from '../metrics/harness-types.js';
import { compareEstimates, meanEstimate, type CellFigures, type Estimate, type Verdict } from './estimates.js';

/** A cell as the objective sees it. */
export interface ScoredCell {
  index: number;
  /** One value per axis, in axis order. */
  values: unknown[];
  tmaxMs: number;
  leaves: number;
  status: Verdict;
  figures: CellFigures;
  /** The objective's value: revenue less costs, per thousand auctions. */
  value: Estimate;
  /** The worst harness verdict of its repeats: an invalid one measured the machine, and is never recommended. */
  harness?: HarnessVerdict | null;
}

export const RULE =
  'among cells meeting every threshold beyond noise on a harness that was not invalid, the best value (revenue per thousand auctions less the cost ' +
  'model, if any); of the cells within the tolerance of it, the smallest tmax wins, then the fewest bidders, then ' +
  'the earlier cell';

/** The objective's value of one run, per thousand auctions. */
export function runValue(s: Summary, o: ObjectiveSpec): number {
  const perAuction = s.auctions.total === 0 ? 0 : s.bids.sent / s.auctions.total;
  const waited = s.auctions.meanMs ?? s.latency.auction.p50;
  return s.revenue.perThousand - 1000 * (o.costPerBidderCall * perAuction + o.costPerMsWaited * waited);
}

export function cellValue(repeats: readonly Summary[], o: ObjectiveSpec): Estimate {
  return meanEstimate(repeats.map((s) => runValue(s, o)));
}

export const hasCosts = (o: ObjectiveSpec): boolean => o.costPerBidderCall > 0 || o.costPerMsWaited > 0;

export interface Contender {
  index: number;
  /** The thresholds it straddles. */
  straddles: string[];
}

export type Recommendation =
  | {
      found: true;
      index: number;
      /** The best cell the knee was measured from (may be the winner itself). */
      best: number;
      /** value ≥ this was good enough. */
      cutoff: number;
      /** Raw figures, as sweep.json has always had it. */
      reason: string;
      /** Cells within noise of a threshold that would be worth more than the winner. */
      contenders: Contender[];
    }
  | { found: false; reason: string; contenders: Contender[] };

function smaller(a: ScoredCell, b: ScoredCell): boolean {
  if (a.tmaxMs !== b.tmaxMs) return a.tmaxMs < b.tmaxMs;
  if (a.leaves !== b.leaves) return a.leaves < b.leaves;
  return a.index < b.index;
}

export function recommend(
  cells: readonly ScoredCell[],
  o: ObjectiveSpec,
  straddled: (index: number) => string[],
): Recommendation {
  // A cell whose harness was invalid measured the machine: its figures decide nothing.
  const eligible = cells.filter((c) => c.status === 'pass' && c.harness !== 'invalid');
  const untrusted = cells.filter((c) => c.status === 'pass' && c.harness === 'invalid').length;
  const leftOut = untrusted > 0 ? `; ${untrusted} passing cell(s) left out, their harness invalid` : '';
  const noise = cells.filter((c) => c.status === 'noise');
  const byValue = (a: ScoredCell, b: ScoredCell): number => b.value.mean - a.value.mean || a.index - b.index;
  if (eligible.length === 0) {
    const contenders = [...noise].sort(byValue).map((c) => ({ index: c.index, straddles: straddled(c.index) }));
    const within = noise.length > 0 ? `; ${noise.length} within noise of one` : '';
    return {
      found: false,
      reason: `no cell meets the thresholds beyond noise (${cells.length} cells run${within}${leftOut})`,
      contenders,
    };
  }
  let best = eligible[0]!;
  for (const c of eligible) if (c.value.mean > best.value.mean) best = c;
  const cutoff = best.value.mean - o.tolerance * Math.abs(best.value.mean);
  let win: ScoredCell | null = null;
  for (const c of eligible) if (c.value.mean >= cutoff && (win === null || smaller(c, win))) win = c;
  const w = win!;
  const contenders = noise
    .filter((c) => c.value.mean > w.value.mean)
    .sort(byValue)
    .map((c) => ({ index: c.index, straddles: straddled(c.index) }));
  const f = w.figures;
  return {
    found: true,
    index: w.index,
    best: best.index,
    cutoff,
    contenders,
    reason:
      `tmax ${w.tmaxMs} ms with ${w.leaves} bidders: value ${w.value.mean} per thousand auctions ` +
      `(best ${best.value.mean}, cutoff ${cutoff}), revenue ${f.revenuePerThousand.mean}, ` +
      `p50 ${f.p50.mean} ms, to deadline ${f.toDeadline.mean}, timeout rate ${f.timeout.mean}, fill ${f.fill.mean} ` +
      `(${eligible.length} of ${cells.length} cells meet the thresholds${leftOut})`,
  };
}

/** The change in a figure per step towards a neighbouring cell on the grid. */
export interface Marginal {
  /** The neighbour it was measured to. */
  to: number;
  /** How far that neighbour is along the axis (ms of tmax, or bidders), negative when it is smaller. */
  over: number;
  /** Revenue per thousand auctions gained per step (+10 ms of tmax, or one more bidder). */
  revenue: number;
  /** The objective's value gained per step (revenue less the cost model). */
  value: number;
  /** Whether the two cells' revenue intervals meet. */
  withinNoise: boolean;
}

/**
 * Around the winner: the next larger tmax with the same bidders and every other axis alike, and the
 * next larger bidder count with the same tmax, or, at the top of an axis (where the knee often is),
 * the next smaller one (a backward difference); null where the grid has neither.
 */
export function marginals(
  cells: readonly ScoredCell[],
  at: ScoredCell,
): { tmaxPer10Ms: Marginal | null; perBidder: Marginal | null } {
  // A neighbour differs from `at` on exactly one axis.
  const near = cells.filter(
    (c) => c.values.filter((v, i) => JSON.stringify(v) !== JSON.stringify(at.values[i])).length === 1,
  );
  const step = (pick: (c: ScoredCell) => number | null, per: number): Marginal | null => {
    const nearest = (sign: 1 | -1): { n: ScoredCell; d: number } | null => {
      let n: ScoredCell | null = null;
      let d = Infinity;
      for (const c of near) {
        const dx = pick(c);
        if (dx !== null && sign * dx > 0 && sign * dx < Math.abs(d)) {
          n = c;
          d = dx;
        }
      }
      return n === null ? null : { n, d };
    };
    const found = nearest(1) ?? nearest(-1);
    if (found === null) return null;
    const { n, d } = found;
    return {
      to: n.index,
      over: d,
      revenue: ((n.figures.revenuePerThousand.mean - at.figures.revenuePerThousand.mean) / d) * per,
      value: ((n.value.mean - at.value.mean) / d) * per,
      withinNoise: compareEstimates(n.figures.revenuePerThousand, at.figures.revenuePerThousand) === 'within noise',
    };
  };
  return {
    tmaxPer10Ms: step((c) => (c.leaves === at.leaves ? c.tmaxMs - at.tmaxMs : null), 10),
    perBidder: step((c) => (c.tmaxMs === at.tmaxMs ? c.leaves - at.leaves : null), 1),
  };
}

/**
 * The cells on the latency/revenue Pareto frontier (means over repeats): no other has a shorter mean
 * auction time and higher revenue. The mean, not the p99: in virtual time the p99 is tmax in nearly
 * every cell, so a p99 frontier would only order the cells by tmax.
 */
export function paretoFrontier(cells: readonly ScoredCell[]): number[] {
  const p99 = (c: ScoredCell): number => c.figures.meanMs.mean;
  const rev = (c: ScoredCell): number => c.figures.revenuePerThousand.mean;
  const sorted = [...cells].sort((a, b) => p99(a) - p99(b) || rev(b) - rev(a));
  const out: number[] = [];
  let bestRevenue = -Infinity;
  for (const c of sorted) {
    if (rev(c) > bestRevenue) {
      out.push(c.index);
      bestRevenue = rev(c);
    }
  }
  return out;
}
