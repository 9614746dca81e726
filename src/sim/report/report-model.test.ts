import { describe, expect, it } from 'vitest';
import type { BidCounts, P, Summary } from '../metrics/summary.js';
import {
  manyLeaves,
  syntheticHarness,
  syntheticRun,
  type SyntheticOptions,
} from '../../../test/helpers/synthetic-run.js';
import { chartData } from './chart-data.js';
import { parseShown } from './format.js';
import {
  ALL_LEAVES_UP_TO,
  failingShare,
  MAX_GROUPS_SHOWN,
  reportModel,
  WORST_LEAVES_SHOWN,
  type ReportModel,
} from './report-model.js';
import { reportHtml } from './report-html.js';

/** Thresholds that every synthetic run passes, so the badge is PASS. */
function passing(run: ReturnType<typeof syntheticRun>): ReturnType<typeof syntheticRun> {
  run.summary.thresholds = [{ metric: 'rates.fill', op: '>', value: 0, actual: run.summary.rates.fill, pass: true }];
  return run;
}

/** The page's colours: the badge's class and every verdict line's and key figure's. */
function pageLevels(html: string): { badge: string; lines: string[]; kpis: string[]; cells: string[] } {
  const badge = /<div class="badge (\w+)" id="verdict-word">/.exec(html)?.[1] ?? '';
  const verdict = /<header class="verdict[\s\S]*?<\/header>/.exec(html)?.[0] ?? '';
  const lines = [...verdict.matchAll(/<li class="(\w+)">/g)].map((m) => m[1]!);
  const kpis = [...html.matchAll(/<div class="kpi (\w*)">/g)].map((m) => m[1]!);
  const cells = [...html.matchAll(/<t[dh][^>]* class="(?:num )?(ok|warn|bad)"/g)].map((m) => m[1]!);
  return { badge, lines, kpis, cells };
}

/** Each leaf's share of one outcome, largest first, from summary.json alone. */
const byShare = (s: Summary, key: 'timedOut' | 'invalid' | 'lost'): Array<[string, number]> =>
  Object.entries(s.bidders)
    .map(([n, b]): [string, number] => [n, b[key] / b.sent])
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);

/** Worst first as the charts rank: the failing share, then the slowest p99, then the name. */
function worstFirst(rows: Array<[string, BidCounts & { latency: P }]>): Array<[string, number]> {
  return rows
    .map(([n, b]) => ({ n, f: failingShare(b), p99: b.latency.p99 }))
    .sort((a, b) => b.f - a.f || b.p99 - a.p99 || (a.n < b.n ? -1 : 1))
    .map(({ n, f }): [string, number] => [n, f]);
}

