import { describe, expect, it } from 'vitest';
import { DEFAULTS, type ObjectiveSpec } from '../scenario/schema.js';
import { type Scenario } from '../scenario/scenario.js';
import { buildSummary, type Summary } from '../metrics/summary.js';
import { Metrics } from '../metrics/metrics.js';
import { runVirtual } from '../virtual/virtual-runner.js';
import { buildCells } from './cells.js';
import { compareEstimates, estimate, judge, judgeThresholds, meanEstimate, rateParts } from './estimates.js';
import { repeatJobs, repeatSeed, resolveRepeats } from './repeats.js';
import { colour, sweepHtml, ticks } from './sweep-html.js';
import { sweepMarkdown } from './sweep-md.js';
import { sweepReport, type CellRuns } from './sweep-model.js';
import { valid } from '../../../test/helpers/scenarios.js';
import { testSummaryInput } from '../../../test/helpers/summary-input.js';

function scenario(raw: Record<string, unknown>): Scenario {
  return valid(raw);
}

const OBJECTIVE: ObjectiveSpec = { ...DEFAULTS.objective };

interface Run {
  revenue: number;
  timedOut?: number;
  sent?: number;
  p99?: number;
}

/** A summary of the shape every run has, with the figures a sweep reads set by hand. */
function summary(tmaxMs: number, leaves: number, run: Run): Summary {
  const s = buildSummary(
    new Metrics([]),
    testSummaryInput({ scenario: 'x', mode: 'virtual', tmaxMs, floor: 0, leaves }),
  );
  const sent = run.sent ?? 10_000 * leaves;
  const timedOut = run.timedOut ?? Math.round(sent * 0.01);
  s.auctions = { ...s.auctions, total: 10_000, filled: 9_000, unfilled: 1_000, toDeadline: 3_000, meanMs: tmaxMs / 2 };
  s.bids = { ...s.bids, sent, timedOut, onTime: sent - timedOut };
  s.rates = { ...s.rates, fill: 0.9, timeout: timedOut / sent, toDeadline: 0.3 };
  s.latency.auction = { ...s.latency.auction, p50: tmaxMs / 2, p99: run.p99 ?? tmaxMs, count: 10_000 };
  s.latency.overshoot = { ...s.latency.overshoot, count: 3_000 };
  s.revenue = { ...s.revenue, perThousand: run.revenue };
  return s;
}

/** One cell of a tmax × bidders grid, one summary per repeat. */
function cell(index: number, tmaxMs: number, leaves: number, runs: Run[]): CellRuns {
  return { index, values: [tmaxMs, leaves], repeats: runs.map((r) => summary(tmaxMs, leaves, r)) };
}

const AXES = [
  { path: 'auction.tmaxMs', values: [] as unknown[] },
  { path: 'bidders.0.count', values: [] as unknown[] },
];

function report(
  cells: CellRuns[],
  thresholds: Record<string, string> = {},
  objective: ObjectiveSpec = OBJECTIVE,
): ReturnType<typeof sweepReport> {
  const axes = AXES.map((a, i) => ({ ...a, values: [...new Set(cells.map((c) => c.values[i]))] }));
  return sweepReport(scenario({ name: 'x', thresholds }), axes, cells, objective, new Date(0), 1);
}

/** Three repeats around `mean`, each ± `spread`. */
const around = (mean: number, spread = 0.01): Run[] => [
  { revenue: mean - spread },
  { revenue: mean },
  { revenue: mean + spread },
];

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

