// The fan-out policy seam on a manual clock: the exchange calls only the leaves a policy admits,
// reports the others not sent with the policy's reason, and tells the policy every settled outcome;
// the metrics, the invariant checker and the summary account for every leaf of every auction.

import { describe, expect, it } from 'vitest';
import { Exchange } from '../src/exchange/exchange.js';
import { Outcome, type OutcomeCode } from '../src/exchange/outcome.js';
import type { FanoutPolicy, NotSentReason } from '../src/exchange/policies/policy.js';
import { InvariantChecker, tee } from '../src/sim/metrics/invariants.js';
import { Metrics } from '../src/sim/metrics/metrics.js';
import { accountingErrors, buildSummary } from '../src/sim/metrics/summary.js';
import { bidValue, fakeLinks, fakeRequest } from './helpers/fake-links.js';
import { ManualClock } from './helpers/manual-clock.js';
import { testSummaryInput } from './helpers/summary-input.js';

const summaryInput = () =>
  testSummaryInput({ scenario: 'policy', mode: 'virtual', tmaxMs: 100, floor: 0.1, leaves: 3 });

/** Leaf 1 throttled on every other auction, leaf 2 always capped; records what it is told. */
class ScriptedPolicy implements FanoutPolicy {
  admits = 0;
  readonly observed: Array<[number, OutcomeCode]> = [];
  constructor(private readonly decide: (leaf: number, nth: number) => NotSentReason | null) {}
  admit(leaf: number): NotSentReason | null {
    if (leaf === 0) this.admits++;
    return this.decide(leaf, this.admits);
  }
  deadlineMs(_leaf: number, staticMs: number): number {
    return staticMs;
  }
  observe(leaf: number, outcome: OutcomeCode): void {
    this.observed.push([leaf, outcome]);
  }
}

function setup(policy: FanoutPolicy) {
  const clock = new ManualClock();
  const names = ['a-1', 'b-1', 'c-1'];
  const metrics = new Metrics(names.map((name) => ({ name, group: name.slice(0, 1) })));
  metrics.begin(-1e9, -1e9);
  const checker = new InvariantChecker(names.length, { maxOvershootMs: 0 });
  checker.begin(-1e9, -1e9);
  const exchange = new Exchange({ tmaxMs: 100, allowanceMs: 5, minBidderMs: 10, policy }, clock, tee(metrics, checker));
  const links = fakeLinks(names.length);
  exchange.attach(links);
  return { clock, metrics, checker, exchange, links };
}

describe('exchange with a fan-out policy', () => {
  it('calls only the admitted leaves and counts the others not sent, by reason', () => {
    const policy = new ScriptedPolicy((leaf, nth) =>
      leaf === 1 && nth % 2 === 1 ? 'throttled' : leaf === 2 ? 'capped' : null,
    );
    const { clock, metrics, checker, exchange, links } = setup(policy);
    for (let i = 0; i < 4; i++) {
      const a = exchange.submit(fakeRequest(), clock.now());
      clock.advance(10);
      exchange.onValue(0, bidValue(a.request.id, 1));
      // Leaf 1, when called, never answers: the deadline closes the auction.
      clock.advance(90);
      expect(a.closed).toBe(true);
    }
    expect(links.map((l) => l.sent.length)).toEqual([4, 2, 0]);
    const [a, b, c] = metrics.leaves;
    expect([a!.sent, a!.throttled, a!.capped]).toEqual([4, 0, 0]);
    expect([b!.sent, b!.throttled, b!.timedOut]).toEqual([2, 2, 2]);
    expect([c!.sent, c!.capped]).toEqual([0, 4]);
    expect(policy.observed.filter(([leaf]) => leaf === 0).map(([, o]) => o)).toEqual(Array(4).fill(Outcome.ON_TIME));
    expect(policy.observed.filter(([leaf]) => leaf === 1).map(([, o]) => o)).toEqual(Array(2).fill(Outcome.TIMED_OUT));
    expect(policy.observed.some(([leaf]) => leaf === 2)).toBe(false);

    const summary = buildSummary(metrics, summaryInput());
    expect(accountingErrors(summary, 3)).toEqual([]);
    expect(checker.finish(summary)).toEqual([]);
    expect(summary.notSent).toEqual({ skipped: 0, throttled: 2, capped: 4 });
    expect(summary.bidders['b-1']!.notSent).toEqual({ skipped: 0, throttled: 2, capped: 0 });
    expect(summary.bidders['b-1']!.seatNonBid).toMatchObject({ '101': 2, '203': 2 });
    expect(summary.bidders['c-1']!.seatNonBid).toMatchObject({ '101': 0, '203': 4 });
    expect(summary.groups.c!.notSent.capped).toBe(4);
  });

  it('closes at once, unfilled, when the policy admits no leaf', () => {
    const { clock, metrics, checker, exchange, links } = setup(new ScriptedPolicy(() => 'throttled'));
    const a = exchange.submit(fakeRequest(), clock.now());
    expect(a.closed).toBe(true);
    expect(a.byDeadline).toBe(false);
    expect(links.every((l) => l.sent.length === 0)).toBe(true);
    expect(metrics.leaves.map((l) => l.throttled)).toEqual([1, 1, 1]);
    const summary = buildSummary(metrics, summaryInput());
    expect(summary.auctions.total).toBe(1);
    expect(accountingErrors(summary, 3)).toEqual([]);
    expect(checker.finish(summary)).toEqual([]);
  });

  it('tells the policy of requests lost to a link that is down', () => {
    const policy = new ScriptedPolicy(() => null);
    const { clock, metrics, exchange, links } = setup(policy);
    links[1]!.up = false;
    exchange.submit(fakeRequest(), clock.now());
    expect(policy.observed).toEqual([[1, Outcome.LOST]]);
    expect(metrics.leaves[1]!.lost).toBe(1);
  });
});
