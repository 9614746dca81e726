// What the exchange reports, as plain method calls (no event objects on the per-message path):
// metrics, the invariant checker, progress and the reports implement it.

import type { InvalidReason } from '../protocol/parse.js';
import type { ClosedAuction, InFlightAuction } from './in-flight.js';
import type { DropReason } from './link.js';
import type { OutcomeCode, TimeoutReason } from './outcome.js';
import type { NotSentReason } from './policies/policy.js';

export interface ExchangeObserver {
  /** Requests went out for `a`: `sent` counts every leaf called, including those whose link was down. */
  onScatter(a: InFlightAuction, sent: number): void;
  /**
   * Exactly once per request sent: ON_TIME, NO_BID, INVALID (with reason), TIMED_OUT or LOST. A leaf
   * with a deadline of its own times out at it, the auction still open for the others; a secondary
   * leaf cut off by the close times out with the reason 'secondary-cut'.
   */
  onOutcome(
    leaf: number,
    outcome: OutcomeCode,
    a: InFlightAuction,
    responseMs: number,
    reason: InvalidReason | TimeoutReason | null,
  ): void;
  /**
   * A timed-out leaf answered late: `lateMs` after the close, or after its own deadline while the
   * auction is still open. `a` is the auction, or what the exchange kept of it (a KeptAuction):
   * read only what ClosedAuction declares.
   */
  onLate(leaf: number, a: ClosedAuction, lateMs: number, responseMs: number): void;
  /** A message that answers no request (unknown id, duplicate, unattributable garbage). */
  onStray(leaf: number, reason: InvalidReason): void;
  /** No leaf was called: the time left was below `minBidderMs`. Every leaf counts as not sent, skipped. */
  onSkipped(a: InFlightAuction, leaves: number): void;
  /**
   * `leaf` was not sent `a` (an auction not skipped as a whole), after onScatter: skipped (its own
   * time fell short), throttled or capped by the policy. Sent + not sent = auctions × leaves, per leaf.
   */
  onNotSent?(leaf: number, a: InFlightAuction, reason: NotSentReason): void;
  /** The auction closed; `a.outcome` holds the result. */
  onClosed(a: InFlightAuction): void;
  /** A leaf's link came up or went down, at `atMs` on the exchange's clock. */
  onLink?(leaf: number, up: boolean, atMs: number): void;
  /** The link dropped the leaf for misbehaving (after onLink down, before its requests are settled LOST). */
  onDropped?(leaf: number, reason: DropReason): void;
}
