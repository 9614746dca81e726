// Segments of a virtual run whose leaves and policies carry state from one auction to the next (a
// capacity queue, a WebSocket leaf down for its backoff, the throttle, the QPS caps, the adaptive
// deadlines): each segment simulates every arrival and records its stripe, so the segments' merge is
// the unsegmented run's summary.json field by field, not just within sampling bounds.

import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Summary } from '../metrics/summary.js';
import { evaluateThresholds } from '../metrics/thresholds.js';
import { mergeRuns } from '../merge/merge-runs.js';
import { readRunFolder } from '../merge/read-run.js';
import { writeReports } from '../report/write-reports.js';
import type { Scenario } from '../scenario/schema.js';
import type { Progress, RunResult } from '../run/result.js';
import type { LeafHostStats } from '../../bidders/host.js';
import { runVirtual } from './virtual-runner.js';
import { removeTempDirs, tempDir } from '../../../test/helpers/cli.js';
import { valid } from '../../../test/helpers/scenarios.js';

afterAll(removeTempDirs);

/** Busy finite-capacity leaves, a flaky connection, a throttle, a QPS cap and adaptive deadlines. */
const STATEFUL = valid({
  name: 'stateful',
  mode: 'virtual',
  seed: 11,
  load: { rate: 400, durationSec: 4, warmupSec: 0.5 },
  auction: {
    tmaxMs: 60,
    adaptive: { quantile: 0.9, marginMs: 5, windowSec: 1, minMs: 10 },
    throttle: { maxTimeoutRate: 0.2, windowSec: 1, minShare: 0.2 },
  },
  bidders: [
    {
      name: 'busy',
      count: 2,
      latency: { model: 'exponential', meanMs: 4 },
      capacity: { concurrency: 1, queue: 3 },
      bid: { rate: 0.8, respectTmax: true },
    },
    { name: 'capped', count: 1, qps: 150, latency: { model: 'lognormal', medianMs: 10, p99Ms: 40 } },
    {
      name: 'flaky',
      count: 1,
      latency: { model: 'uniform', minMs: 5, maxMs: 90 },
      faults: { timeout: 0.05, disconnect: 0.005 },
    },
  ],
  thresholds: { 'rates.timeout': '<0.3' },
});

const withoutStart = (s: Summary): Omit<Summary, 'startedAt' | 'merged'> => {
  const { startedAt: _s, merged: _m, ...rest } = s;
  return rest;
};

/** `s` run in `k` segments, each written as its folder, read back and merged. */
function segmentedAndMerged(s: Scenario, k: number): { parts: Summary[]; merged: RunResult } {
  const root = tempDir();
  const parts = Array.from({ length: k }, (_, index) => {
    const r = runVirtual(s, { segment: { index, count: k } });
    r.summary.thresholds = evaluateThresholds(r.summary, s.thresholds);
    const dir = join(root, `segment-${index}-of-${k}`);
    writeReports(dir, r);
    return { dir, summary: r.summary };
  });
  const outcome = mergeRuns(parts.map((p) => readRunFolder(p.dir)));
  if (!outcome.ok) throw new Error(outcome.problems.join('\n'));
  return { parts: parts.map((p) => p.summary), merged: outcome.result };
}

/** What the leaves counted of their own traffic, by name. */
const served = (stats: readonly LeafHostStats[]) =>
  Object.fromEntries(stats.map((h) => [h.name, [h.requests, h.queued ?? 0, h.busy ?? 0, h.tooLate ?? 0]]));