describe('repeats', () => {
  it('run seed, seed + 1, …, so one repeat is the scenario itself', () => {
    const base = scenario({ seed: 7, sweep: { 'auction.tmaxMs': [50, 100] } });
    const built = buildCells(base, 'virtual');
    if (!built.ok) throw new Error('expected cells');
    const one = repeatJobs(built.cells, 1);
    expect(one.map((j) => j.scenario)).toEqual(built.cells.map((c) => c.scenario));
    const three = repeatJobs(built.cells, 3);
    expect(three.map((j) => [j.index, j.cell, j.repeat, j.scenario.seed])).toEqual([
      [0, 0, 0, 7],
      [1, 0, 1, 8],
      [2, 0, 2, 9],
      [3, 1, 0, 7],
      [4, 1, 1, 8],
      [5, 1, 2, 9],
    ]);
    expect(three[4]!.scenario.auction.tmaxMs).toBe(100);
    // Near the largest safe integer the seeds count down instead of leaving the seed's range.
    expect(repeatSeed(Number.MAX_SAFE_INTEGER, 2)).toBe(Number.MAX_SAFE_INTEGER - 2);
  });

  it('default to 3 in virtual time and 1 live; the file and then the flag override', () => {
    const base = scenario({});
    expect(resolveRepeats(undefined, base, 'virtual')).toBe(3);
    expect(resolveRepeats(undefined, base, 'live')).toBe(1);
    expect(resolveRepeats(undefined, { ...base, repeats: 5 }, 'live')).toBe(5);
    expect(resolveRepeats(2, { ...base, repeats: 5 }, 'virtual')).toBe(2);
  });
});

