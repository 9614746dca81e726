// Per-leaf deadlines on a manual clock: each leaf is waited for until its own deadline and told its
// own tmax; the auction stays open for the others and closes at the latest deadline it waits for,
// or once everyone has answered; secondaries are cut off once every primary is done.

import { describe, expect, it } from 'vitest';
import { Exchange, type ExchangeOptions } from '../src/exchange/exchange.js';
import type { LeafTerms } from '../src/exchange/leaf-plan.js';
import { Outcome } from '../src/exchange/outcome.js';
import type { FanoutPolicy } from '../src/exchange/policies/policy.js';
import type { BidRequest } from '../src/protocol/openrtb.js';
import { InvariantChecker, tee } from '../src/sim/metrics/invariants.js';
import { Metrics } from '../src/sim/metrics/metrics.js';
import { accountingErrors, buildSummary } from '../src/sim/metrics/summary.js';
import { bidValue, fakeLinks, fakeRequest, terms } from './helpers/fake-links.js';
import { ManualClock } from './helpers/manual-clock.js';
import { testSummaryInput } from './helpers/summary-input.js';

function setup(leaves: LeafTerms[], options: Partial<ExchangeOptions> = {}) {
  const clock = new ManualClock();
  const metrics = new Metrics(leaves.map((_, i) => ({ name: `l-${i + 1}`, group: `g${i}` })));
  metrics.begin(-1e9, -1e9);
  const checker = new InvariantChecker(leaves.length, { maxOvershootMs: 0 });
  checker.begin(-1e9, -1e9);
  const exchange = new Exchange(
    { tmaxMs: 100, allowanceMs: 5, minBidderMs: 10, leaves, ...options },
    clock,
    tee(metrics, checker),
  );
  const links = fakeLinks(leaves.length, true);
  exchange.attach(links);
  const finish = (): string[] => {
    const summary = buildSummary(
      metrics,
      testSummaryInput({ scenario: 't', mode: 'virtual', tmaxMs: 100, floor: 0.1, leaves: leaves.length }),
    );
    return [...accountingErrors(summary, leaves.length), ...checker.finish(summary)];
  };
  return { clock, metrics, checker, exchange, links, finish };
}

