// What a virtual segment that simulates the whole run records (segment-state.ts): the events of the
// auctions in its stripe (arrival k with k mod count = index), and the events of no auction (a link
// going down or up, a leaf dropped, a stray message) in segment 0 only, so that the segments' merge
// counts each event of the whole run exactly once. Every other auction is `witness`ed as it goes out
// (Metrics.witness): the whole run's seconds and warm-up end are learnt from it.

import type { ClosedAuction, InFlightAuction } from '../../exchange/in-flight.js';
import type { DropReason } from '../../exchange/link.js';
import type { ExchangeObserver } from '../../exchange/observer.js';
import type { OutcomeCode, TimeoutReason } from '../../exchange/outcome.js';
import type { NotSentReason } from '../../exchange/policies/policy.js';
import type { InvalidReason } from '../../protocol/parse.js';
import type { Segment } from '../run/arrivals.js';

/** `inner`, hearing only `segment`'s share of the events; `indexOf` gives an auction id's place in the run. */
export function stripeObserver(
  inner: ExchangeObserver,
  segment: Segment,
  indexOf: (auctionId: string) => number,
  witness: (a: InFlightAuction) => void,
): ExchangeObserver {
  const { index, count } = segment;
  const mine = (a: ClosedAuction): boolean => indexOf(a.request.id) % count === index;
  const first = index === 0;
  return {
    onScatter(a: InFlightAuction, sent: number): void {
      if (mine(a)) inner.onScatter(a, sent);
      else witness(a);
    },
    onOutcome(
      leaf: number,
      outcome: OutcomeCode,
      a: InFlightAuction,
      responseMs: number,
      reason: InvalidReason | TimeoutReason | null,
    ): void {
      if (mine(a)) inner.onOutcome(leaf, outcome, a, responseMs, reason);
    },
    onLate(leaf: number, a: ClosedAuction, lateMs: number, responseMs: number): void {
      if (mine(a)) inner.onLate(leaf, a, lateMs, responseMs);
    },
    onStray(leaf: number, reason: InvalidReason): void {
      if (first) inner.onStray(leaf, reason);
    },
    onSkipped(a: InFlightAuction, leaves: number): void {
      if (mine(a)) inner.onSkipped(a, leaves);
      else witness(a);
    },
    onNotSent(leaf: number, a: InFlightAuction, reason: NotSentReason): void {
      if (mine(a)) inner.onNotSent?.(leaf, a, reason);
    },
    onClosed(a: InFlightAuction): void {
      if (mine(a)) inner.onClosed(a);
    },
    onLink(leaf: number, up: boolean, atMs: number): void {
      if (first) inner.onLink?.(leaf, up, atMs);
    },
    onDropped(leaf: number, reason: DropReason): void {
      if (first) inner.onDropped?.(leaf, reason);
    },
  };
}