describe('intervals', () => {
  it('widen a live rate to the spread of its repeats, which one stall can make far wider than Wilson says', () => {
    const repeats = [
      summary(100, 4, { revenue: 1, sent: 10_000, timedOut: 100 }),
      summary(100, 4, { revenue: 1, sent: 10_000, timedOut: 300 }),
      summary(100, 4, { revenue: 1, sent: 10_000, timedOut: 200 }),
    ];
    const virtual = estimate('rates.timeout', repeats)!;
    for (const s of repeats) s.mode = 'live';
    const live = estimate('rates.timeout', repeats)!;
    expect(live.mean).toBeCloseTo(virtual.mean, 12);
    // Wilson on 600 of 30,000: about ±0.16 pp; the repeats' 1%, 3%, 2% give t(0.975, 2)·1%/√3 ≈ ±2.5 pp.
    expect(virtual.hi - virtual.lo).toBeLessThan(0.004);
    expect(live.lo).toBe(0);
    expect(live.hi).toBeCloseTo(0.02 + (4.303 * 0.01) / Math.sqrt(3), 3);
  });

  it('pool the counts of a rate over repeats (Wilson) and average anything else (Student t)', () => {
    const repeats = [
      summary(100, 4, { revenue: 1, sent: 1000, timedOut: 30 }),
      summary(100, 4, { revenue: 2, sent: 3000, timedOut: 10 }),
    ];
    const rate = estimate('rates.timeout', repeats)!;
    expect(rate.method).toBe('wilson');
    // Pooled: 40 of 4000, not the mean of 3% and 0.33%.
    expect(rate.mean).toBeCloseTo(0.01, 12);
    expect(rate.lo).toBeGreaterThan(0.0073);
    expect(rate.hi).toBeLessThan(0.0137);
    const revenue = estimate('revenue.perThousand', repeats)!;
    expect(revenue).toMatchObject({ mean: 1.5, method: 't', n: 2 });
    // ± t(0.975, 1) · 0.7071 / √2 = ± 12.706 · 0.5
    expect(revenue.hi - revenue.mean).toBeCloseTo(6.353, 3);
    expect(rateParts('bidders.dsp-3.timeoutRate')).toEqual({
      num: 'bidders.dsp-3.timedOut',
      den: 'bidders.dsp-3.sent',
    });
    expect(rateParts('groups.dsp.winRate')).toBeNull();
    expect(estimate('no.such.path', repeats)).toBeNull();
  });

  it('call two cells that differ by less than their intervals within noise, and five intervals apart ordered', () => {
    const a = meanEstimate([1.0, 1.02, 0.98]);
    const half = a.hi - a.mean;
    const near = meanEstimate([1.0, 1.02, 0.98].map((x) => x + half / 2));
    const far = meanEstimate([1.0, 1.02, 0.98].map((x) => x + 5 * half));
    expect(compareEstimates(near, a)).toBe('within noise');
    expect(compareEstimates(far, a)).toBe('higher');
    expect(compareEstimates(a, far)).toBe('lower');
    // The same through a sweep: the knee is measured from the best cell, and the sentence says
    // whether the winner's shortfall is noise.
    const within = report(
      [
        cell(
          0,
          100,
          4,
          [1.0, 1.02, 0.98].map((revenue) => ({ revenue })),
        ),
        cell(
          1,
          200,
          4,
          [1.0, 1.02, 0.98].map((x) => ({ revenue: x + half / 2 })),
        ),
      ],
      {},
      { ...OBJECTIVE, tolerance: 0.05 },
    );
    expect(within.recommendation).toMatchObject({ found: true, index: 0, best: 1 });
    expect(within.recommendation.why).toContain('a difference within noise');
    const apart = report(
      [
        cell(
          0,
          100,
          4,
          [1.0, 1.02, 0.98].map((revenue) => ({ revenue })),
        ),
        cell(
          1,
          200,
          4,
          [1.0, 1.02, 0.98].map((x) => ({ revenue: x + 5 * half })),
        ),
      ],
      {},
      { ...OBJECTIVE, tolerance: 0.5 },
    );
    expect(apart.recommendation).toMatchObject({ found: true, index: 0, best: 1 });
    expect(apart.recommendation.why).not.toContain('within noise');
    // At the default 1% the order decides: five intervals above, the longer tmax earns its place;
    // 0.5% above, the shorter tmax is within the tolerance and wins the knee.
    const grid = (shift: number): CellRuns[] => [
      cell(
        0,
        100,
        4,
        [1.0, 1.02, 0.98].map((revenue) => ({ revenue })),
      ),
      cell(
        1,
        200,
        4,
        [1.0, 1.02, 0.98].map((x) => ({ revenue: x + shift })),
      ),
    ];
    expect(report(grid(5 * half)).recommendation).toMatchObject({ found: true, index: 1, best: 1 });
    expect(report(grid(0.005)).recommendation).toMatchObject({ found: true, index: 0, best: 1 });
  });

  it('judge a threshold pass, fail or within noise by where its interval lies', () => {
    expect(judge({ lo: 0.03, hi: 0.039 }, '<', 0.04)).toBe('pass');
    expect(judge({ lo: 0.035, hi: 0.045 }, '<', 0.04)).toBe('noise');
    expect(judge({ lo: 0.04, hi: 0.05 }, '<', 0.04)).toBe('fail');
    expect(judge({ lo: 0.03, hi: 0.04 }, '<=', 0.04)).toBe('pass');
    expect(judge({ lo: 0.9, hi: 0.95 }, '>', 0.9)).toBe('noise');
    expect(judge({ lo: 0.9, hi: 0.95 }, '>=', 0.9)).toBe('pass');
    expect(judge({ lo: 0.8, hi: 0.85 }, '>=', 0.9)).toBe('fail');
    // One repeat: a mean has no interval and is judged on its value.
    const [t] = judgeThresholds([summary(100, 4, { revenue: 1, p99: 130 })], { 'latency.auction.p99': '<=125' });
    expect(t).toMatchObject({ verdict: 'fail', pass: false, actual: 130, method: 'none' });
  });
});

