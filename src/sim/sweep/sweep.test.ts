import { describe, expect, it } from 'vitest';
import { type Scenario } from '../scenario/scenario.js';
import type { Summary } from '../metrics/summary.js';
import { buildCells } from './cells.js';
import { paretoFrontier, recommend, type CellResult } from './recommend.js';
import { sweepHtml } from './sweep-html.js';
import { sweepMarkdown } from './sweep-md.js';
import { recommendationText, sweepReport } from './sweep-model.js';
import { valid } from '../../../test/helpers/scenarios.js';

function scenario(raw: Record<string, unknown>): Scenario {
  return valid(raw);
}

function cell(index: number, tmaxMs: number, leaves: number, revenue: number, p99: number, pass = true): CellResult {
  const summary = {
    config: { tmaxMs, leaves },
    revenue: { perThousand: revenue },
    latency: { auction: { p99 } },
    rates: { timeout: 0.01, fill: 0.9 },
    mode: 'virtual',
  } as unknown as Summary;
  return { index, values: [tmaxMs, leaves], summary, thresholds: [], pass };
}

describe('sweep cells', () => {
  it('builds every combination, the first axis slowest, each a validated scenario', () => {
    const base = scenario({ sweep: { 'auction.tmaxMs': [50, 100], 'bidders.0.count': [1, 2, 3] } });
    const built = buildCells(base, 'virtual');
    if (!built.ok) throw new Error('expected cells');
    expect(built.cells.map((c) => c.values)).toEqual([
      [50, 1],
      [50, 2],
      [50, 3],
      [100, 1],
      [100, 2],
      [100, 3],
    ]);
    expect(built.cells[4]!.scenario.auction.tmaxMs).toBe(100);
    expect(built.cells[4]!.scenario.bidders[0]).toMatchObject({ count: 2 });
    expect(built.cells.every((c) => c.scenario.mode === 'virtual' && c.scenario.sweep === null)).toBe(true);
  });

  it('names the cell and the field when a combination clashes', () => {
    const base = scenario({
      auction: { floor: 0.5, maxPrice: 100 },
      sweep: { 'auction.maxPrice': [20, 30], 'auction.floor': [1, 25] },
    });
    const built = buildCells(base, 'virtual');
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.issues[0]!.path).toContain('auction.maxPrice=20, auction.floor=25');
    expect(built.issues[0]!.path).toContain('auction.maxPrice');
    // The cell's issue keeps the code the scenario's validation gave it (maxPrice must exceed floor).
    expect(built.issues[0]!.code).toBe('SCN_ERR_ORDER');
  });
});

describe('recommendation', () => {
  it('takes the highest revenue among passing cells; ties to smaller tmax, then fewer bidders', () => {
    const r = recommend([
      cell(0, 100, 8, 2, 90),
      cell(1, 80, 16, 2, 80),
      cell(2, 80, 8, 2, 80),
      cell(3, 150, 8, 3, 140, false),
    ]);
    expect(r).toMatchObject({ found: true, index: 2 });
  });

  it('says plainly when no cell meets the thresholds', () => {
    const r = recommend([cell(0, 100, 8, 2, 90, false)]);
    expect(r.found).toBe(false);
    expect(r.reason).toMatch(/no cell meets the thresholds/);
  });

  it('puts on the Pareto frontier only cells no other beats on both latency and revenue', () => {
    expect(
      paretoFrontier([cell(0, 50, 4, 1, 50), cell(1, 60, 4, 0.9, 60), cell(2, 70, 4, 2, 70), cell(3, 80, 4, 2, 80)]),
    ).toEqual([0, 2]);
  });

  it("states the recommendation in the pages' number format; sweep.json keeps the raw figures", () => {
    const axes = [{ path: 'auction.tmaxMs', values: [100, 120] }];
    const cells = [cell(0, 100, 8, 2.230658, 99.9961), cell(1, 120, 8, 1.5, 120, false)];
    const report = sweepReport(scenario({ name: 'x' }), axes, cells, new Date(0), 1);
    const text = recommendationText(report);
    expect(text).toBe(
      'tmax 100 ms with 8 bidders: revenue 2.23 per thousand auctions, p99 99.9961 ms, timeout rate 1.00%, ' +
        'fill 90.0% (best of 1 passing cells of 2)',
    );
    expect(report.recommendation.reason).toContain('revenue 2.230658');
    expect(sweepMarkdown(report)).toContain(text);
    expect(sweepHtml(report)).toContain(text);
  });

  it('escapes every name in the HTML report', () => {
    const base = scenario({ name: 'x' });
    const axes = [{ path: 'a<script>alert(1)</script>', values: ['"<img>"', 2] }];
    const html = sweepHtml(
      sweepReport({ ...base, thresholds: { '<b>': '<1' } }, axes, [cell(0, 50, 4, 1, 50)], new Date(0), 1),
    );
    expect(html).not.toMatch(/<script>|<img>/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&lt;b&gt; &lt;1');
  });
});
