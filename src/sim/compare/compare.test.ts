import { describe, expect, it } from 'vitest';
import { newHistogram, recordMs } from '../../lib/histogram.js';
import type { P, Summary } from '../metrics/summary.js';
import { hgrmText } from '../report/hgrm.js';
import seedrandom from 'seedrandom';
import { wilson } from '../../lib/stats.js';
import { compareMarkdown } from './compare-md.js';
import { compareRuns, parseHgrm, percentileInterval, summaryProblems, valueAt, type RunFolder } from './compare.js';

/** An .hgrm distribution of n latencies spread evenly over [fromMs, fromMs + spanMs). */
function distribution(n: number, fromMs: number, spanMs = 100) {
  const h = newHistogram();
  for (let i = 0; i < n; i++) recordMs(h, fromMs + (spanMs * i) / n);
  const p = (q: number): number => h.getValueAtPercentile(q * 100) / 1000;
  const P: P = { p50: p(0.5), p90: p(0.9), p99: p(0.99), p999: p(0.999), max: h.maxValue / 1000, count: n };
  return { hgrm: parseHgrm(hgrmText(h))!, P };
}

const ZERO: P = { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, count: 0 };

/** A run's folder with the figures compareRuns reads: latency from `fromMs`, `timedOut` of 10,000 requests. */
function folder(label: string, fromMs: number, timedOut: number, tmaxMs = 100): RunFolder {
  const d = distribution(10_000, fromMs);
  const sent = 10_000;
  const summary = {
    scenario: 's',
    mode: 'virtual',
    seed: 1,
    startedAt: '',
    latency: { auction: d.P, overshoot: ZERO, eventLoopDelay: ZERO },
    bids: { sent, onTime: sent - timedOut, noBid: 0, invalid: 0, timedOut, lost: 0, late: 0 },
    auctions: { total: 5000, filled: 4000, unfilled: 1000, skipped: 0, perSec: 100 },
    rates: { timeout: timedOut / sent, fill: 0.8, noBid: 0, invalid: 0, lost: 0 },
    revenue: { total: 1, avgClearingPrice: 1, perThousand: 2, impressionsSold: 4000 },
  } as unknown as Summary;
  return { label, summary, auction: d.hgrm, overshoot: null, scenario: { auction: { tmaxMs, type: 'first-price' } } };
}

const verdict = (a: RunFolder, b: RunFolder, figure: string): string =>
  compareRuns(a, b).rows.find((r) => r.figure === figure)!.verdict;

describe('compareRuns', () => {
  it('calls a timeout rate within noise when the Wilson intervals overlap, and orders it when they are far apart', () => {
    // 100 vs 110 of 10,000: each interval is about ±0.2%, so 0.1% apart overlaps.
    expect(verdict(folder('a', 1, 100), folder('b', 1, 110), 'rates.timeout')).toBe('within noise');
    // 100 vs 200 of 10,000: about five interval half-widths apart.
    expect(verdict(folder('a', 1, 100), folder('b', 1, 200), 'rates.timeout')).toBe('higher');
    expect(verdict(folder('a', 1, 200), folder('b', 1, 100), 'rates.timeout')).toBe('lower');
  });

  it('calls a latency percentile within noise inside its order-statistic interval, and orders it beyond', () => {
    // p50 of 10,000 values over 100 ms: rank ±1%, about ±1 ms; a 0.2 ms shift is noise, 10 ms is not.
    expect(verdict(folder('a', 1, 0), folder('b', 1.2, 0), 'latency.auction.p50')).toBe('within noise');
    expect(verdict(folder('a', 1, 0), folder('b', 11, 0), 'latency.auction.p50')).toBe('higher');
    expect(verdict(folder('a', 11, 0), folder('b', 1, 0), 'latency.auction.p99')).toBe('lower');
  });

  it('gives no verdict where a single run has no interval, and "same" where the figures are equal', () => {
    const a = folder('a', 1, 100);
    const b = folder('b', 1, 100);
    b.summary.revenue.perThousand = 2.5;
    expect(verdict(a, b, 'revenue.perThousand')).toBe('no interval');
    expect(verdict(a, b, 'auctions.perSec')).toBe('same');
  });

  it('lists the settings that differ between the resolved scenarios', () => {
    expect(compareRuns(folder('a', 1, 0, 100), folder('b', 1, 0, 80)).settings).toEqual([
      { path: 'auction.tmaxMs', a: 100, b: 80 },
    ]);
    const noScenario = { ...folder('b', 1, 0, 80), scenario: null };
    expect(compareRuns(folder('a', 1, 0), noScenario).settings).toEqual([]);
  });
});

