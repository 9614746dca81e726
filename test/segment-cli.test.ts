// `npm run sim -- FILE --segment I/N` as a user drives it: each segment writes a folder of its own
// inside --out, its counts are its share, and the segments' counts add up to the whole run's.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Summary } from '../src/sim/metrics/summary.js';
import { finish, removeTempDirs, run, start, summaryOf, tempDir, waitForOutput, writeScenario } from './helpers/cli.js';

afterAll(removeTempDirs);

const SIM = 'src/sim/cli/sim.ts';
const scenario = {
  name: 'striped',
  mode: 'virtual',
  seed: 11,
  load: { rate: 301, durationSec: 4, warmupSec: 1 },
  auction: { tmaxMs: 80 },
  bidders: [
    { name: 'fast', count: 2, latency: { model: 'lognormal', medianMs: 20, p99Ms: 70 } },
    { name: 'slow', count: 1, latency: { model: 'lognormal', medianMs: 60, p99Ms: 150 } },
  ],
};

describe('npm run sim -- --segment', () => {
  it('stops a bad spec before anything runs: exit 2, the flag named, nothing written', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, 's.json', scenario);
    const out = join(dir, 'out');
    for (const [args, named] of [
      [['--segment', '2/2'], /^--segment: the segment index must be an integer from 0 to 1/],
      [['--segment', '0/0'], /^--segment: the count of segments must be an integer from 1/],
      [['--segment', '-1/2'], /^--segment: the segment index/],
      [['--segments', '2'], /^--segments: needs JOB_COMPLETION_INDEX/],
    ] as const) {
      const r = await run(SIM, [file, ...args, '--out', out]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(named);
      expect(r.stdout).not.toMatch(/running/);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('checks the limits per process against one segment: a run too large for one process runs in four', async () => {
    const dir = tempDir();
    // 240,000,000 auctions and 4,000,000 requests in flight: a quarter of each is one process's.
    const big = { ...scenario, load: { rate: 80_000, durationSec: 3000 }, auction: { tmaxMs: 1000 } };
    const file = writeScenario(dir, 'big.json', { ...big, bidders: [{ name: 'a', count: 50 }] });
    const whole = await run(SIM, [file, '--out', join(dir, 'whole')]);
    expect(whole.status, whole.stderr).toBe(2);
    expect(whole.stderr).toMatch(/load\.durationSec: rate × durationSec must be at most 100,000,000 auctions/);
    expect(whole.stderr).toMatch(/load\.rate: rate × tmaxMs \/ 1000 × leaves.*\(got 4,000,000:/);
    const two = await run(SIM, [file, '--segment', '1/2', '--out', join(dir, 'two')]);
    expect(two.status, two.stderr).toBe(2);
    expect(two.stderr).toContain('(got 120,000,000 for one segment of 2)');
    // Each segment of four starts; stopped, it writes its partial share, and the four merge.
    const four = join(dir, 'four');
    const ended = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const child = start(SIM, [file, '--segment', `${i}/4`, '--out', four]);
        const done = finish(child, 60_000);
        await waitForOutput(child, new RegExp(`running striped \\(virtual, seed 11, segment ${i} of 4\\)`), 30_000);
        child.kill('SIGTERM');
        return done;
      }),
    );
    for (const r of ended) expect(r.status, r.stderr).toBe(143);
    expect(summaryOf(join(four, 'segment-3-of-4')).partial).toBe(true);
    // Merging runs none of its auctions: the limits on one process's work are not the merge's.
    const merged = await run('src/sim/cli/merge.ts', [four, '--out', join(dir, 'merged')], 60_000);
    expect(merged.status, merged.stderr).toBe(0);
    expect(summaryOf(join(dir, 'merged')).partial).toBe(true);
    // Nor is a bidder host's, which serves the leaves of the run its segments share.
    const host = start('src/sim/cli/bidders.ts', ['--scenario', file, '--port', '0']);
    const served = finish(host, 30_000);
    await waitForOutput(host, /serving 50 leaves of striped at ws:\/\/127\.0\.0\.1:\d+/);
    host.kill('SIGTERM');
    expect((await served).stderr).not.toMatch(/invalid scenario/);
  }, 120_000);

  it("writes each segment into a folder of its own, whose counts add up to the whole run's", async () => {
    const dir = tempDir();
    const file = writeScenario(dir, 's.json', scenario);
    const out = join(dir, 'run');
    const ran = await Promise.all(
      ['0/3', '1/3', '2/3'].map((s) => run(SIM, [file, '--segment', s, '--out', out], 60_000)),
    );
    for (const r of ran) expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['segment-0-of-3', 'segment-1-of-3', 'segment-2-of-3']);
    const whole = await run(SIM, [file, '--out', join(dir, 'whole')], 60_000);
    expect(whole.status, whole.stderr).toBe(0);
    const w = summaryOf(join(dir, 'whole'));
    const parts = [0, 1, 2].map((i) => summaryOf(join(out, `segment-${i}-of-3`)));
    parts.forEach((p, i) => {
      expect(p.segment).toEqual({ index: i, count: 3, simulated: 'stripe' });
      expect(p.config).toEqual(w.config);
      expect(existsSync(join(out, `segment-${i}-of-3`, 'histograms.hlog'))).toBe(true);
    });
    expect(w.segment).toBeUndefined();
    const sum = (f: (s: Summary) => number): number => parts.reduce((t, p) => t + f(p), 0);
    expect(sum((s) => s.auctions.total)).toBe(w.auctions.total);
    expect(sum((s) => s.bids.sent)).toBe(w.bids.sent);
    // Each keeps every third arrival: its count is within one of a third.
    for (const p of parts) expect(Math.abs(p.auctions.total - w.auctions.total / 3)).toBeLessThanOrEqual(1);
    // The last arrival is some segment's.
    expect(Math.max(...parts.map((p) => p.durationSec))).toBe(w.durationSec);
  }, 120_000);
});