describe('the verdict', () => {
  const cases: Array<[string, SyntheticOptions]> = [
    ['auctions closed well past the deadline', { overshootMs: 40, auctions: 600 }],
    ['a leaf that loses most requests', { faulty: true, auctions: 600 }],
    ['a quiet run', { auctions: 600 }],
  ];

  it.each(cases)('under a PASS badge, no line or key figure is red (%s)', (_name, opts) => {
    const m = reportModel(passing(syntheticRun(opts)));
    expect(m.verdict.word).toBe('PASS');
    const red = m.verdict.lines.filter((l) => l.level === 'bad');
    expect(red.length === 0 || m.verdict.level === 'bad').toBe(true);
    const page = pageLevels(reportHtml(m));
    expect(page.badge).toBe(m.verdict.level);
    expect(page.lines).toEqual(m.verdict.lines.map((l) => l.level));
    if (page.badge !== 'bad') {
      expect(page.lines).not.toContain('bad');
      expect(page.kpis).not.toContain('bad');
      expect(page.cells).not.toContain('bad');
    }
    // The tables colour cells at all (the counts of failing outcomes), so the check above has teeth.
    expect(page.cells).toContain(opts.faulty === true ? 'warn' : 'ok');
  });

  it('names a p99 past the deadline in amber, and the badge takes the worst of the verdict’s own lines', () => {
    const m = reportModel(passing(syntheticRun({ overshootMs: 40, auctions: 600 })));
    expect(m.summary.latency.auction.p99).toBeGreaterThan(105);
    const past = m.verdict.lines.find((l) => l.text.includes('past tmax'));
    expect(past?.level).toBe('warn');
    expect(m.verdict.level).toBe('ok');
    // A failed threshold is red, and so is the badge.
    const failing = syntheticRun({ auctions: 600 });
    expect(failing.summary.thresholds.some((t) => !t.pass)).toBe(true);
    const f = reportModel(failing);
    expect(f.verdict.word).toBe('FAIL');
    expect(f.verdict.level).toBe('bad');
    expect(f.verdict.lines.filter((l) => l.level === 'bad').every((l) => l.gate)).toBe(true);
  });

  it('names lost and invalid answers with the worst leaf and its share, in amber', () => {
    const m = reportModel(passing(syntheticRun({ faulty: true, auctions: 800 })));
    const s = m.summary;
    const lost = m.verdict.lines.find((l) => l.text.includes('were lost'));
    const invalid = m.verdict.lines.find((l) => l.text.includes('were invalid'));
    expect(lost?.level).toBe('warn');
    expect(invalid?.level).toBe('warn');
    const [worstLost, lostShare] = byShare(s, 'lost')[0]!;
    expect(worstLost).toBe('faulty-1');
    expect(lostShare).toBeGreaterThan(0.7);
    // The line names the leaf and its share as the tables show it, and the drops.
    const shown = new RegExp(`faulty-1 ([\\d.]+%)`).exec(lost!.text)?.[1];
    expect(Math.abs(parseShown(shown!) - lostShare)).toBeLessThan(0.0005);
    expect(lost!.text).toContain(`${s.bids.lost} of`);
    expect(lost!.text).toContain('dropped 4 times');
    expect(invalid!.text).toMatch(/faulty-2 \d/);
    expect(invalid!.text).toContain('3 stray frames');
    expect(invalid!.text).toMatch(/reasons not-json \d+, bad-price \d+, unknown-request 3\.$/);
    // No such line when nothing was lost.
    const quiet = reportModel(syntheticRun({ auctions: 300, groups: [{ group: 'g', leaves: ['g-1'], medianMs: 10 }] }));
    expect(quiet.summary.bids.lost).toBe(0);
    expect(quiet.verdict.lines.some((l) => l.text.includes('were lost'))).toBe(false);
  });
});

