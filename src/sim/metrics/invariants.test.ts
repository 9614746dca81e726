// Each invariant check catches a deliberately broken event stream, and a clean stream passes.

import { describe, expect, it } from 'vitest';
import { InFlightAuction } from '../../exchange/in-flight.js';
import { Outcome } from '../../exchange/outcome.js';
import type { BidRequest } from '../../protocol/openrtb.js';
import { InvariantChecker, tee } from './invariants.js';
import { Metrics } from './metrics.js';

const LEAVES = 2;

function auction(id = 'a', deadline = 100): InFlightAuction {
  const req: BidRequest = { id, imp: [{ id: '1', bidfloor: 0.5, bidfloorcur: 'USD' }], tmax: 95, at: 1, cur: ['USD'] };
  return new InFlightAuction(req, 0, 0, deadline, 0, LEAVES);
}

function close(a: InFlightAuction, at: number, byDeadline: boolean): void {
  a.closed = true;
  a.closeMs = at;
  a.byDeadline = byDeadline;
}

/** A clean auction: leaf 0 bids 2 and wins at 2 (first price), leaf 1 says no-bid; closed at 30. */
function clean(c: InvariantChecker, a = auction()): InFlightAuction {
  c.onScatter(a, LEAVES);
  a.bids.push({ bidder: 0, bidId: 'b', impid: '1', price: 2, seq: 0 });
  c.onOutcome(0, Outcome.ON_TIME, a, 10, null);
  c.onOutcome(1, Outcome.NO_BID, a, 20, null);
  close(a, 30, false);
  a.outcome = {
    imps: [{ impid: '1', winner: 0, clearingPrice: 2 }],
    reasons: [0],
  } as unknown as InFlightAuction['outcome'];
  c.onClosed(a);
  return a;
}

const revenue = (total: number, spend = total) => ({
  revenue: { total },
  bidders: { l0: { spend }, l1: { spend: 0 } },
});

