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

  /**
   * The request as sent. Once the auction has closed with a leaf timed out, it is kept for seconds
   * to recognise late answers, and `keepForLate()` cuts this down to what they are checked against.
   */
  request: BidRequest;

  constructor(
    request: BidRequest,
    /** Scheduled arrival: latency is measured from here (no coordinated omission). */
    readonly arrivalMs: number,
    readonly acceptedMs: number,
    readonly deadlineMs: number,
    /** When the requests went out. */
    readonly sentMs: number,
    leafCount: number,
  ) {
    this.request = request;
    this.states = new Array<number>(leafCount).fill(Outcome.SKIPPED);
  }

  /**
   * Called after the close, when the auction is kept for late answers: the request keeps its id,
   * impressions, currencies, tmax and auction type, and lets go of the site, app, device and user.
   * With every leaf late (a deadline-bound load) the exchange keeps rate × 5 s auctions; without this
   * each held about a dozen objects more, which the young-generation collector had to promote.
   */
  keepForLate(): void {
    const { id, imp, tmax, at, cur } = this.request;
    this.request = { id, imp, tmax, at, cur };
  }
}