describe('recommendation', () => {
  it('takes the knee: the smallest tmax, then the fewest bidders, within the tolerance of the best', () => {
    // The shape of tune-tmax without thresholds: (300, 64) is best by 0.17% over (100, 64).
    const grid: CellRuns[] = [];
    const revenue: Record<number, number> = { 4: 0.97, 16: 2.24, 64: 3.5 };
    let i = 0;
    for (const tmax of [50, 100, 150, 200, 300])
      for (const n of [4, 16, 64]) {
        const r = tmax === 50 ? revenue[n]! * 0.96 : revenue[n]! * (1 + 0.0017 * ((tmax - 100) / 200));
        grid.push(cell(i++, tmax, n, around(r, 0.005)));
      }
    const r = report(grid);
    expect(r.recommendation).toMatchObject({ found: true, index: 4 + 1, best: 14, values: { 'auction.tmaxMs': 100 } });
    expect(r.recommendation.why).toMatch(
      /^Cell 5 \(tmax 100 ms with 64 bidders\) won because it has the smallest tmax, then the fewest bidders, whose revenue per thousand auctions, .* is within 1% of the best/,
    );
    // Tolerance 0 takes the corner.
    expect(report(grid, {}, { ...OBJECTIVE, tolerance: 0 }).recommendation).toMatchObject({ index: 14 });
    const md = sweepMarkdown(r);
    expect(md).toContain(r.recommendation.why);
    expect(md).toContain('No cost per bidder call is set, so more bidders always earn at least as much');
    expect(md).toContain('Objective: the knee, within 1% of the best revenue per thousand auctions');
    // Around the winner: (100 → 150 ms) scaled to +10 ms; one more bidder has no larger neighbour, so
    // the step back to 16 bidders (cell 4) stands in, per bidder, and the page says over what.
    const m = r.recommendation.marginal!;
    expect(m.tmaxPer10Ms).toMatchObject({ to: 8, over: 50 });
    const f = (c: number): number => r.cells[c]!.figures.revenuePerThousand.mean;
    expect(m.tmaxPer10Ms?.revenue).toBeCloseTo(((f(8) - f(5)) / 50) * 10, 12);
    expect(m.perBidder).toMatchObject({ to: 4, over: -48 });
    expect(m.perBidder?.revenue).toBeCloseTo((f(4) - f(5)) / -48, 12);
    expect(m.perBidder!.revenue).toBeGreaterThan(0);
    expect(md).toContain('(measured over +50 ms to cell 8');
    expect(md).toMatch(
      /one more bidder: \+[\d.]+ revenue per thousand auctions per bidder \(measured over −48 bidders to cell 4, the grid having no larger neighbour/,
    );
  });

  it('never recommends a cell whose harness was invalid: it measured the machine', () => {
    const fast = cell(0, 100, 4, around(1));
    const best = cell(1, 100, 16, around(2.2));
    const invalid = { ...virtualHarnessFor('invalid') };
    for (const s of best.repeats) s.harness = invalid;
    const r = report([fast, best]);
    expect(r.recommendation).toMatchObject({ found: true, index: 0 });
    expect(r.recommendation.reason).toContain('1 passing cell(s) left out, their harness invalid');
    // Degraded is shown, not excluded.
    for (const s of best.repeats) s.harness = { ...invalid, verdict: 'degraded' };
    expect(report([fast, best]).recommendation).toMatchObject({ found: true, index: 1 });
  });

  it('does not recommend a cell within noise of a threshold, and names it beside a winner with half its revenue', () => {
    // 16 bidders miss rates.timeout < 0.04 by 0.0019, inside sampling noise; 4 bidders pass it clearly.
    const r = report(
      [
        cell(
          0,
          100,
          4,
          around(0.977).map((x) => ({ ...x, sent: 40_000, timedOut: 1_200 })),
        ),
        cell(
          1,
          100,
          16,
          around(2.215).map((x) => ({ ...x, sent: 10_000, timedOut: 419 })),
        ),
        cell(
          2,
          150,
          16,
          around(2.3).map((x) => ({ ...x, sent: 160_000, timedOut: 8_000 })),
        ),
      ],
      { 'rates.timeout': '<0.04' },
    );
    expect(r.cells.map((c) => c.status)).toEqual(['pass', 'noise', 'fail']);
    expect(r.cells[1]!.pass).toBe(false);
    expect(r.recommendation).toMatchObject({
      found: true,
      index: 0,
      contenders: [{ index: 1, straddles: ['rates.timeout'] }],
    });
    const md = sweepMarkdown(r);
    expect(md).toMatch(/Within noise of a threshold and worth more than the recommendation/);
    expect(md).toMatch(/cell 1 \(auction\.tmaxMs = 100, bidders\.0\.count = 16\): value 2\.2\d/);
    expect(md).toContain('within noise (rates.timeout)');
    const html = sweepHtml(r);
    expect(html).toContain('Within noise of a threshold and worth more: cell 1');
    // With only that cell left, nothing is recommended and the sentence names it.
    const none = report(
      [
        cell(
          1,
          100,
          16,
          around(2.215).map((x) => ({ ...x, sent: 10_000, timedOut: 419 })),
        ),
      ],
      {
        'rates.timeout': '<0.04',
      },
    );
    expect(none.recommendation.found).toBe(false);
    expect(none.recommendation.why).toMatch(/the best within noise is cell 1 .*rates\.timeout straddles its threshold/);
  });

  it('with a cost per bidder call, recommends fewer bidders than without (real virtual runs)', () => {
    const base = scenario({
      mode: 'virtual',
      load: { rate: 1000, auctions: 1500, warmupSec: 0 },
      auction: { type: 'second-price', tmaxMs: 100 },
      bidders: [
        {
          name: 'dsp',
          count: 4,
          latency: { model: 'lognormal', medianMs: 25, p99Ms: 90 },
          bid: { rate: 0.6, price: { model: 'lognormal', median: 1.2, p99: 5 }, shade: 1 },
        },
      ],
      sweep: { 'auction.tmaxMs': [60, 120], 'bidders.0.count': [2, 8, 32] },
    });
    const built = buildCells(base, 'virtual');
    if (!built.ok) throw new Error('expected cells');
    const jobs = repeatJobs(built.cells, 2);
    const summaries = jobs.map((j) => runVirtual(j.scenario).summary);
    const runs: CellRuns[] = built.cells.map((c, i) => ({
      index: c.index,
      values: c.values,
      repeats: summaries.slice(2 * i, 2 * i + 2),
    }));
    const leaves = (r: ReturnType<typeof sweepReport>): number => {
      const rec = r.recommendation;
      if (!rec.found) throw new Error('expected a recommendation');
      return r.cells[rec.index]!.summary.config.leaves;
    };
    const free = sweepReport(base, built.axes, runs, OBJECTIVE, new Date(0), 1);
    // 0.0001 per call: 32 bidders cost 3.2 per thousand auctions, 8 bidders 0.8.
    const costly = sweepReport(base, built.axes, runs, { ...OBJECTIVE, costPerBidderCall: 0.0001 }, new Date(0), 1);
    expect(leaves(free)).toBe(32);
    expect(leaves(costly)).toBeLessThan(leaves(free));
    expect(costly.cells[0]!.value.mean).toBeCloseTo(
      costly.cells[0]!.figures.revenuePerThousand.mean - 0.0001 * 1000 * costly.cells[0]!.figures.callsPerAuction.mean,
      9,
    );
    const md = sweepMarkdown(costly);
    expect(md).toContain('Each bidder called must earn its calls');
    expect(md).toContain('value/1000');
    expect(md).not.toContain('No cost per bidder call');
    // sweep.json keeps every repeat; repeat 0 is the scenario's own seed.
    expect(costly.cells[0]!.repeats.map((s) => s.seed)).toEqual([1, 2]);
    expect(costly.cells[0]!.summary.seed).toBe(1);
    expect(costly.seeds).toEqual([1, 2]);
  });
});

describe('harness', () => {
  it("marks a cell by its worst repeat's harness, and says so when the recommended cell's was not ok", () => {
    const degraded = (s: Summary): Summary => ({
      ...s,
      harness: {
        verdict: 'degraded',
        reasons: ['deadline overshoot p99 3 ms is above 1 ms'],
        polluted: ['auction latency'],
        advice: ['lower the rate'],
        checks: [],
        processes: [],
        hostLateness: null,
        groups: {},
      },
    });
    const a = cell(0, 100, 4, around(1));
    const b = cell(1, 100, 16, around(2));
    b.repeats[1] = degraded(b.repeats[1]!);
    const r = report([a, b]);
    expect(r.cells.map((c) => c.harness)).toEqual([null, 'degraded']);
    const md = sweepMarkdown(r);
    expect(md).toContain('Harness: 1 of 2 cells ran on a degraded or invalid harness (cells 1 degraded)');
    expect(md).toContain('the recommended cell among them');
    const html = sweepHtml(r);
    expect(html).toContain('id="harness"');
    expect(html).toContain('<header class="verdict warn">');
    // All ok: nothing said.
    expect(sweepMarkdown(report([a, cell(1, 100, 16, around(2))]))).not.toContain('Harness:');
  });
});

describe('sweep.html', () => {
  it('has ticks, a legend per bidder count and the recommended point, and paints no passing cell red', () => {
    const r = report(
      [
        cell(0, 50, 4, around(1)),
        cell(
          1,
          50,
          16,
          around(2).map((x) => ({ ...x, timedOut: 100_000 })),
        ),
        cell(2, 100, 4, around(1.1)),
        cell(3, 100, 16, around(2.2)),
      ],
      { 'rates.timeout': '<0.04' },
    );
    const html = sweepHtml(r);
    expect(html).toContain('4 bidders</li>');
    expect(html).toContain('16 bidders</li>');
    expect(html).toContain('id="pareto-recommended"');
    expect(html).toContain('recommended (cell 3)');
    // Tick labels on both axes, and the failing cell grey rather than coloured.
    expect(ticks(0.9, 2.3)).toEqual([1, 1.2, 1.4, 1.6, 1.8, 2, 2.2]);
    expect(ticks(47.5, 302.5)).toEqual([50, 100, 150, 200, 250, 300]);
    expect(html).toMatch(/<text [^>]*text-anchor="end">2\.00<\/text>/);
    expect((html.match(/class="cell-fail"/g) ?? []).length).toBeGreaterThan(0);
    // The colour scale runs through blues and greens only: hue from 170 to 200, never red.
    for (let t = 0; t <= 1; t += 0.05) {
      const hue = Number(/^hsl\((\d+)/.exec(colour(t))![1]);
      expect(hue).toBeGreaterThanOrEqual(170);
      expect(hue).toBeLessThanOrEqual(200);
    }
    // Report.html's parts: the verdict header, key figures, cards and tables; no script at all.
    expect(html).toContain('<header class="verdict ');
    expect(html).toContain('<div class="kpis">');
    expect(html).toContain('class="table-wrap"');
    expect(html).not.toMatch(/<script/);
    expect(html).toContain(r.recommendation.why.replace(/'/g, '&#39;'));
  });

  it('escapes every name in the HTML report', () => {
    const axes = [{ path: 'a<script>alert(1)</script>', values: ['"<img>"', 2] }];
    const html = sweepHtml(
      sweepReport(
        scenario({ name: 'x', thresholds: { 'rates.fill': '>0.5' } }),
        axes,
        [{ index: 0, values: ['"<img>"'], repeats: [summary(50, 4, { revenue: 1 })] }],
        OBJECTIVE,
        new Date(0),
        1,
      ),
    );
    expect(html).not.toMatch(/<script>|<img>/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&quot;&lt;img&gt;&quot;');
  });
});

/** A harness summary with the given verdict (its figures do not matter to the sweep). */
function virtualHarnessFor(verdict: 'ok' | 'degraded' | 'invalid'): NonNullable<Summary['harness']> {
  return { verdict, reasons: [], polluted: [], advice: [], checks: [], processes: [], hostLateness: null, groups: {} };
}