describe('per-leaf deadlines', () => {
  it('times out the 30 ms leaf at 30 while the 80 ms leaf may answer up to 80, and closes at 80', () => {
    const { clock, metrics, exchange, links, finish } = setup([terms(30), terms(80)]);
    const a = exchange.submit(fakeRequest(), clock.now());
    expect(a.deadlineMs).toBe(80);
    clock.advance(29);
    expect(a.states).toEqual([Outcome.PENDING, Outcome.PENDING]);
    clock.advance(1);
    // At 30 the first leaf has timed out and the auction is still open for the second.
    expect(a.states[0]).toBe(Outcome.TIMED_OUT);
    expect(a.closed).toBe(false);
    clock.advance(49);
    exchange.onValue(1, bidValue(a.request.id, 2));
    // The second answered at 79, inside its own deadline: taken, and with nobody left, closed then.
    expect(a.closed).toBe(true);
    expect(a.closeMs).toBe(79);
    expect(metrics.leaves[0]!.timedOut).toBe(1);
    expect(metrics.leaves[1]!.onTime).toBe(1);
    expect(a.outcome?.imps[0]?.winner).toBe(0);
    // Each was told its own time: what it had less the allowance.
    expect(links.map((l) => l.sent[0]!.tmax)).toEqual([25, 75]);
    expect(links.map((l) => (JSON.parse(l.sent[0]!.text!) as BidRequest).tmax)).toEqual([25, 75]);
    expect(finish()).toEqual([]);
  });

  it('closes by the deadline at 80 when the 80 ms leaf never answers, and counts a later answer late', () => {
    const { clock, metrics, exchange, finish } = setup([terms(30), terms(80)]);
    const a = exchange.submit(fakeRequest(), clock.now());
    clock.advance(40);
    // The 30 ms leaf answers after its own deadline: late, though the auction is open.
    exchange.onValue(0, bidValue(a.request.id, 1));
    expect(a.closed).toBe(false);
    expect(metrics.leaves[0]!.late).toBe(1);
    clock.advance(40);
    expect(a.closed).toBe(true);
    expect(a.byDeadline).toBe(true);
    expect(a.closeMs).toBe(80);
    expect(metrics.leaves.map((l) => l.timedOut)).toEqual([1, 1]);
    expect(finish()).toEqual([]);
  });

  it('closes once all have answered, before any deadline', () => {
    const { clock, exchange, finish } = setup([terms(30), terms(80)]);
    const a = exchange.submit(fakeRequest(), clock.now());
    clock.advance(12);
    exchange.onValue(1, bidValue(a.request.id, 1));
    exchange.onValue(0, bidValue(a.request.id, 1.5, 't'));
    expect(a.closed).toBe(true);
    expect(a.closeMs).toBe(12);
    expect(finish()).toEqual([]);
  });

  it('tells a leaf less than it waits: a share, or a deduction', () => {
    const { clock, exchange, links } = setup([
      terms(80, { toldShare: 0.5 }),
      terms(80, { toldDeductionMs: 20 }),
      terms(80),
    ]);
    const a = exchange.submit(fakeRequest(), clock.now());
    expect(links.map((l) => l.sent[0]!.tmax)).toEqual([37, 55, 75]);
    // Each frame carries its own tmax; the enforced deadline is the same 80 for all three.
    expect(links.map((l) => (JSON.parse(l.sent[0]!.text!) as BidRequest).tmax)).toEqual([37, 55, 75]);
    clock.advance(79);
    expect(a.closed).toBe(false);
    clock.advance(1);
    expect(a.closed).toBe(true);
  });

  it('serialises the request once per distinct told tmax, not once per leaf', () => {
    const leaves = [terms(30), terms(30), terms(30), terms(80), terms(80)];
    const { clock, exchange, links } = setup(leaves);
    exchange.submit(fakeRequest(), clock.now());
    // One buffer per told tmax, handed to every leaf told it.
    expect(new Set(links.map((l) => l.sent[0]!.buffer)).size).toBe(2);
    expect(new Set(links.map((l) => l.sent[0]!.text)).size).toBe(2);
    expect(links.map((l) => l.sent[0]!.tmax)).toEqual([25, 25, 25, 75, 75]);
  });

  it('skips a leaf whose told time falls below its own minBidderMs, and calls the others', () => {
    const { clock, metrics, exchange, links, finish } = setup([terms(30, { minBidderMs: 20 }), terms(80)]);
    // Accepted 10 ms late: the 30 ms leaf would be told 15 (< 20), the 80 ms one 65.
    clock.advance(10);
    const a = exchange.submit(fakeRequest(), 0, 0);
    expect(links.map((l) => l.sent.length)).toEqual([0, 1]);
    expect(metrics.leaves[0]!.skipped).toBe(1);
    expect(a.deadlineMs).toBe(80);
    clock.advance(70);
    expect(a.closed).toBe(true);
    expect(metrics.skippedAuctions).toBe(0);
    expect(finish()).toEqual([]);
  });

  it('skips the auction as a whole when every leaf would be told too little', () => {
    const { clock, metrics, exchange, links, finish } = setup([terms(30), terms(40)]);
    clock.advance(30);
    const a = exchange.submit(fakeRequest(), 0, 0);
    expect(a.closed).toBe(true);
    expect(links.every((l) => l.sent.length === 0)).toBe(true);
    expect(metrics.skippedAuctions).toBe(1);
    expect(metrics.leaves.map((l) => l.skipped)).toEqual([1, 1]);
    expect(finish()).toEqual([]);
  });
});

