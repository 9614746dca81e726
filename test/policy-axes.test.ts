// Issue 16 item 8: every policy and capacity field works as a sweep axis. Each case sweeps one field
// over two values, builds the cells as `npm run sweep` does (buildCells: each cell validated like a
// file) and runs both in virtual time; the figure the field governs must move the way the field says,
// so an axis that validated but never reached the run would fail here.

import { describe, expect, it } from 'vitest';
import { buildCells } from '../src/sim/sweep/cells.js';
import type { Summary } from '../src/sim/metrics/summary.js';
import { runVirtual } from '../src/sim/virtual/virtual-runner.js';
import { loadScenarioFile } from '../src/sim/scenario/scenario.js';
import { codes, valid } from './helpers/scenarios.js';

/** A slow-tailed group of two leaves under 200 auctions/s for 4 s: enough to move every figure here. */
function base(over: { auction?: object; group?: object; sweep: Record<string, unknown[]> }): unknown {
  return {
    name: 'axes',
    mode: 'virtual',
    seed: 3,
    load: { arrival: 'poisson', rate: 200, durationSec: 4, warmupSec: 0 },
    auction: { tmaxMs: 100, ...over.auction },
    bidders: [{ name: 'dsp', count: 2, latency: { model: 'lognormal', medianMs: 20, p99Ms: 150 }, ...over.group }],
    sweep: over.sweep,
  };
}

/** The two cells' summaries, in the axis's order. */
function sweep(raw: unknown): [Summary, Summary] {
  const built = buildCells(valid(raw), 'virtual', 1);
  if (!built.ok) throw new Error(JSON.stringify(built.issues));
  expect(built.cells).toHaveLength(2);
  const [a, b] = built.cells.map((c) => runVirtual(c.scenario).summary);
  return [a!, b!];
}

describe('policy fields as sweep axes', () => {
  it('auction.adaptive: switched on at the median, deadlines fall, so more requests time out and auctions close sooner', () => {
    const adaptive = { quantile: 0.5, marginMs: 0, windowSec: 1, minMs: 1 };
    // A section swept on and off is given in the file (docs/scenarios.md, Fan-out policies).
    const [off, on] = sweep(base({ auction: { adaptive }, sweep: { 'auction.adaptive': [null, adaptive] } }));
    expect(on.bids.timedOut).toBeGreaterThan(3 * off.bids.timedOut);
    expect(on.latency.auction.p50).toBeLessThan(off.latency.auction.p50);
  });

  it('auction.adaptive.quantile: a higher quantile times out fewer', () => {
    const adaptive = { quantile: 0.5, marginMs: 0, windowSec: 1, minMs: 1 };
    const [low, high] = sweep(base({ auction: { adaptive }, sweep: { 'auction.adaptive.quantile': [0.5, 0.99] } }));
    expect(high.bids.timedOut).toBeLessThan(low.bids.timedOut / 3);
  });

  it('auction.throttle: a leaf timing out half its requests is sent fewer once throttled', () => {
    const throttle = { maxTimeoutRate: 0.1, windowSec: 1, minShare: 0.1 };
    const sick = { faults: { timeout: 0.5, malformed: 0, disconnect: 0 } };
    const [off, on] = sweep(
      base({ auction: { throttle }, group: sick, sweep: { 'auction.throttle': [null, throttle] } }),
    );
    expect(off.bids.sent).toBe(2 * off.auctions.total);
    expect(on.bids.sent).toBeLessThan(0.5 * on.auctions.total * 2);
    // What is held back is counted, so sent and not sent still add up to auctions × leaves.
    expect(on.bids.sent + on.notSent!.throttled).toBe(2 * on.auctions.total);
  });

  it('auction.throttle.minShare: a floor of 1 never holds a request back', () => {
    const throttle = { maxTimeoutRate: 0.1, windowSec: 1, minShare: 0.1 };
    const sick = { faults: { timeout: 0.5, malformed: 0, disconnect: 0 } };
    const [low, all] = sweep(
      base({ auction: { throttle }, group: sick, sweep: { 'auction.throttle.minShare': [0.1, 1] } }),
    );
    expect(all.bids.sent).toBe(2 * all.auctions.total);
    expect(low.bids.sent).toBeLessThan(all.bids.sent / 2);
  });

  it('bidders.0.qps: a cap of 20/s sends each leaf about 20 a second, 1000/s sends every request', () => {
    const [wide, tight] = sweep(base({ group: { qps: 1000 }, sweep: { 'bidders.0.qps': [1000, 20] } }));
    expect(wide.bids.sent).toBe(2 * wide.auctions.total);
    // 4 s at 20/s per leaf, plus the bucket's first token: at most 81 each.
    for (const leaf of ['dsp-1', 'dsp-2']) expect(tight.bidders[leaf]!.sent).toBeLessThanOrEqual(81);
    expect(tight.bids.sent).toBeGreaterThan(2 * 70);
    expect(tight.bids.sent + tight.notSent!.capped).toBe(2 * tight.auctions.total);
  });
});