describe('the per-bidder charts', () => {
  const run = (leaves: number, groups: number): ReportModel =>
    reportModel(syntheticRun({ auctions: 120, hostStats: false, groups: manyLeaves(leaves, groups) }));

  it('draw every leaf while there are few', () => {
    const m = reportModel(syntheticRun({ auctions: 300, faulty: true }));
    const leaves = Object.keys(m.summary.bidders);
    expect(leaves.length).toBeLessThanOrEqual(ALL_LEAVES_UP_TO);
    expect(m.shown.allLeaves).toBe(true);
    expect(chartData(m).bidders.names).toEqual(leaves);
    // The failing share is drawn for each, and faulty-1 shows what it lost.
    const d = chartData(m);
    const i = d.bidders.names.indexOf('faulty-1');
    expect(d.bidders.failing[i]).toBeCloseTo(failingShare(m.summary.bidders['faulty-1']!), 5);
  });

  it.each([60, 500])('at %i leaves, draw each group and name the worst leaves', (count) => {
    const m = run(count, 5);
    const s = m.summary;
    expect(Object.keys(s.bidders)).toHaveLength(count);
    const d = chartData(m);
    expect(d.bidders.names).toHaveLength(5 + WORST_LEAVES_SHOWN);
    expect(d.bidders.kinds.slice(0, 5)).toEqual(Array(5).fill('group'));
    expect(d.bidders.names.slice(0, 5)).toEqual(Object.keys(s.groups).map((g) => `${g} ×${s.groups[g]!.leaves}`));
    // The named leaves are the worst by failing share, in that order, as summary.json ranks them.
    const worst = worstFirst(Object.entries(s.bidders)).slice(0, WORST_LEAVES_SHOWN);
    expect(worst[0]![1]).toBeGreaterThan(0.05);
    expect(d.bidders.names.slice(5)).toEqual(worst.map(([n]) => n));
    expect(d.bidders.failing.slice(5)).toEqual(worst.map(([, v]) => Math.round(v * 1e6) / 1e6));
    // A group's bars are its leaves summed.
    const g1 = s.groups.g1!;
    expect(d.bidders.p99[0]).toBe(g1.latency.p99);
    expect(d.bidders.failing[0]).toBeCloseTo((g1.timedOut + g1.invalid + g1.lost) / g1.sent, 5);
    expect(m.shown.note).toContain(`of ${count} leaves`);
  });

  it('draw at most MAX_GROUPS_SHOWN groups, the most failing, and say how many are left out', () => {
    const m = run(40, 20);
    const d = chartData(m);
    const groups = d.bidders.kinds.filter((k) => k === 'group').length;
    expect(groups).toBe(MAX_GROUPS_SHOWN);
    expect(m.shown.groupsLeftOut).toBe(20 - MAX_GROUPS_SHOWN);
    expect(d.spectrum.lines.filter((l) => l.kind === 'group')).toHaveLength(MAX_GROUPS_SHOWN);
    const kept = worstFirst(Object.entries(m.summary.groups)).slice(0, MAX_GROUPS_SHOWN);
    const drawn = d.bidders.names.slice(0, MAX_GROUPS_SHOWN);
    expect(new Set(drawn)).toEqual(new Set(kept.map(([n]) => `${n} ×2`)));
    // In the scenario's order, not the ranking's.
    const order = Object.keys(m.summary.groups);
    expect(drawn.map((n) => order.indexOf(n.split(' ')[0]!))).toEqual(
      [...drawn.map((n) => order.indexOf(n.split(' ')[0]!))].sort((a, b) => a - b),
    );
    expect(m.shown.note).toContain(`the ${20 - MAX_GROUPS_SHOWN} least failing of 20 groups are in the tables only`);
  });

  it('draw only the worst leaves when every group is a single leaf', () => {
    const groups = Array.from({ length: 30 }, (_, i) => ({
      group: `solo${i + 1}`,
      leaves: [`solo${i + 1}-1`],
      medianMs: 10 + i,
      lost: [i % 4 === 0 ? 0.2 : 0],
    }));
    const m = reportModel(syntheticRun({ auctions: 150, hostStats: false, groups }));
    const d = chartData(m);
    expect(d.bidders.kinds).toEqual(Array(WORST_LEAVES_SHOWN).fill('leaf'));
    expect(d.bidders.names).toEqual(
      worstFirst(Object.entries(m.summary.bidders))
        .slice(0, WORST_LEAVES_SHOWN)
        .map(([n]) => n),
    );
    expect(m.shown.groups).toEqual([]);
    expect(m.shown.note).toMatch(/^Only the 8 of 30 leaves/);
  });
});

describe('the harness', () => {
  it('qualifies a PASS under a degraded harness, and a FAIL under an invalid one', () => {
    const run = passing(syntheticRun({ auctions: 300 }));
    run.summary.harness = syntheticHarness('degraded');
    const m = reportModel(run);
    expect(m.verdict.word).toBe('PASS');
    expect(m.verdict.headline).toBe('PASS · harness degraded');
    expect(m.verdict.level).toBe('warn');
    expect(m.verdict.lines[0]!.text).toBe(
      'All 1 thresholds pass — but the harness was degraded: the figures below measured the machine as well as the bidders.',
    );
    const failed = syntheticRun({ auctions: 300 });
    failed.summary.harness = syntheticHarness('invalid');
    const f = reportModel(failed);
    expect(f.verdict.level).toBe('bad');
    expect(f.verdict.lines[0]!.text).toContain(
      '— and the harness was invalid: the figures below measured the machine, not the bidders',
    );
  });

  it('says nothing over the verdict when the harness was ok, or in a virtual run', () => {
    for (const h of [syntheticHarness('ok'), { ...syntheticHarness('ok'), reasons: ['virtual time'], checks: [] }]) {
      const run = passing(syntheticRun({ auctions: 300 }));
      run.summary.harness = h;
      const m = reportModel(run);
      expect(m.verdict.headline).toBe('PASS');
      expect(m.verdict.level).toBe('ok');
      expect(m.verdict.lines.some((l) => l.text.includes('harness'))).toBe(false);
    }
  });

  it('adds a line of its own when no threshold was set', () => {
    const run = syntheticRun({ auctions: 300 });
    run.summary.thresholds = [];
    run.summary.harness = syntheticHarness('invalid');
    const m = reportModel(run);
    expect(m.verdict.word).toBe('DONE');
    expect(m.verdict.level).toBe('bad');
    expect(m.verdict.lines[1]).toEqual({
      level: 'bad',
      gate: true,
      text: 'But the harness was invalid: the figures below measured the machine, not the bidders.',
    });
  });
});