describe('secondary leaves', () => {
  it('closes when the last primary answers, cutting the secondaries still out', () => {
    const { clock, metrics, exchange, finish } = setup([terms(80), terms(80, { secondary: true }), terms(50)]);
    const a = exchange.submit(fakeRequest(), clock.now());
    clock.advance(20);
    exchange.onValue(0, bidValue(a.request.id, 1));
    expect(a.closed).toBe(false);
    clock.advance(15);
    exchange.onValue(2, bidValue(a.request.id, 1.2, 't'));
    expect(a.closed).toBe(true);
    expect(a.closeMs).toBe(35);
    expect(a.states[1]).toBe(Outcome.TIMED_OUT);
    expect(metrics.leaves[1]!.secondaryCut).toBe(1);
    expect(metrics.leaves[1]!.timedOut).toBe(1);
    expect(finish()).toEqual([]);
  });

  it('closes at the slowest primary deadline, not a longer secondary one', () => {
    const { clock, metrics, exchange, finish } = setup([terms(40), terms(90, { secondary: true }), terms(60)]);
    const a = exchange.submit(fakeRequest(), clock.now());
    expect(a.deadlineMs).toBe(60);
    clock.advance(60);
    expect(a.closed).toBe(true);
    expect(a.closeMs).toBe(60);
    expect(metrics.leaves.map((l) => l.timedOut)).toEqual([1, 1, 1]);
    expect(metrics.leaves.map((l) => l.secondaryCut)).toEqual([0, 1, 0]);
    expect(finish()).toEqual([]);
  });

  it('keeps a secondary that answers before the primaries are done', () => {
    const { clock, metrics, exchange, finish } = setup([terms(80), terms(80, { secondary: true })]);
    const a = exchange.submit(fakeRequest(), clock.now());
    clock.advance(5);
    exchange.onValue(1, bidValue(a.request.id, 3, 'sec'));
    clock.advance(5);
    exchange.onValue(0, bidValue(a.request.id, 1));
    expect(a.closeMs).toBe(10);
    expect(metrics.leaves[1]!.wins).toBe(1);
    expect(metrics.leaves[1]!.secondaryCut).toBe(0);
    expect(finish()).toEqual([]);
  });

  it('does not tell the policy a cut secondary timed out: it did not miss its own deadline', () => {
    const observed: Array<[number, number]> = [];
    const policy: FanoutPolicy = {
      admit: () => null,
      deadlineMs: (_leaf, staticMs) => staticMs,
      observe: (leaf, outcome) => void observed.push([leaf, outcome]),
    };
    const { clock, exchange } = setup([terms(80), terms(80, { secondary: true }), terms(30)], { policy });
    const a = exchange.submit(fakeRequest(), clock.now());
    exchange.onValue(0, bidValue(a.request.id, 1));
    clock.advance(30);
    // The 30 ms primary timed out at its own deadline (told), which closed the auction and cut the secondary (not told).
    expect(a.closed).toBe(true);
    expect(a.states[1]).toBe(Outcome.TIMED_OUT);
    expect(observed).toEqual([
      [0, Outcome.ON_TIME],
      [2, Outcome.TIMED_OUT],
    ]);
  });

  it('waits for secondaries as for any leaf when no primary is called', () => {
    const { clock, exchange } = setup([terms(80, { minBidderMs: 90 }), terms(70, { secondary: true })], {});
    // The primary cannot be called at all (it would be told 75 < 90): the secondary is waited for.
    const a = exchange.submit(fakeRequest(), clock.now());
    expect(a.deadlineMs).toBe(70);
    clock.advance(69);
    expect(a.closed).toBe(false);
    clock.advance(1);
    expect(a.closed).toBe(true);
  });
});

describe('a link that cuts its leaf off while being sent a request', () => {
  it('settles that request LOST once and never closes the auction during its own scatter', () => {
    const { clock, metrics, exchange, links, finish } = setup([terms(30), terms(80), terms(80)]);
    const first = exchange.submit(fakeRequest(), clock.now());
    // Leaf 1 now reads too slowly: its link drops it from inside sendRequest, as ws-pool's cutOff
    // does, before reporting the send as failed.
    const cut = links[1]!;
    cut.sendRequest = () => {
      cut.up = false;
      exchange.onDown(1, 'slow-reader');
      return false;
    };
    clock.advance(1);
    const second = exchange.submit(fakeRequest(), clock.now());
    // The first auction lost leaf 1 by the drop; the second lost it once, at its send.
    expect(first.states[1]).toBe(Outcome.LOST);
    expect(second.states).toEqual([Outcome.PENDING, Outcome.LOST, Outcome.PENDING]);
    expect(second.closed).toBe(false);
    expect(metrics.leaves[1]!.lost).toBe(2);
    expect(exchange.inFlight).toBe(2);
    clock.advance(100);
    expect([first.closed, second.closed]).toEqual([true, true]);
    expect(exchange.inFlight).toBe(0);
    expect(finish()).toEqual([]);
  });
});
