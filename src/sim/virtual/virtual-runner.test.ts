import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { POOL_DEFAULTS } from '../../exchange/ws-pool.js';
import { decodeHistogram } from '../../lib/histogram.js';
import { type Scenario } from '../scenario/scenario.js';
import { accountingErrors, type Summary } from '../metrics/summary.js';
import { runVirtual, runVirtualAsync } from './virtual-runner.js';
import { valid } from '../../../test/helpers/scenarios.js';

function scenario(raw: Record<string, unknown>): Scenario {
  return valid({ mode: 'virtual', ...raw });
}

/** summary.json as written, without the one field that may differ between runs. */
const bytes = (s: Summary): string => JSON.stringify({ ...s, startedAt: '' }, null, 2);

const MINUTE = scenario({
  seed: 3,
  load: { arrival: 'poisson', rate: 200, durationSec: 60, warmupSec: 1 },
  auction: { tmaxMs: 80 },
  bidders: [
    { name: 'fast', count: 3, latency: { model: 'lognormal', medianMs: 15, p99Ms: 45 } },
    {
      name: 'flaky',
      count: 2,
      latency: {
        model: 'mixture',
        of: [
          { weight: 0.97, model: 'lognormal', medianMs: 40, p99Ms: 90 },
          { weight: 0.03, model: 'constant', ms: 250 },
        ],
      },
      faults: { timeout: 0.01, malformed: 0.01, disconnect: 0.002 },
    },
  ],
  network: { model: 'uniform', minMs: 0.1, maxMs: 0.5 },
});

describe('runVirtual', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives the same summary byte for byte (apart from startedAt) for the same scenario and seed', () => {
    const a = runVirtual(MINUTE).summary;
    const b = runVirtual(MINUTE).summary;
    expect(bytes(a)).toBe(bytes(b));
    expect(a.mode).toBe('virtual');
    expect(a.latency.eventLoopDelay.count).toBe(0);
    const other = runVirtual({ ...MINUTE, seed: 4 }).summary;
    expect(bytes(other)).not.toBe(bytes(a));
  });

  it('runs a 60-second scenario in well under a second of CPU without reading the wall clock or timers', () => {
    // CPU time, not wall time: a busy machine may pause this process, but not make it do more work.
    const start = process.cpuUsage();
    const forbidden = (): never => {
      throw new Error('virtual time read the wall clock or armed a real timer');
    };
    vi.spyOn(Date, 'now').mockImplementation(forbidden);
    vi.spyOn(performance, 'now').mockImplementation(forbidden);
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(forbidden);
    vi.spyOn(globalThis, 'setImmediate').mockImplementation(forbidden);
    vi.spyOn(globalThis, 'setInterval').mockImplementation(forbidden);
    vi.spyOn(process, 'hrtime').mockImplementation(forbidden);
    const { summary } = runVirtual(MINUTE);
    vi.restoreAllMocks();
    const cpu = process.cpuUsage(start);
    expect(summary.durationSec).toBeGreaterThan(58);
    expect(summary.auctions.total).toBeGreaterThan(11_000);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(1000);
  });

  it('carries out malformed answers, silences and disconnects, and the accounting adds up', () => {
    const { summary, hostStats } = runVirtual(MINUTE);
    expect(accountingErrors(summary, 5)).toEqual([]);
    const flaky = summary.groups.flaky!;
    expect(flaky.invalid).toBeGreaterThan(0);
    expect(flaky.lost).toBeGreaterThan(0);
    expect(flaky.late).toBeGreaterThan(0);
    expect(summary.bidders['flaky-1']!.drops).toBeGreaterThan(0);
    expect(summary.bidders['flaky-1']!.invalidReasons['not-json']).toBeGreaterThan(0);
    expect(summary.groups.fast!.lost).toBe(0);
    expect(hostStats.map((h) => h.name)).toEqual(['fast-1', 'fast-2', 'fast-3', 'flaky-1', 'flaky-2']);
    expect(hostStats.every((h) => h.requests > 0 && h.wins > 0)).toBe(true);
  });

  it("leaves the warm-up out of the leaves' own statistics, as out of the exchange's", () => {
    const s = scenario({
      seed: 5,
      load: { arrival: 'poisson', rate: 300, durationSec: 3, warmupSec: 2 },
      bidders: [{ name: 'dsp', count: 2, latency: { model: 'lognormal', medianMs: 10, p99Ms: 30 } }],
    });
    const { summary, hostStats } = runVirtual(s);
    for (const h of hostStats) {
      const sent = summary.bidders[h.name]!.sent;
      expect(sent).toBeGreaterThan(200);
      expect(h.requests).toBe(sent);
      expect(decodeHistogram(h.delays).totalCount).toBe(sent);
    }
  });

  it('redials a leaf that drops at once with growing backoff, and starts over after a stable connection', () => {
    const s = scenario({
      seed: 9,
      load: { arrival: 'constant', rate: 200, durationSec: 60, warmupSec: 0 },
      bidders: [
        // Drops on every request it gets: 5 ms after it comes back up.
        { name: 'dropper', latency: { model: 'constant', ms: 1 }, faults: { timeout: 0, malformed: 0, disconnect: 1 } },
        // Drops about every 5 s, each time after far longer than stableMs up.
        {
          name: 'rare',
          latency: { model: 'constant', ms: 1 },
          faults: { timeout: 0, malformed: 0, disconnect: 0.001 },
        },
      ],
    });
    const { summary } = runVirtual(s);
    const { initialBackoffMs, maxBackoffMs } = POOL_DEFAULTS;
    // Restarting from the first backoff every time would redial about every 0.75 x 50 ms + 5 ms:
    // over a thousand times a minute. Doubling to the 5 s cap (at least 2.5 s with jitter) allows
    // the few short waits on the way up, then one redial per 2.5 s at most.
    const climb = Math.ceil(Math.log2(maxBackoffMs / initialBackoffMs)) + 1;
    const dropper = summary.bidders['dropper-1']!;
    expect(dropper.drops).toBeGreaterThan(climb);
    expect(dropper.drops).toBeLessThanOrEqual(climb + 60_000 / (maxBackoffMs / 2) + 1);
    // A drop after a stable connection waits about the first backoff again (some drops come less
    // than stableMs apart and wait longer): tens of requests lost per drop at 200/s, not the 500 to
    // 1000 of a wait that had kept growing to the cap.
    const rare = summary.bidders['rare-1']!;
    expect(rare.drops).toBeGreaterThan(3);
    expect(rare.lost / rare.drops).toBeLessThan(100);
  });
});