describe('capacity fields as sweep axes', () => {
  it('bidders.0.capacity: one server and no queue refuses most requests at about 5.8 Erlangs offered', () => {
    const [open, one] = sweep(
      base({ group: { capacity: null }, sweep: { 'bidders.0.capacity': [null, { concurrency: 1, queue: 0 }] } }),
    );
    expect(open.bids.noBid).toBeLessThan(0.2 * open.bids.sent);
    expect(one.bids.noBid).toBeGreaterThan(0.6 * one.bids.sent);
  });

  it('bidders.0.capacity.concurrency and .queue: more servers or more queue refuse fewer', () => {
    const capacity = { concurrency: 2, queue: 0 };
    const [two, eight] = sweep(base({ group: { capacity }, sweep: { 'bidders.0.capacity.concurrency': [2, 8] } }));
    expect(eight.bids.noBid).toBeLessThan(two.bids.noBid / 2);
    // Six servers at about 5.8 Erlangs (mean service 29 ms at 200/s): a queue takes what no server could.
    const six = { concurrency: 6, queue: 0 };
    const [none, deep] = sweep(base({ group: { capacity: six }, sweep: { 'bidders.0.capacity.queue': [0, 50] } }));
    expect(deep.bids.noBid).toBeLessThan(none.bids.noBid / 2);
    // A deep queue answers rather than refuses, but late: more time out.
    expect(deep.bids.timedOut).toBeGreaterThan(none.bids.timedOut);
  });

  it('bidders.0.bid.respectTmax: a queued leaf that reads tmax answers a no-bid at once instead of late', () => {
    const group = {
      capacity: { concurrency: 4, queue: 100 },
      bid: { rate: 0.9, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1, respectTmax: false },
    };
    const [late, told] = sweep(base({ group, sweep: { 'bidders.0.bid.respectTmax': [false, true] } }));
    expect(late.bids.timedOut).toBeGreaterThan(0.05 * late.bids.sent);
    expect(told.bids.timedOut).toBeLessThan(late.bids.timedOut / 2);
    expect(told.bids.noBid).toBeGreaterThan(late.bids.noBid);
  });
});

describe('deadline fields as sweep axes', () => {
  it('bidders.0.deadlineMs: a 30 ms deadline times out the tail and closes every auction by 30 ms', () => {
    const [wide, short] = sweep(base({ group: { deadlineMs: 100 }, sweep: { 'bidders.0.deadlineMs': [100, 30] } }));
    expect(short.bids.timedOut).toBeGreaterThan(5 * wide.bids.timedOut);
    expect(short.latency.auction.max).toBeLessThanOrEqual(30.1);
    expect(wide.latency.auction.max).toBeGreaterThan(90);
  });

  it('bidders.0.toldShare and toldDeductionMs: a leaf that reads tmax and is told less answers no-bid more', () => {
    const reads = { rate: 0.9, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1, respectTmax: true };
    const [full, half] = sweep(
      base({ group: { bid: reads, toldShare: 1 }, sweep: { 'bidders.0.toldShare': [1, 0.3] } }),
    );
    expect(half.bids.noBid).toBeGreaterThan(full.bids.noBid + 0.2 * full.bids.sent);
    const [none, less] = sweep(
      base({ group: { bid: reads, toldDeductionMs: 0 }, sweep: { 'bidders.0.toldDeductionMs': [0, 65] } }),
    );
    expect(less.bids.noBid).toBeGreaterThan(none.bids.noBid + 0.2 * none.bids.sent);
  });

  it('bidders.0.minBidderMs: a value that would skip the whole group is refused in its cell', () => {
    // Told tmax 100 - 5 - 10 = 85: a minimum of 90 would skip every leaf on every auction.
    const group = { toldDeductionMs: 10, minBidderMs: 10 };
    expect(codes(base({ group, sweep: { 'bidders.0.minBidderMs': [10, 90] } }))).toContainEqual({
      path: 'sweep["bidders.0.minBidderMs"][1]',
      code: 'SCN_ERR_ORDER',
    });
    const [low, high] = sweep(base({ group, sweep: { 'bidders.0.minBidderMs': [10, 85] } }));
    expect([low.notSent!.skipped, high.notSent!.skipped]).toEqual([0, 0]);
    expect(high.bids.sent).toBe(2 * high.auctions.total);
  });

  it('bidders.1.secondary: a slow secondary group is cut when the fast primaries have answered', () => {
    const raw = base({ sweep: { 'bidders.1.secondary': [false, true] } }) as { bidders: object[] };
    raw.bidders.push({
      name: 'slow',
      count: 2,
      latency: { model: 'lognormal', medianMs: 60, p99Ms: 90 },
      secondary: false,
    });
    const [waits, cuts] = sweep(raw);
    expect(waits.groups['slow']!.secondaryCut).toBe(0);
    expect(cuts.groups['slow']!.secondaryCut).toBeGreaterThan(0.5 * cuts.groups['slow']!.sent);
    expect(cuts.latency.auction.p50).toBeLessThan(waits.latency.auction.p50 / 2);
  });
});

describe('scenarios/policies.json', () => {
  it('builds its 48 cells, and a cell runs the policies its values name and no other', () => {
    const loaded = loadScenarioFile(new URL('../scenarios/policies.json', import.meta.url).pathname);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const built = buildCells(loaded.scenario, 'virtual', 1);
    if (!built.ok) throw new Error(JSON.stringify(built.issues));
    expect(built.cells).toHaveLength(48);
    // Cell 34: tmax 100, adaptive and throttle off by their values, the slow leaves capped at 700/s.
    const capped = built.cells[34]!;
    expect(capped.values).toEqual([100, 10000, 1, 700, false]);
    const { summary } = runVirtual(capped.scenario);
    expect(summary.groups['slow']!.notSent).toMatchObject({ throttled: 0, skipped: 0 });
    expect(summary.groups['slow']!.notSent!.capped).toBeGreaterThan(0.1 * summary.auctions.total * 2);
    expect(summary.groups['fast']!.notSent).toEqual({ skipped: 0, throttled: 0, capped: 0 });
    expect(summary.config.rate).toBe(800);
  });
});