describe('percentileInterval', () => {
  it('holds the figure itself and narrows as the run grows', () => {
    const small = distribution(1_000, 1);
    const large = distribution(100_000, 1);
    const i = percentileInterval(small.hgrm, 0.99, small.P.p99)!;
    const j = percentileInterval(large.hgrm, 0.99, large.P.p99)!;
    expect(i.lo).toBeLessThanOrEqual(small.P.p99);
    expect(i.hi).toBeGreaterThanOrEqual(small.P.p99);
    expect(j.hi - j.lo).toBeLessThan(i.hi - i.lo);
    expect(percentileInterval(null, 0.99, 5)).toBeNull();
  });

  it('reads the .hgrm rows and the total count', () => {
    const d = distribution(2_000, 1).hgrm;
    expect(d.count).toBe(2_000);
    expect(d.rows[0]!.fraction).toBe(0);
    expect(d.rows.at(-1)!.fraction).toBe(1);
    expect(parseHgrm('no rows here')).toBeNull();
    // Between two rows the value is interpolated; outside them it is the end row's.
    const hand = parseHgrm(
      '  Value Percentile TotalCount\n\n 10.000 0.500000 5\n 20.000 0.600000 6\n 30.000 1.0 10\n',
    )!;
    expect(valueAt(hand, 0.55)).toBeCloseTo(15, 9);
    expect(valueAt(hand, 0.1)).toBe(10);
    expect(valueAt(hand, 0.8)).toBeCloseTo(25, 9);
  });
});

describe('intervals that hold', () => {
  /**
   * How often the 95% interval of the p-quantile of n lognormal values holds the true quantile, and
   * its mean width relative to the truth. The distribution is the sorted sample itself (a row per
   * value), so the test measures the interval, not the .hgrm rows, and runs in well under a second.
   */
  function coverage(p: number, n: number, trials: number): { held: number; width: number } {
    const rng = seedrandom(`coverage-${p}-${n}`);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    // ln L ~ N(ln 20, 0.5²): the true p-quantile is 20·e^(0.5·z_p).
    const zp: Record<string, number> = { '0.5': 0, '0.99': 2.3263478740408408, '0.999': 3.090232306167813 };
    const truth = 20 * Math.exp(0.5 * zp[String(p)]!);
    let held = 0;
    let width = 0;
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: n }, () => 20 * Math.exp(0.5 * normal())).sort((x, y) => x - y);
      const d = {
        rows: [{ value: xs[0]!, fraction: 0 }, ...xs.map((value, i) => ({ value, fraction: (i + 1) / n }))],
        count: n,
      };
      const i = percentileInterval(d, p, xs[Math.ceil(p * n) - 1]!)!;
      if (i.lo <= truth && truth <= i.hi) held++;
      width += (i.hi - i.lo) / truth / trials;
    }
    return { held: held / trials, width };
  }

  it('holds the true percentile about 95% of the time, the far tail of a short run included', () => {
    // p99.9 of 1,000 values has about one value past it: the interval must open upward, not collapse.
    const tail = coverage(0.999, 1_000, 400);
    expect(tail.held).toBeGreaterThanOrEqual(0.9);
    expect(tail.width).toBe(Infinity);
    // Where the run bounds the percentile, the interval is finite and not wider than it must be.
    for (const [p, n, most] of [
      [0.99, 1_486, 0.25],
      [0.5, 1_000, 0.1],
    ] as const) {
      const c = coverage(p, n, 400);
      expect(c.held).toBeGreaterThanOrEqual(0.9);
      expect(c.held).toBeLessThanOrEqual(0.99);
      expect(c.width).toBeLessThan(most);
    }
  });

  it("takes each rate's interval from its own counts", () => {
    const a = folder('a', 1, 100);
    Object.assign(a.summary.bids, { noBid: 30, invalid: 7, lost: 3, onTime: 10_000 - 140 });
    const rows = compareRuns(a, folder('b', 1, 100)).rows;
    const at = (figure: string) => rows.find((r) => r.figure === figure)!.aInterval;
    expect(at('rates.timeout')).toEqual(wilson(100, 10_000));
    expect(at('rates.fill')).toEqual(wilson(4000, 5000));
    expect(at('rates.noBid')).toEqual(wilson(30, 10_000));
    expect(at('rates.invalid')).toEqual(wilson(7, 10_000));
    expect(at('rates.lost')).toEqual(wilson(3, 10_000));
  });
});

