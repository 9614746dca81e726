import { describe, expect, it } from 'vitest';
import { manyLeaves, syntheticRun } from '../../../test/helpers/synthetic-run.js';
import type { RunResult } from '../run/result.js';
import { DEADLINE_COLUMNS, deadlineTable } from './deadline-table.js';
import { reportMarkdown } from './report-md.js';
import { reportModel } from './report-model.js';

/** Gives every leaf of `run` a deadline series: leaf k at `base + k`, stepping down by 30 at point 20. */
function withSeries(run: RunResult, points: number, stepSec: number): RunResult {
  Object.values(run.summary.bidders).forEach((b, k) => {
    b.deadlineMs = { fromSec: 1, stepSec, ms: Array.from({ length: points }, (_, i) => (i < 20 ? 90 : 60) + k) };
  });
  return run;
}

describe('the adaptive deadlines table', () => {
  it('is left out when adaptive timeouts were off', () => {
    expect(deadlineTable(reportModel(syntheticRun()))).toBeNull();
    expect(reportMarkdown(reportModel(syntheticRun()))).not.toContain('Adaptive deadlines');
  });

  it("shows each leaf's deadline at moments of the run, with its least and greatest", () => {
    const run = withSeries(
      syntheticRun({ groups: [{ group: 'dsp', leaves: ['dsp-1', 'dsp-2'], medianMs: 20 }] }),
      40,
      2,
    );
    const t = deadlineTable(reportModel(run))!;
    // Points 0, 6, 11, 17, 22, 28, 33, 39 of 40, each starting at second 1 + 2i.
    expect(t.headers).toEqual(['bidder', '1 s', '13 s', '23 s', '35 s', '45 s', '57 s', '67 s', '79 s', 'min', 'max']);
    expect(t.rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ['dsp-1', '90.0', '90.0', '90.0', '90.0', '60.0', '60.0', '60.0', '60.0', '60.0', '90.0'],
      ['dsp-2', '91.0', '91.0', '91.0', '91.0', '61.0', '61.0', '61.0', '61.0', '61.0', '91.0'],
    ]);
    expect(reportMarkdown(reportModel(run))).toContain('## Adaptive deadlines over the run');
  });

  it('shows every point of a short series, and groups of many leaves as their mean', () => {
    const short = withSeries(syntheticRun({ groups: [{ group: 'a', leaves: ['a-1'], medianMs: 20 }] }), 3, 1);
    expect(deadlineTable(reportModel(short))!.headers).toEqual(['bidder', '1 s', '2 s', '3 s', 'min', 'max']);
    const many = withSeries(syntheticRun({ groups: manyLeaves(30, 2) }), 30, 1);
    const t = deadlineTable(reportModel(many))!;
    expect(t.headers).toHaveLength(DEADLINE_COLUMNS + 3);
    // Leaves 0-14 in g1 (mean offset 7), 15-29 in g2 (mean offset 22).
    expect(t.rows.map((r) => [r.cells[0]!.text, r.cells[1]!.text, r.cells.at(-2)!.text])).toEqual([
      ['g1 ×15 (mean)', '97.0', '67.0'],
      ['g2 ×15 (mean)', '112', '82.0'],
    ]);
  });
});