describe('runVirtualAsync', () => {
  it('is the same run event for event, however often it gives the event loop a turn', async () => {
    // Another task counts the turns it gets while the run goes.
    let turns = 0;
    let counting = true;
    const tick = (): void => {
      turns++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    // yieldEveryMs 0: a turn at every look at the clock, the most a run can be cut up.
    const sliced = await runVirtualAsync(MINUTE, { yieldEveryMs: 0 });
    counting = false;
    expect(bytes(sliced.summary)).toBe(bytes(runVirtual(MINUTE).summary));
    expect(sliced.stoppedBy).toBeNull();
    // Other work ran in between: the run did not hold the event loop from start to end.
    expect(turns).toBeGreaterThan(10);
  });

  it('stops arrivals when its signal aborts, and closes what is in flight: a partial summary that adds up', async () => {
    const long = scenario({
      load: { rate: 500, durationSec: 100_000, warmupSec: 0 },
      bidders: [{ name: 'd', count: 4 }],
    });
    const abort = new AbortController();
    // Aborted from another task, as a signal handler would: only a run that yields lets it in.
    setTimeout(() => abort.abort(), 200);
    const r = await runVirtualAsync(long, { signal: abort.signal });
    expect(r.stoppedBy).toBe('signal');
    expect(r.summary.partial).toBe(true);
    expect(r.summary.auctions.total).toBeGreaterThan(0);
    expect(r.summary.durationSec).toBeLessThan(100_000);
    expect(accountingErrors(r.summary, 4)).toEqual([]);
    expect(r.invariantViolations).toEqual([]);
  });
});
