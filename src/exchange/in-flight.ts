// One auction as the exchange holds it from acceptance to close (and, when some leaf timed out, a
// while after, so late answers are recognised). Per-leaf state is a small-integer array indexed by
// leaf: a plain array, since a Uint8Array of 16 costs about twice the heap (its ArrayBuffer and view
// objects), and auctions with a timed-out leaf are kept for seconds.

import type { BidRequest } from '../protocol/openrtb.js';
import type { AuctionBid, AuctionOutcome } from './auction.js';
import type { HasDeadline } from './deadline-queue.js';
import { Outcome } from './outcome.js';

export class InFlightAuction implements HasDeadline {
  /** Per leaf: an Outcome code. */
  readonly states: number[];
  /** Valid bids gathered so far, in arrival order. */
  readonly bids: AuctionBid[] = [];
  /** Requests still unanswered. */
  pending = 0;
  /** Leaves that had not answered at the close. */
  timedOut = 0;
  closed = false;
  /** Clock time of the close (NaN while open). */
  closeMs = Number.NaN;
  /** Closed by the deadline rather than by the last answer. */
  byDeadline = false;
  /** The auction's result; null when no valid bid came. */
  outcome: AuctionOutcome | null = null;
  /**
   * Kept by an observer that records the auction independently of the exchange (the invariant
   * checker's witness of each leaf's outcome). The exchange never reads or writes it; a field here
   * spares that observer a map lookup on every outcome.
   */
  witness: number[] | null = null;

  constructor(
    readonly request: BidRequest,
    /** Scheduled arrival: latency is measured from here (no coordinated omission). */
    readonly arrivalMs: number,
    readonly acceptedMs: number,
    readonly deadlineMs: number,
    /** When the requests went out. */
    readonly sentMs: number,
    leafCount: number,
  ) {
    this.states = new Array<number>(leafCount).fill(Outcome.SKIPPED);
  }
}
