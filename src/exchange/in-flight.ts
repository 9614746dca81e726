// One auction as the exchange holds it from acceptance to close, and what it keeps of it after the
// close when some leaf timed out, so late answers are recognised. Per-leaf state is a small-integer
// array indexed by leaf: a plain array, since a Uint8Array of 16 costs about twice the heap (its
// ArrayBuffer and view objects), and it is kept for seconds.

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
   * Per leaf, its own deadline as an offset after acceptance (leaf-plan.ts), or null when every leaf
   * has the auction's. The auction's `deadlineMs` is then the latest a leaf it waits for has.
   */
  offsets: readonly number[] | null = null;
  /** Primary leaves still unanswered while secondaries are out too; -1 when there is nothing to cut. */
  primaryPending = -1;
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
    /** The close at the latest: acceptance + tmax, or the latest deadline of the leaves it waits for. */
    public deadlineMs: number,
    /** When the requests went out. */
    readonly sentMs: number,
    leafCount: number,
  ) {
    this.states = new Array<number>(leafCount).fill(Outcome.SKIPPED);
  }

  /** The deadline enforced on `leaf`. */
  leafDeadlineMs(leaf: number): number {
    const offsets = this.offsets;
    return offsets === null ? this.deadlineMs : this.acceptedMs + offsets[leaf]!;
  }
}

/** What a late answer is checked and counted against: an auction once it has closed. */
export interface ClosedAuction {
  readonly request: BidRequest;
  /** Per leaf: an Outcome code (a late answer turns TIMED_OUT into LATE). */
  readonly states: number[];
  readonly arrivalMs: number;
  readonly sentMs: number;
  readonly closeMs: number;
  readonly closed: boolean;
}

/**
 * What the exchange keeps of a closed auction that some leaf timed out on, for the seconds a late
 * answer may take: the request's id, impressions, tmax, auction type and currencies (what an answer
 * is checked against), and the per-leaf states, shared with the auction. The bids, the outcome and
 * the request's site, app, device and user are let go. Under a deadline-bound load nearly every
 * auction is kept, so this is most of what the young-generation collector copies and promotes.
 */
export class KeptAuction implements ClosedAuction {
  readonly request: BidRequest;
  readonly states: number[];
  readonly arrivalMs: number;
  readonly sentMs: number;
  readonly closeMs: number;
  readonly closed = true;

  constructor(a: InFlightAuction) {
    const { id, imp, tmax, at, cur } = a.request;
    this.request = { id, imp, tmax, at, cur };
    this.states = a.states;
    this.arrivalMs = a.arrivalMs;
    this.sentMs = a.sentMs;
    this.closeMs = a.closeMs;
  }
}