describe('segments of a virtual run with state shared across auctions', () => {
  const run = runVirtual(STATEFUL);
  const whole = run.summary;
  whole.thresholds = evaluateThresholds(whole, STATEFUL.thresholds);

  it('merge into the unsegmented run exactly, field by field', () => {
    for (const k of [2, 3]) {
      const { parts, merged } = segmentedAndMerged(STATEFUL, k);
      for (const [index, p] of parts.entries()) expect(p.segment).toEqual({ index, count: k, simulated: 'whole-run' });
      // Each segment recorded only its stripe: ceil((N - i) / k) of the N auctions.
      const n = whole.auctions.total;
      expect(parts.map((p) => p.auctions.total)).toEqual(parts.map((_, i) => Math.ceil((n - i) / k)));
      expect(withoutStart(merged.summary)).toEqual(withoutStart(whole));
      // The leaves' own counts are the whole run's once, not k times.
      expect(served(merged.hostStats)).toEqual(served(run.hostStats));
    }
  });

  it('merge exactly where a stripe has few auctions: drops just after the warm-up, sparse deadline readings', () => {
    // At 5/s in 10 segments, segment 0's first measured auction comes long after the run's: the
    // links' drops and strays between them are still the whole run's (Metrics.witness), and the
    // downtime counts to the run's last arrival, past the segment's own.
    const sparse = valid({
      name: 'sparse',
      mode: 'virtual',
      seed: 2,
      load: { rate: 5, durationSec: 12, warmupSec: 2 },
      auction: { tmaxMs: 100 },
      bidders: [
        {
          name: 'flaky',
          count: 3,
          latency: { model: 'uniform', minMs: 5, maxMs: 90 },
          faults: { disconnect: 0.3, malformed: 0.2 },
        },
      ],
    });
    // At 3/s in 4 segments, most seconds hold no auction of a given stripe: each deadline reading is
    // still taken when the whole run takes it.
    const adaptive = valid({
      name: 'sparse',
      mode: 'virtual',
      seed: 3,
      load: { rate: 3, durationSec: 30, warmupSec: 1 },
      auction: { tmaxMs: 120, adaptive: { quantile: 0.8, marginMs: 3, windowSec: 3, minMs: 10 } },
      bidders: [{ name: 'a', count: 2, latency: { model: 'lognormal', medianMs: 20, p99Ms: 150 } }],
    });
    for (const [s, k] of [
      [sparse, 10],
      [adaptive, 4],
    ] as const) {
      const w = runVirtual(s).summary;
      w.thresholds = evaluateThresholds(w, s.thresholds);
      expect(withoutStart(segmentedAndMerged(s, k).merged.summary)).toEqual(withoutStart(w));
    }
    const w = runVirtual(sparse).summary;
    expect(Object.values(w.bidders).reduce((n, b) => n + b.drops, 0)).toBeGreaterThan(10);
    expect(runVirtual(adaptive).summary.bidders['a-1']!.deadlineMs!.ms.length).toBeGreaterThan(20);
  });

  it("reports its own stripe's progress: closed and in flight alike", () => {
    const seen = (segment?: { index: number; count: number }) => {
      const reports: Progress[] = [];
      runVirtual(STATEFUL, { progressEverySec: 0.1, onProgress: (p) => reports.push(p), ...(segment && { segment }) });
      return reports;
    };
    const whole = seen();
    const part = seen({ index: 1, count: 4 });
    expect(part.length).toBe(whole.length);
    const most = (r: Progress[]) => Math.max(...r.map((p) => p.inFlight));
    // About a quarter of the whole run's auctions in flight, not all of them.
    expect(most(part)).toBeLessThan(0.5 * most(whole));
    expect(part.every((p) => p.inFlight >= 0)).toBe(true);
    expect(part.at(-1)!.inFlight).toBe(0);
    expect(part.at(-1)!.closed).toBeLessThan(0.3 * whole.at(-1)!.closed);
  });

  it('the run exercises every kind of shared state', () => {
    const host = served(run.hostStats);
    // Capacity: requests queued, refused with the queue full (nbr 1) and refused as too late (nbr 15).
    expect(host['busy-1']![1]).toBeGreaterThan(0);
    expect(host['busy-1']![2]).toBeGreaterThan(0);
    expect(host['busy-1']![3]).toBeGreaterThan(0);
    const b = whole.bidders;
    expect(b['capped-1']!.notSent.capped).toBeGreaterThan(0);
    expect(b['flaky-1']!.notSent.throttled).toBeGreaterThan(0);
    expect(b['flaky-1']!.drops).toBeGreaterThan(0);
    expect(b['flaky-1']!.deadlineMs!.ms.length).toBeGreaterThan(1);
  });

  it('a scenario without such state runs only its stripe, and says so', () => {
    const plain = valid({
      ...STATEFUL,
      auction: { tmaxMs: 60 },
      bidders: [STATEFUL.bidders[1]!].map(({ qps: _q, ...g }) => g),
    });
    const r = runVirtual(plain, { segment: { index: 1, count: 3 } });
    expect(r.summary.segment).toEqual({ index: 1, count: 3, simulated: 'stripe' });
    // Its leaves heard only its stripe.
    expect(r.hostStats[0]!.requests).toBe(r.summary.bids.sent);
    // And drew streams of their own: two segments of 1,500 requests each are two samples, not one
    // sample twice (with the run's seed, each leaf replayed the same draws in every segment).
    const even = valid({ ...plain, load: { rate: 400, auctions: 3000, durationSec: null, warmupSec: 0 } });
    const [a, b] = [0, 1].map(
      (index) => runVirtual(even, { segment: { index, count: 2 } }).summary.bidders['capped-1']!,
    );
    expect(a!.sent).toBe(1500);
    expect(b!.sent).toBe(1500);
    expect(a!.latency).not.toEqual(b!.latency);
  });
});
