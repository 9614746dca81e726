// The report's table of each bidder's deadline over the run, when adaptive timeouts are on: a row per
// leaf (per group, as the mean of its leaves, when there are many) and a column per moment of the
// run, read from summary.json's `bidders.<leaf>.deadlineMs` series. report.md and report.html render
// it like every other table.

import type { DeadlineSeriesSummary } from '../metrics/deadline-series.js';
import type { Summary } from '../metrics/summary.js';
import { fmtMsAgainst } from './format.js';
import type { ReportModel } from './report-model.js';
import type { Row, Table } from './tables.js';

/** Moments of the run shown as columns: enough to see a step, few enough for a terminal. */
export const DEADLINE_COLUMNS = 8;
/** More leaves than this and the rows are groups. */
export const DEADLINE_LEAF_ROWS = 20;

/** The indexes of the points shown: the first, the last, and evenly between. */
function shownPoints(length: number): number[] {
  if (length <= DEADLINE_COLUMNS) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: DEADLINE_COLUMNS }, (_, k) => Math.round((k * (length - 1)) / (DEADLINE_COLUMNS - 1)));
}

/** The deadline series as the report draws them: a line per leaf, or per group past DEADLINE_LEAF_ROWS leaves. */
export interface DeadlineLines {
  fromSec: number;
  stepSec: number;
  lines: Array<{ label: string; ms: number[] }>;
}

/** The summary's deadline series as lines, or null when adaptive timeouts were off. */
export function deadlineLines(s: Summary): DeadlineLines | null {
  const series: Array<{ name: string; group: string; d: DeadlineSeriesSummary }> = [];
  for (const [name, b] of Object.entries(s.bidders))
    if (b.deadlineMs !== undefined) series.push({ name, group: b.group, d: b.deadlineMs });
  const first = series[0];
  if (first === undefined || first.d.ms.length === 0) return null;
  const { fromSec, stepSec } = first.d;
  if (series.length <= DEADLINE_LEAF_ROWS)
    return { fromSec, stepSec, lines: series.map((x) => ({ label: x.name, ms: x.d.ms })) };
  const groups = new Map<string, number[][]>();
  for (const x of series) groups.set(x.group, [...(groups.get(x.group) ?? []), x.d.ms]);
  const lines = [...groups].map(([group, all]) => ({
    label: `${group} ×${all.length} (mean)`,
    ms: all[0]!.map((_, i) => all.reduce((t, ms) => t + (ms[i] ?? 0), 0) / all.length),
  }));
  return { fromSec, stepSec, lines };
}

export function deadlineTable(m: ReportModel): Table | null {
  const s = m.summary;
  const d = deadlineLines(s);
  if (d === null) return null;
  const { fromSec, stepSec } = d;
  const points = shownPoints(d.lines[0]!.ms.length);
  const tmax = s.config.tmaxMs;
  const row = (label: string, ms: readonly number[]): Row => ({
    cells: [
      { text: label },
      ...points.map((i) => ({ text: fmtMsAgainst(ms[i] ?? NaN, tmax), num: true })),
      { text: fmtMsAgainst(Math.min(...ms), tmax), num: true },
      { text: fmtMsAgainst(Math.max(...ms), tmax), num: true },
    ],
  });
  const rows = d.lines.map((l) => row(l.label, l.ms));
  const span = stepSec === 1 ? 'each second' : `each ${stepSec} s`;
  return {
    id: 'deadlines',
    title: 'Adaptive deadlines over the run',
    note:
      `Each bidder's enforced deadline in ms (its recent response-time quantile plus the margin, at most its static deadline, tmax ${fmtMsAgainst(tmax, tmax)} ms), ` +
      `read as each second began and averaged over ${span}; columns are the run's second at which each shown point starts. ` +
      'summary.json has every point (bidders.<leaf>.deadlineMs).',
    headers: ['bidder', ...points.map((i) => `${fromSec + i * stepSec} s`), 'min', 'max'],
    rows,
  };
}
