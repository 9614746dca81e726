// Group deadlines and secondary groups through whole virtual runs, from the scenario file's fields:
// each group is held to its own deadline, the run's accounting and invariants hold, and with a
// secondary group the auctions close by the primaries' slowest deadline.

import { describe, expect, it } from 'vitest';
import { accountingErrors } from '../src/sim/metrics/summary.js';
import { runVirtual } from '../src/sim/virtual/virtual-runner.js';
import { valid } from './helpers/scenarios.js';

const base = {
  mode: 'virtual',
  seed: 7,
  network: { model: 'constant', ms: 0 },
  load: { arrival: 'poisson', rate: 500, auctions: 3000, warmupSec: 0 },
  auction: { tmaxMs: 100, allowanceMs: 5, minBidderMs: 10 },
};

describe('group deadlines in a virtual run', () => {
  it('times the 30 ms group out past 30 and lets the 80 ms group answer up to 80', () => {
    const s = valid({
      ...base,
      bidders: [
        { name: 'quick', count: 2, deadlineMs: 30, latency: { model: 'uniform', minMs: 10, maxMs: 50 } },
        { name: 'slow', count: 2, deadlineMs: 80, latency: { model: 'uniform', minMs: 10, maxMs: 90 } },
      ],
    });
    const r = runVirtual(s);
    expect(r.invariantViolations).toEqual([]);
    expect(accountingErrors(r.summary, 4)).toEqual([]);
    const quick = r.summary.groups.quick!;
    const slow = r.summary.groups.slow!;
    // P(latency > 30) = 0.5 for quick, P(latency > 80) = 0.125 for slow, within 4 standard errors.
    const within = (rate: number, p: number, n: number) =>
      expect(Math.abs(rate - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    within(quick.timeoutRate, 0.5, quick.sent);
    within(slow.timeoutRate, 0.125, slow.sent);
    // No answer is taken past its group's deadline; the auction never waits past 80.
    expect(r.summary.latency.auction.max).toBeLessThanOrEqual(80.1);
  });

  it('closes by the primaries when a slow group is secondary, cutting it off', () => {
    const bidders = [
      { name: 'prime', count: 3, latency: { model: 'uniform', minMs: 5, maxMs: 40 } },
      { name: 'extra', count: 2, latency: { model: 'uniform', minMs: 5, maxMs: 95 } },
    ];
    const plain = runVirtual(valid({ ...base, bidders }));
    const s = valid({ ...base, bidders: [bidders[0], { ...bidders[1], secondary: true }] });
    const r = runVirtual(s);
    expect(r.invariantViolations).toEqual([]);
    expect(accountingErrors(r.summary, 5)).toEqual([]);
    // The close time is the primaries' slowest answer: never past their 40 ms.
    expect(r.summary.latency.auction.max).toBeLessThanOrEqual(40.05);
    expect(plain.summary.latency.auction.max).toBeGreaterThan(80);
    const extra = r.summary.groups.extra!;
    // An extra leaf is cut whenever it answers after all three primaries: most of the time.
    expect(extra.secondaryCut).toBeGreaterThan(extra.sent / 2);
    expect(extra.secondaryCut).toBe(extra.timedOut);
    expect(r.summary.groups.prime!.secondaryCut).toBe(0);
    expect(r.summary.bidders['extra-1']!.seatNonBid['101']).toBe(r.summary.bidders['extra-1']!.timedOut);
  });
});
