// `npm run merge` as a user drives it: segments of a virtual run and of a live one merged, repeats
// pooled, and every way a merge is refused (exit 2, the field named).

import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finish, removeTempDirs, run, start, summaryOf, tempDir, waitForOutput, writeScenario } from './helpers/cli.js';

afterAll(removeTempDirs);

const SIM = 'src/sim/cli/sim.ts';
const MERGE = 'src/sim/cli/merge.ts';

const virtual = {
  name: 'merged',
  mode: 'virtual',
  seed: 3,
  load: { rate: 1000, durationSec: 6, warmupSec: 1 },
  auction: { tmaxMs: 60 },
  bidders: [
    { name: 'fast', count: 3, latency: { model: 'lognormal', medianMs: 20, p99Ms: 70 }, bid: { rate: 0.7 } },
    { name: 'slow', count: 2, latency: { model: 'lognormal', medianMs: 40, p99Ms: 120 } },
  ],
  thresholds: { 'rates.timeout': '<0.5' },
};

/** |a - b| for two shares of n1 and n2 trials within 4.5 standard errors of their difference. */
function sameShare(a: number, n1: number, b: number, n2: number): void {
  const p = (a * n1 + b * n2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  expect(Math.abs(a - b)).toBeLessThanOrEqual(4.5 * se + 1e-9);
}

describe('npm run merge', () => {
  it('merges a virtual run in 3 segments into what the unsegmented run measures, within sampling bounds', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, 's', virtual);
    const segs = join(dir, 'segs');
    const ran = await Promise.all([0, 1, 2].map((i) => run(SIM, [file, '--segment', `${i}/3`, '--out', segs], 90_000)));
    for (const r of ran) expect(r.status, r.stderr).toBe(0);
    expect((await run(SIM, [file, '--out', join(dir, 'whole')], 90_000)).status).toBe(0);
    const m = await run(MERGE, [segs, '--out', join(dir, 'merged')], 60_000);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/merged 3 run folder\(s\): 3 segments of one run \(seed 3\)/);
    const w = summaryOf(join(dir, 'whole'));
    const s = summaryOf(join(dir, 'merged'));
    // The arrivals are exactly the whole run's: their counts and span to the digit.
    expect(s.auctions.total).toBe(w.auctions.total);
    expect(s.bids.sent).toBe(w.bids.sent);
    expect(s.durationSec).toBe(w.durationSec);
    expect(s.auctions.perSec).toBe(w.auctions.perSec);
    expect(s.latency.auction.count).toBe(w.latency.auction.count);
    expect(s.merged).toEqual({ runs: 3, seeds: [3], pooled: false, segments: { '3': 3 } });
    expect(s.segment).toBeUndefined();
    // The bidders' draws are each segment's own: the rest agrees within sampling error.
    const n = w.bids.sent;
    sameShare(s.rates.timeout, n, w.rates.timeout, n);
    sameShare(s.rates.noBid, n, w.rates.noBid, n);
    sameShare(s.rates.toDeadline!, w.auctions.total, w.rates.toDeadline!, w.auctions.total);
    expect(Math.abs(s.latency.auction.p50 - w.latency.auction.p50)).toBeLessThan(0.05 * w.latency.auction.p50);
    expect(Math.abs(s.revenue.perThousand - w.revenue.perThousand)).toBeLessThan(0.05 * w.revenue.perThousand);
    expect(s.thresholds).toEqual([
      { metric: 'rates.timeout', op: '<', value: 0.5, actual: s.rates.timeout, pass: true },
    ]);
    // And the merged folder is a run's: report pages, histograms, a log another merge reads.
    for (const f of ['report.md', 'report.html', 'auction.hgrm', 'histograms.hlog', 'run-state.json'])
      expect(readFileSync(join(dir, 'merged', f), 'utf8').length).toBeGreaterThan(0);
    const again = await run(MERGE, [join(dir, 'merged'), '--out', join(dir, 'again')], 60_000);
    expect(again.status, again.stderr).toBe(0);
    const { startedAt: _a, merged: _b, ...once } = s;
    const { startedAt: _c, merged: _d, ...twice } = summaryOf(join(dir, 'again'));
    expect(twice).toEqual(once);
  }, 240_000);

  it('pools repeats under different seeds, and says so', async () => {
    const dir = tempDir();
    const small = { ...virtual, load: { rate: 200, durationSec: 3, warmupSec: 0.5 } };
    const file = writeScenario(dir, 's', small);
    const [a, b] = await Promise.all(
      ['1', '2'].map((seed) => run(SIM, [file, '--seed', seed, '--out', join(dir, `seed-${seed}`)], 60_000)),
    );
    expect(a!.status).toBe(0);
    expect(b!.status).toBe(0);
    const m = await run(MERGE, [join(dir, 'seed-1'), join(dir, 'seed-2'), '--out', join(dir, 'pooled')], 60_000);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/2 repeats pooled \(seeds 1, 2\): one sample of the scenario, not one run/);
    const [s1, s2, p] = [
      summaryOf(join(dir, 'seed-1')),
      summaryOf(join(dir, 'seed-2')),
      summaryOf(join(dir, 'pooled')),
    ];
    expect(p.merged).toEqual({ runs: 2, seeds: [1, 2], pooled: true, segments: { '1': 1, '2': 1 } });
    expect(p.seed).toBe(1);
    expect(p.auctions.total).toBe(s1.auctions.total + s2.auctions.total);
    expect(p.bids.timedOut).toBe(s1.bids.timedOut + s2.bids.timedOut);
    // Each repeat is a run of its own: their spans add, so the rate per second is one run's.
    expect(p.durationSec).toBeCloseTo(s1.durationSec + s2.durationSec, 2);
    expect(Math.abs(p.auctions.perSec - 200)).toBeLessThan(20);
    // A pooled folder is no run to merge again.
    const refused = await run(MERGE, [join(dir, 'pooled'), join(dir, 'seed-1'), '--out', join(dir, 'x')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/pooled repeats already/);
  }, 120_000);

  it('refuses what is not one run or repeats of one scenario: exit 2, the fields named, nothing written', async () => {
    const dir = tempDir();
    const small = { ...virtual, load: { rate: 100, durationSec: 2, warmupSec: 0.5 } };
    const file = writeScenario(dir, 's', small);
    const other = writeScenario(dir, 'o', { ...small, auction: { tmaxMs: 70 } });
    const segs = join(dir, 'segs');
    const made = await Promise.all([
      run(SIM, [file, '--segment', '0/2', '--out', segs]),
      run(SIM, [file, '--segment', '0/3', '--out', join(dir, 'thirds')]),
      run(SIM, [other, '--segment', '1/2', '--out', join(dir, 'other')]),
      run(SIM, [file, '--rate', '150', '--seed', '9', '--out', join(dir, 'faster')]),
    ]);
    for (const r of made) expect(r.status, r.stderr).toBe(0);
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'broken'));
    cpSync(join(segs, 'segment-0-of-2'), join(dir, 'broken', 'segment-0-of-2'), { recursive: true });
    writeFileSync(join(dir, 'broken', 'segment-0-of-2', 'histograms.hlog'), 'not a log\n');
    const out = join(dir, 'out');
    for (const [args, named] of [
      [[join(dir, 'empty')], /empty: not a run \(no summary\.json, and no segment-I-of-N folders in it\)/],
      [[join(dir, 'nowhere')], /nowhere: not a folder/],
      [[segs], /seed 3: segment 1 of 2 is missing/],
      [[segs, segs], /seed 3: segment 0 of 2 is given 2 times/],
      [[segs, join(dir, 'thirds')], /seed 3: segments of 2 and of 3 mixed/],
      [[segs, join(dir, 'other')], /the runs differ in: auction\.tmaxMs \(60 vs 70\)/],
      [[segs, join(dir, 'faster')], /the runs differ in: load\.rate \(100 vs 150\)/],
      [[join(dir, 'broken')], /histograms\.hlog: line 1 is not an interval histogram/],
    ] as const) {
      const r = await run(MERGE, [...args, '--out', out]);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(named);
      expect(() => readFileSync(join(out, 'summary.json'))).toThrow();
    }
  }, 120_000);

  it('merges a live run in 2 segments against one bidder host: exact accounting, bids.sent the sum', async () => {
    const dir = tempDir();
    const live = {
      name: 'live-merge',
      seed: 4,
      load: { rate: 150, durationSec: 2.5, warmupSec: 0.5 },
      auction: { tmaxMs: 80 },
      bidders: [
        { name: 'fast', count: 2, latency: { model: 'uniform', minMs: 2, maxMs: 10 } },
        { name: 'slow', count: 1, latency: { model: 'constant', ms: 120 } },
      ],
    };
    const file = writeScenario(dir, 'live', live);
    const host = start('src/sim/cli/bidders.ts', ['--scenario', file, '--port', '0']);
    const hostDone = finish(host, 120_000);
    try {
      const [, url] = await waitForOutput(host, /at (ws:\/\/127\.0\.0\.1:\d+)\//);
      const segs = join(dir, 'segs');
      const ran = await Promise.all(
        ['0/2', '1/2'].map((s) => run(SIM, [file, '--bidders', url!, '--segment', s, '--out', segs], 60_000)),
      );
      for (const r of ran) expect(r.status, r.stderr).toBe(0);
      const m = await run(MERGE, [segs, '--out', join(dir, 'merged')], 60_000);
      expect(m.status, m.stderr).toBe(0);
      const parts = [0, 1].map((i) => summaryOf(join(segs, `segment-${i}-of-2`)));
      const s = summaryOf(join(dir, 'merged'));
      expect(s.bids.sent).toBe(parts[0]!.bids.sent + parts[1]!.bids.sent);
      expect(s.auctions.total).toBe(parts[0]!.auctions.total + parts[1]!.auctions.total);
      // Exact accounting: every request sent ended in one outcome, per leaf and in total.
      const b = s.bids;
      expect(b.onTime + b.noBid + b.invalid + b.timedOut + b.lost).toBe(b.sent);
      expect(b.sent).toBe((s.auctions.total - s.auctions.skipped) * 3);
      for (const leaf of Object.values(s.bidders)) {
        expect(leaf.onTime + leaf.noBid + leaf.invalid + leaf.timedOut + leaf.lost).toBe(leaf.sent);
        expect(leaf.sent).toBe(s.auctions.total - s.auctions.skipped);
      }
      // The slow leaf never answers in time: its timeouts are both segments'.
      expect(s.bidders['slow-1']!.timedOut).toBe(
        parts[0]!.bidders['slow-1']!.timedOut + parts[1]!.bidders['slow-1']!.timedOut,
      );
      // Both exchanges' processes, and the worst of their verdicts.
      expect(s.harness!.processes.filter((p) => p.role === 'exchange')).toHaveLength(2);
      const rank = { ok: 0, degraded: 1, invalid: 2 };
      expect(rank[s.harness!.verdict]).toBe(Math.max(...parts.map((p) => rank[p.harness!.verdict])));
      expect(s.latency.eventLoopDelay.count).toBe(
        parts[0]!.latency.eventLoopDelay.count + parts[1]!.latency.eventLoopDelay.count,
      );
    } finally {
      host.kill('SIGTERM');
      await hostDone;
    }
  }, 180_000);
});