describe('compareMarkdown', () => {
  it('writes B − A, relative to A, with rates in percentage points', () => {
    const page = compareMarkdown(compareRuns(folder('a', 1, 100), folder('b', 11, 200, 80)));
    const line = (figure: string) => page.split('\n').find((l) => l.startsWith(`| \`${figure}\``))!;
    expect(line('rates.timeout')).toContain('| +1.00 pp (+100%) | **B higher** |');
    // 51.0 → 61.0 ms as HdrHistogram reads them back: +9.98 ms, +19.6% of A.
    expect(line('latency.auction.p50')).toContain('| +9.98 ms (+19.6%) | **B higher** |');
    expect(line('revenue.perThousand')).toContain('| 0 | same |');
    expect(page).toContain('| `auction.tmaxMs` |');
  });

  it('says which run measured the machine, and that its differences may be the machine', () => {
    const a = folder('a', 1, 100);
    const b = folder('b', 1, 100);
    expect(compareMarkdown(compareRuns(a, b))).not.toContain('harness');
    b.summary.harness = {
      verdict: 'degraded',
      reasons: ['deadline overshoot p99 was 4 ms, above the degraded limit of 2 ms: auctions closed late'],
      polluted: ['auction latency', 'deadline overshoot'],
      advice: ['lower the rate'],
      checks: [],
      processes: [],
      hostLateness: null,
      groups: {},
    };
    const page = compareMarkdown(compareRuns(a, b)).split('\n');
    expect(page.find((l) => l.startsWith('- **B**'))).toMatch(/ — \*\*harness degraded\*\*$/);
    expect(page.find((l) => l.startsWith('- **A**'))).not.toMatch(/harness/);
    expect(page).toContain(
      "> ⚠️ B's harness was degraded (auction latency, deadline overshoot): its differences in those figures may be the machine's, not the bidders'. deadline overshoot p99 was 4 ms, above the degraded limit of 2 ms: auctions closed late.",
    );
  });
});

describe('summaryProblems', () => {
  it('names every field compare reads that is missing or not a number', () => {
    const good = folder('a', 1, 100).summary;
    expect(summaryProblems(good)).toEqual([]);
    const bad = structuredClone(good) as unknown as {
      bids: Record<string, unknown>;
      latency: { auction: Record<string, unknown> };
    };
    bad.bids.sent = '11888';
    bad.latency.auction.p50 = null;
    expect(summaryProblems(bad)).toEqual([
      'latency.auction.p50: must be a number (got null)',
      'bids.sent: must be a count, a whole number ≥ 0 (got "11888")',
    ]);
    expect(summaryProblems([])).toEqual(['not an object']);
  });
});
