// The fan-out policies in whole virtual runs: the exchange asks them, the metrics count what they
// hold back, and the summary shows it. Their dynamics over time (a step in latency followed, a leaf
// throttled and recovering) are tested on the policy alone in src/exchange/policies/.

import { describe, expect, it } from 'vitest';
import { runVirtual } from '../src/sim/virtual/virtual-runner.js';
import { burstOf } from '../src/exchange/policies/qps-cap.js';
import { valid } from './helpers/scenarios.js';
import { reportMarkdown } from '../src/sim/report/report-md.js';
import { reportModel } from '../src/sim/report/report-model.js';

const base = { mode: 'virtual', seed: 3, network: { model: 'constant', ms: 0 } };
const bid = { rate: 1, price: { model: 'constant', value: 1 }, shade: 1 };

describe('fan-out policies in a virtual run', () => {
  it('throttles a leaf timing out half its requests to minShare, and never a healthy one', () => {
    const s = valid({
      ...base,
      load: { arrival: 'poisson', rate: 200, durationSec: 30, warmupSec: 5 },
      auction: { tmaxMs: 100, throttle: { maxTimeoutRate: 0.1, windowSec: 5, minShare: 0.1 } },
      bidders: [
        { name: 'flaky', latency: { model: 'constant', ms: 20 }, bid, faults: { timeout: 0.5 } },
        { name: 'steady', latency: { model: 'constant', ms: 20 }, bid },
      ],
    });
    const r = runVirtual(s);
    const total = r.summary.auctions.total;
    const flaky = r.summary.bidders['flaky-1']!;
    const steady = r.summary.bidders['steady-1']!;
    // Within the warm-up (one window) the flaky leaf is down to a tenth: about 500 of 5,000 sent.
    expect(flaky.sent / total).toBeGreaterThan(0.085);
    expect(flaky.sent / total).toBeLessThan(0.115);
    expect(flaky.notSent.throttled).toBe(total - flaky.sent);
    expect(flaky.timeoutRate).toBeGreaterThan(0.4);
    expect(steady.sent).toBe(total);
    expect(steady.notSent.throttled).toBe(0);
    expect(r.invariantViolations).toEqual([]);
    // Drawn from the seed: the same run again is the same run.
    const again = runVirtual(s);
    expect({ ...again.summary, startedAt: '' }).toEqual({ ...r.summary, startedAt: '' });
  });

  it('holds each leaf of a group to its qps within 5% over the run', () => {
    const s = valid({
      ...base,
      load: { arrival: 'poisson', rate: 500, durationSec: 21, warmupSec: 1 },
      auction: { tmaxMs: 100 },
      bidders: [
        { name: 'capped', count: 2, qps: 100, latency: { model: 'constant', ms: 10 }, bid },
        { name: 'free', latency: { model: 'constant', ms: 10 }, bid },
      ],
    });
    const r = runVirtual(s);
    const seconds = r.summary.durationSec;
    for (const leaf of ['capped-1', 'capped-2']) {
      const b = r.summary.bidders[leaf]!;
      expect(b.sent).toBeGreaterThanOrEqual(0.95 * 100 * seconds);
      expect(b.sent).toBeLessThanOrEqual(100 * seconds + burstOf(100));
      expect(b.notSent.capped).toBe(r.summary.auctions.total - b.sent);
    }
    expect(r.summary.bidders['free-1']!.sent).toBe(r.summary.auctions.total);
    expect(r.invariantViolations).toEqual([]);
  });

  it("sets each leaf's deadline from its own latency, and the summary and report show it", () => {
    const s = valid({
      ...base,
      load: { arrival: 'poisson', rate: 200, durationSec: 30, warmupSec: 1 },
      auction: { tmaxMs: 100, adaptive: { quantile: 0.95, marginMs: 5, windowSec: 10, minMs: 10 } },
      bidders: [
        { name: 'fast', latency: { model: 'uniform', minMs: 10, maxMs: 30 }, bid },
        { name: 'slow', latency: { model: 'uniform', minMs: 40, maxMs: 60 }, bid },
      ],
    });
    const r = runVirtual(s);
    const fast = r.summary.bidders['fast-1']!.deadlineMs!;
    const slow = r.summary.bidders['slow-1']!.deadlineMs!;
    // A point for each second from the warm-up's end (1 s) to the last arrival's (29 s).
    expect(fast.fromSec).toBe(1);
    expect(fast.ms).toHaveLength(29);
    // From the first second's 200 answers on (a window need not be full), q95 + 5: 34 and 64 (the
    // network is 0 ms), read as the top of a 0.78 ms bucket.
    const within = (xs: number[], lo: number, hi: number): boolean => xs.every((ms) => ms >= lo && ms <= hi);
    expect(within(fast.ms, 33.5, 35.5), fast.ms.join(' ')).toBe(true);
    expect(within(slow.ms, 63.5, 65.5), slow.ms.join(' ')).toBe(true);
    // Every answer (at most 60 ms) is within its deadline once learnt: nothing timed out after it.
    expect(r.summary.bidders['slow-1']!.timedOut).toBe(0);
    expect(reportMarkdown(reportModel(r))).toContain('## Adaptive deadlines over the run');
    expect(r.invariantViolations).toEqual([]);
  });

  it("tracks a step in a queueing leaf's latency within one window", () => {
    // One server, exponential service of mean 4 ms (250/s): at 50/s the response time is exponential
    // of rate 200/s (q95 = ln 20 / 200 = 15.0 ms), at 125/s of rate 125/s (q95 24.0 ms), so the
    // deadlines should be about 20 and 29 ms. A 10 s window of a queue is noisy (waits are
    // correlated): over five seeds the means below lay within 15% of these.
    const s = valid({
      ...base,
      load: { arrival: 'poisson', rate: 87.5, durationSec: 40, warmupSec: 1, profile: [4 / 7, 4 / 7, 10 / 7, 10 / 7] },
      auction: { tmaxMs: 100, adaptive: { quantile: 0.95, marginMs: 5, windowSec: 10, minMs: 10 } },
      bidders: [
        {
          name: 'queued',
          latency: { model: 'exponential', meanMs: 4 },
          capacity: { concurrency: 1, queue: 1000 },
          bid,
        },
      ],
    });
    const r = runVirtual(s);
    const d = r.summary.bidders['queued-1']!.deadlineMs!;
    const mean = (from: number, to: number): number => {
      const xs = d.ms.slice(from - d.fromSec, to - d.fromSec);
      return xs.reduce((t, x) => t + x, 0) / xs.length;
    };
    // The step is at 20 s; one window (10 s) later the window holds only the new load.
    const before = mean(10, 20);
    const after = mean(30, 40);
    expect(before, d.ms.join(' ')).toBeGreaterThan(20 * 0.8);
    expect(before, d.ms.join(' ')).toBeLessThan(20 * 1.2);
    expect(after, d.ms.join(' ')).toBeGreaterThan(29 * 0.8);
    expect(after, d.ms.join(' ')).toBeLessThan(29 * 1.2);
    expect(after).toBeGreaterThan(before * 1.2);
    expect(r.invariantViolations).toEqual([]);
  });
});