describe('InvariantChecker', () => {
  it('passes a clean stream, revenue included', () => {
    const c = new InvariantChecker(LEAVES);
    clean(c);
    expect(c.finish(revenue(0.002))).toEqual([]);
    expect(c.ok).toBe(true);
  });

  it('catches an auction closed twice', () => {
    const c = new InvariantChecker(LEAVES);
    const a = clean(c);
    c.onClosed(a);
    expect(c.violations[0]).toMatch(/closed twice/);
  });

  it('catches an auction never closed', () => {
    const c = new InvariantChecker(LEAVES);
    c.onScatter(auction(), LEAVES);
    expect(c.finish()[0]).toMatch(/1 auction\(s\) never closed/);
  });

  it('catches a deadline close past the overshoot bound, and one before the deadline', () => {
    const c = new InvariantChecker(LEAVES, { maxOvershootMs: 5 });
    const late = auction('late');
    c.onScatter(late, LEAVES);
    close(late, 110, true);
    c.onOutcome(0, Outcome.TIMED_OUT, late, Number.NaN, null);
    c.onOutcome(1, Outcome.TIMED_OUT, late, Number.NaN, null);
    c.onClosed(late);
    const early = auction('early');
    c.onScatter(early, LEAVES);
    close(early, 90, true);
    c.onOutcome(0, Outcome.TIMED_OUT, early, Number.NaN, null);
    c.onOutcome(1, Outcome.TIMED_OUT, early, Number.NaN, null);
    c.onClosed(early);
    expect(c.violations).toEqual([
      'auction late: closed 10 ms after its deadline (bound 5 ms)',
      'auction early: closed by the deadline 10 ms before it',
    ]);
    expect(c.maxOvershootMs).toBe(10);
  });

  it('catches an "all answered" close after the deadline', () => {
    const c = new InvariantChecker(LEAVES);
    const a = auction();
    c.onScatter(a, LEAVES);
    c.onOutcome(0, Outcome.LOST, a, Number.NaN, null);
    c.onOutcome(1, Outcome.LOST, a, Number.NaN, null);
    close(a, 120, false);
    c.onClosed(a);
    expect(c.violations[0]).toMatch(/closed without the deadline 20 ms after it/);
  });

  it('catches a request with two outcomes, one with none, and an outcome after the close', () => {
    const c = new InvariantChecker(LEAVES);
    const a = auction();
    c.onScatter(a, LEAVES);
    c.onOutcome(0, Outcome.ON_TIME, a, 10, null);
    c.onOutcome(0, Outcome.LOST, a, Number.NaN, null);
    close(a, 30, false);
    c.onClosed(a);
    c.onOutcome(1, Outcome.NO_BID, a, 40, null);
    expect(c.violations).toEqual([
      'auction a: leaf 0 already had an outcome; got 6',
      'auction a: leaf 1 has no outcome at the close',
      'auction a: outcome 3 for leaf 1 while the auction is not open',
    ]);
  });

  it('catches an answer taken after the deadline', () => {
    const c = new InvariantChecker(LEAVES);
    const a = auction();
    c.onScatter(a, LEAVES);
    c.onOutcome(0, Outcome.ON_TIME, a, 101, null);
    expect(c.violations[0]).toMatch(/taken 1 ms after the deadline/);
  });

  it('catches late > timedOut and a late answer before the close', () => {
    const c = new InvariantChecker(LEAVES);
    const a = auction();
    c.onScatter(a, LEAVES);
    c.onLate(1, a, 5, 105);
    expect(c.violations).toEqual([
      'auction a: late answer from leaf 1 before the close',
      'leaf 1: late 1 > timedOut 0',
    ]);
  });

  it('catches a winner whose bid was not taken (no win notice for it may go out)', () => {
    const c = new InvariantChecker(LEAVES);
    const a = auction();
    c.onScatter(a, LEAVES);
    c.onOutcome(0, Outcome.ON_TIME, a, 10, null);
    // Leaf 1's answer was invalid, yet a bid of its is in the auction and wins.
    c.onOutcome(1, Outcome.INVALID, a, 10, 'bad-price');
    a.bids.push({ bidder: 1, bidId: 'x', impid: '1', price: 3, seq: 0 });
    close(a, 30, false);
    a.outcome = {
      imps: [{ impid: '1', winner: 0, clearingPrice: 3 }],
      reasons: [0],
    } as unknown as InFlightAuction['outcome'];
    c.onClosed(a);
    expect(c.violations[0]).toMatch(/bid x from leaf 1 taken though its answer was not on time/);
  });

  it('catches a clearing price above the winning bid or below the floor', () => {
    const c = new InvariantChecker(LEAVES);
    const a = clean(c, auction('hi'));
    (a.outcome!.imps[0] as { clearingPrice: number }).clearingPrice = 2.5;
    const b = auction('lo');
    c.onScatter(b, LEAVES);
    c.onOutcome(0, Outcome.ON_TIME, b, 10, null);
    c.onOutcome(1, Outcome.NO_BID, b, 10, null);
    b.bids.push({ bidder: 0, bidId: 'b', impid: '1', price: 2, seq: 0 });
    close(b, 30, false);
    b.outcome = {
      imps: [{ impid: '1', winner: 0, clearingPrice: 0.1 }],
      reasons: [0],
    } as unknown as InFlightAuction['outcome'];
    c.onClosed(b);
    // The first auction was checked when it closed (clean); re-check by closing a copy.
    const d = auction('d');
    c.onScatter(d, LEAVES);
    c.onOutcome(0, Outcome.ON_TIME, d, 10, null);
    c.onOutcome(1, Outcome.NO_BID, d, 10, null);
    d.bids.push({ bidder: 0, bidId: 'b', impid: '1', price: 2, seq: 0 });
    close(d, 30, false);
    d.outcome = {
      imps: [{ impid: '1', winner: 0, clearingPrice: 2.5 }],
      reasons: [0],
    } as unknown as InFlightAuction['outcome'];
    c.onClosed(d);
    expect(c.violations).toEqual([
      'auction lo: imp 1 clears at 0.1 below the floor 0.5',
      'auction d: imp 1 clears at 2.5 above the winning bid 2',
    ]);
  });

  it('catches revenue that is not the sum of clearing prices, and spend that is not either', () => {
    const c = new InvariantChecker(LEAVES);
    clean(c);
    expect(c.finish(revenue(0.003, 0.002))).toEqual(['revenue.total 0.003 != sum of clearing prices 0.002']);
    const d = new InvariantChecker(LEAVES);
    clean(d);
    expect(d.finish(revenue(0.002, 0.001))).toEqual(["sum of bidders' spend 0.001 != sum of clearing prices 0.002"]);
  });

  it('catches an overshoot larger than the summary reports', () => {
    const c = new InvariantChecker(LEAVES);
    const a = auction();
    c.onScatter(a, LEAVES);
    close(a, 150, true);
    c.onOutcome(0, Outcome.TIMED_OUT, a, Number.NaN, null);
    c.onOutcome(1, Outcome.TIMED_OUT, a, Number.NaN, null);
    c.onClosed(a);
    expect(c.finish({ ...revenue(0), latency: { overshoot: { max: 1 } } })[0]).toMatch(
      /closed 50 ms after its deadline, beyond the reported overshoot max 1 ms/,
    );
  });

  it('passes a leaf reported not sent, and catches one neither sent nor reported', () => {
    const c = new InvariantChecker(LEAVES);
    const a = auction('n');
    a.states[0] = Outcome.PENDING;
    c.onScatter(a, 1);
    c.onNotSent(1, a, 'throttled');
    c.onOutcome(0, Outcome.NO_BID, a, 5, null);
    close(a, 5, false);
    c.onClosed(a);
    expect(c.finish({ ...revenue(0), auctions: { total: 1 } })).toEqual([]);

    const d = new InvariantChecker(LEAVES);
    const b = auction('m');
    b.states[0] = Outcome.PENDING;
    d.onScatter(b, 1);
    d.onOutcome(0, Outcome.NO_BID, b, 5, null);
    close(b, 5, false);
    d.onClosed(b);
    expect(d.violations).toEqual(['auction m: leaf 1 neither sent nor reported not sent']);
    expect(d.finish()).toContain('leaf 1: sent 0 + not sent 0 != auctions 1');
  });

  it('catches a leaf reported not sent twice, or though it was sent', () => {
    const c = new InvariantChecker(LEAVES);
    const a = auction('x');
    a.states[0] = Outcome.PENDING;
    c.onScatter(a, 1);
    c.onNotSent(1, a, 'capped');
    c.onNotSent(1, a, 'capped');
    c.onNotSent(0, a, 'skipped');
    expect(c.violations).toEqual([
      'auction x: leaf 1 reported not sent, but it was sent or reported before',
      'auction x: leaf 0 reported not sent, but it was sent or reported before',
    ]);
  });

  it('catches a summary whose bidders were sent more than the checker saw', () => {
    const c = new InvariantChecker(LEAVES);
    clean(c);
    const view = {
      ...revenue(0.002),
      auctions: { total: 1 },
      bidders: {
        l0: { spend: 0.002, sent: 1, notSent: { skipped: 0, throttled: 0, capped: 0 } },
        l1: { spend: 0, sent: 2, notSent: { skipped: 0, throttled: 0, capped: 0 } },
      },
    };
    expect(c.finish(view)).toEqual(["the bidders' sent 3 != requests seen sent 2"]);
  });

  it('tee forwards every event to Metrics and the checker alike', () => {
    const m = new Metrics([
      { name: 'l0', group: 'g' },
      { name: 'l1', group: 'g' },
    ]);
    m.begin(0, 0);
    const c = new InvariantChecker(LEAVES);
    clean(c);
    const both = tee(m, new InvariantChecker(LEAVES));
    const a = auction('t');
    both.onScatter(a, LEAVES);
    both.onOutcome(0, Outcome.NO_BID, a, 1, null);
    both.onOutcome(1, Outcome.NO_BID, a, 1, null);
    close(a, 2, false);
    both.onClosed(a);
    both.onStray(0, 'not-json');
    both.onDropped?.(1, 'slow-reader');
    const b = auction('u');
    b.states[0] = Outcome.PENDING;
    both.onScatter(b, 1);
    both.onNotSent?.(1, b, 'capped');
    expect(m.leaves[1]!.capped).toBe(1);
    expect(m.leaves.map((l) => l.sent)).toEqual([2, 1]);
    expect(m.auctions).toBe(1);
    expect(m.leaves[0]!.noBid).toBe(1);
    expect(m.leaves[0]!.invalidReasons.get('not-json')).toBe(1);
    expect(m.leaves[1]!.invalidReasons.get('slow-reader')).toBe(1);
  });
});
