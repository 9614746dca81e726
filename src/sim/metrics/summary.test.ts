import { describe, expect, it } from 'vitest';
import type { BidRequest } from '../../protocol/openrtb.js';
import { Metrics } from './metrics.js';
import { accountingErrors, buildSummary, type Summary, type SummaryInput } from './summary.js';

function summaryInput(): SummaryInput {
  return {
    scenario: 't',
    seed: 1,
    mode: 'live',
    startedAt: new Date(0),
    durationSec: 1,
    partial: false,
    config: {
      rate: 1,
      arrival: 'poisson',
      tmaxMs: 100,
      allowanceMs: 5,
      type: 'first-price',
      floor: 0,
      impressions: 1,
      leaves: 2,
      warmupSec: 0,
    },
    eventLoopDelay: { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, count: 0 },
  };
}

function summary(): Summary {
  const m = new Metrics([
    { name: 'a-1', group: 'a' },
    { name: 'a-2', group: 'a' },
  ]);
  return buildSummary(m, summaryInput());
}

describe('accountingErrors', () => {
  it('accepts counts that add up', () => {
    expect(accountingErrors(summary(), 2)).toEqual([]);
  });

  it('names a request sent that ended in no outcome', () => {
    const s = summary();
    s.auctions.total = 1;
    s.auctions.filled = 1;
    s.latency.auction.count = 1;
    s.bids.sent = 2;
    s.bids.onTime = 1;
    s.bidders['a-1']!.sent = 1;
    s.bidders['a-1']!.onTime = 1;
    s.bidders['a-2']!.notSent.throttled = 1;
    s.notSent!.throttled = 1;
    s.bids.sent = 1;
    expect(accountingErrors(s, 2)).toEqual([]);
    s.bids.sent = 2;
    expect(accountingErrors(s, 2)).toEqual([
      'bids: sent 2 != onTime+noBid+invalid+timedOut+lost 1',
      'bids.sent 2 + notSent 1 != auctions 1 x leaves 2 = 2',
    ]);
  });

  it('names a leaf whose sent and not sent do not add up to the auctions', () => {
    const s = summary();
    s.auctions.total = 2;
    s.auctions.unfilled = 2;
    s.latency.auction.count = 2;
    s.bids.sent = 3;
    s.bids.noBid = 3;
    s.notSent!.capped = 1;
    s.bidders['a-1']!.sent = 2;
    s.bidders['a-1']!.noBid = 2;
    s.bidders['a-2']!.sent = 1;
    s.bidders['a-2']!.noBid = 1;
    // The total adds up, but a-2's not-sent request went to a-1's count.
    s.bidders['a-1']!.notSent.capped = 1;
    expect(accountingErrors(s, 2)).toEqual([
      'bidders.a-1: sent 2 + notSent 1 != auctions 2',
      'bidders.a-2: sent 1 + notSent 0 != auctions 2',
    ]);
  });

  it('reads a summary without not-sent counts by the old identity', () => {
    const s = summary();
    delete s.notSent;
    s.auctions.total = 1;
    s.auctions.skipped = 1;
    s.auctions.unfilled = 1;
    s.latency.auction.count = 1;
    expect(accountingErrors(s, 2)).toEqual([]);
  });

  it('names late answers that outnumber timeouts, and sent that is not auctions x leaves', () => {
    const s = summary();
    s.bidders['a-1']!.late = 1;
    s.bids.sent = 3;
    s.bids.lost = 3;
    const errors = accountingErrors(s, 2);
    expect(errors).toContain('bidders.a-1: late 1 > timedOut 0');
    expect(errors).toContain('bids.sent 3 + notSent 0 != auctions 0 x leaves 2 = 0');
  });
});

describe('percentiles', () => {
  it('are ordered and never above the max, whatever was recorded', async () => {
    const fc = (await import('fast-check')).default;
    const { newHistogram, recordMs } = await import('../../lib/histogram.js');
    const { percentiles } = await import('./summary.js');
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (values) => {
          const h = newHistogram();
          for (const v of values) recordMs(h, v);
          const p = percentiles(h);
          expect(p.p50).toBeLessThanOrEqual(p.p90);
          expect(p.p90).toBeLessThanOrEqual(p.p99);
          expect(p.p99).toBeLessThanOrEqual(p.p999);
          expect(p.p999).toBeLessThanOrEqual(p.max);
          expect(p.count).toBe(values.length);
        },
      ),
    );
  });

  it('reads a capped latency as the cap, not the top of its bucket', async () => {
    const { newHistogram, recordMs } = await import('../../lib/histogram.js');
    const { percentiles } = await import('./summary.js');
    const h = newHistogram();
    for (let i = 0; i < 100; i++) recordMs(h, 30);
    expect(percentiles(h)).toMatchObject({ p50: 30, p99: 30, max: 30 });
  });
});

describe('auctions that ran to the deadline', () => {
  it('counts the auctions closed by their deadline, their share and the mean auction time', async () => {
    const { InFlightAuction } = await import('../../exchange/in-flight.js');
    const m = new Metrics([{ name: 'a-1', group: 'a' }]);
    m.begin(0, 0);
    const request: BidRequest = {
      id: 'x',
      imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD' }],
      tmax: 95,
      at: 1,
      cur: ['USD'],
    };
    // Two auctions wait for the 100 ms deadline, one closes early when its leaf answers at 10 ms.
    for (const [arrival, closeAfter, byDeadline] of [
      [0, 100, true],
      [5, 100, true],
      [9, 10, false],
    ] as const) {
      const a = new InFlightAuction({ ...request, id: String(arrival) }, arrival, arrival, arrival + 100, arrival, 1);
      a.closed = true;
      a.closeMs = arrival + closeAfter;
      a.byDeadline = byDeadline;
      m.onClosed(a);
    }
    const s = buildSummary(m, { ...summaryInput(), durationSec: 1 });
    expect(s.auctions.total).toBe(3);
    expect(s.auctions.toDeadline).toBe(2);
    expect(s.rates.toDeadline).toBeCloseTo(2 / 3, 6);
    expect(s.auctions.meanMs).toBeCloseTo(70, 1);
    // None counted: a share of 0 and a mean of 0, never NaN.
    const empty = buildSummary(new Metrics([]), summaryInput());
    expect(empty.auctions).toMatchObject({ toDeadline: 0, meanMs: 0 });
    expect(empty.rates.toDeadline).toBe(0);
  });
});
