// The invariants every run must keep, checked from the exchange's events as they happen (an
// ExchangeObserver composed with Metrics by `tee`), so a run that breaks one fails loudly instead of
// writing a report that looks plausible:
//   - every auction is closed exactly once, and no later than its deadline plus the overshoot bound
//     (an auction closed by its last answer or at acceptance closes by then; a deadline close never
//     comes early);
//   - every request sent ends in exactly one outcome, before the close; nothing is taken after the
//     deadline; a late answer comes only from a leaf that timed out (late <= timedOut);
//   - every winner is a bid that was taken (its leaf answered on time), clearing at most its price
//     and at least the floor: so no win notice goes to a bid that was not taken;
//   - every leaf of every auction is either sent a request or reported not sent, once: per leaf,
//     sent + not sent = auctions (checked again against the summary at the end);
//   - revenue equals the sum of clearing prices (checked against the summary at the end).
// Pure bookkeeping: one small array per open auction, nothing per message.

import type { ExchangeObserver } from '../../exchange/exchange.js';
import type { ClosedAuction, InFlightAuction } from '../../exchange/in-flight.js';
import type { DropReason } from '../../exchange/link.js';
import { Outcome, type OutcomeCode, type TimeoutReason } from '../../exchange/outcome.js';
import type { NotSentReason } from '../../exchange/policies/policy.js';
import type { InvalidReason } from '../../protocol/parse.js';

export interface InvariantOptions {
  /** How far after its deadline a deadline close may fall; Infinity records without judging. */
  maxOvershootMs: number;
  /** How many violation messages are kept (all are counted). */
  keep: number;
}

const DEFAULTS: InvariantOptions = { maxOvershootMs: Infinity, keep: 50 };
/** Float slack for times rebuilt from differences (sentMs + responseMs). */
const EPS = 1e-6;
const NOTHING_SENT: number[] = [];
/** The witness of an auction already closed: a second close is caught. */
const CLOSED: number[] = [];
/** In a witness: the leaf was reported not sent (Outcome codes are all >= 0). */
const NOT_SENT = -1;

/** What the summary must agree with. */
export interface RevenueView {
  revenue: { total: number };
  bidders: Record<
    string,
    { spend: number; sent?: number; notSent?: { skipped: number; throttled: number; capped: number } }
  >;
  auctions?: { total: number };
  /** The reported overshoot must cover every deadline close the checker saw (counted ones). */
  latency?: { overshoot: { max: number } };
}

export class InvariantChecker implements ExchangeObserver {
  readonly violations: string[] = [];
  violationCount = 0;
  opened = 0;
  closed = 0;
  /** The largest deadline overshoot seen, in ms. */
  maxOvershootMs = 0;
  private readonly opts: InvariantOptions;
  private readonly timedOut: number[];
  private readonly late: number[];
  /** Per leaf, over counted auctions: requests sent, and reported not sent. */
  private readonly sentCounted: number[];
  private readonly notSentCounted: number[];
  private countedAuctions = 0;
  /** Counted auctions that called every leaf (added to each leaf's sent at the end, not per auction). */
  private sentToAll = 0;
  /** Sum of clearing CPMs of counted auctions (arrived at or after warmupEndMs). */
  private clearingSum = 0;
  private maxCountedOvershootMs = 0;
  private warmupEndMs = -Infinity;

  constructor(
    private readonly leafCount: number,
    options: Partial<InvariantOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
    this.timedOut = new Array<number>(leafCount).fill(0);
    this.late = new Array<number>(leafCount).fill(0);
    this.sentCounted = new Array<number>(leafCount).fill(0);
    this.notSentCounted = new Array<number>(leafCount).fill(0);
  }

  /** Auctions arriving before `warmupEndMs` are checked but left out of the revenue, as Metrics does. */
  begin(_originMs: number, warmupEndMs: number): void {
    this.warmupEndMs = warmupEndMs;
  }

  get ok(): boolean {
    return this.violationCount === 0;
  }

  private fail(text: string): void {
    this.violationCount++;
    if (this.violations.length < this.opts.keep) this.violations.push(text);
  }

  private opening(a: InFlightAuction, rec: number[]): void {
    if (a.witness !== null) return this.fail(`auction ${a.request.id}: opened twice`);
    if (a.closed) return this.fail(`auction ${a.request.id}: announced after it closed`);
    this.opened++;
    a.witness = rec;
  }

  onScatter(a: InFlightAuction, sent: number): void {
    const n = this.leafCount;
    const counted = a.arrivalMs >= this.warmupEndMs;
    if (counted) this.countedAuctions++;
    if (sent === n) {
      this.opening(a, new Array<number>(n).fill(Outcome.PENDING));
      if (counted) this.sentToAll++;
      return;
    }
    // Only some are called: the exchange has marked those PENDING; the rest must be reported not sent.
    const rec = new Array<number>(n).fill(Outcome.SKIPPED);
    let marked = 0;
    for (let leaf = 0; leaf < n; leaf++) {
      if (a.states[leaf] !== Outcome.PENDING) continue;
      rec[leaf] = Outcome.PENDING;
      marked++;
      if (counted) this.sentCounted[leaf]!++;
    }
    if (marked !== sent || sent > n)
      this.fail(`auction ${a.request.id}: announced sent to ${sent} of ${n} leaves, but ${marked} are pending`);
    this.opening(a, rec);
  }

  onNotSent(leaf: number, a: InFlightAuction, _reason: NotSentReason): void {
    const rec = a.witness === CLOSED ? null : a.witness;
    if (rec === null) return this.fail(`auction ${a.request.id}: leaf ${leaf} reported not sent while not open`);
    if (rec[leaf] !== Outcome.SKIPPED)
      return this.fail(`auction ${a.request.id}: leaf ${leaf} reported not sent, but it was sent or reported before`);
    rec[leaf] = NOT_SENT;
    if (a.arrivalMs >= this.warmupEndMs) this.notSentCounted[leaf]!++;
  }

  onSkipped(a: InFlightAuction): void {
    this.opening(a, NOTHING_SENT);
    if (a.arrivalMs < this.warmupEndMs) return;
    this.countedAuctions++;
    for (let leaf = 0; leaf < this.leafCount; leaf++) this.notSentCounted[leaf]!++;
  }

  onOutcome(
    leaf: number,
    outcome: OutcomeCode,
    a: InFlightAuction,
    responseMs: number,
    reason: InvalidReason | TimeoutReason | null,
  ): void {
    const rec = a.witness === CLOSED ? null : a.witness;
    const id = a.request.id;
    if (rec === null)
      return this.fail(`auction ${id}: outcome ${outcome} for leaf ${leaf} while the auction is not open`);
    const was = rec[leaf];
    if (was !== Outcome.PENDING) {
      return this.fail(
        `auction ${id}: leaf ${leaf} ${was === undefined || was === Outcome.SKIPPED ? 'was not sent a request but' : 'already'} had an outcome; got ${outcome}`,
      );
    }
    rec[leaf] = outcome;
    const own = a.leafDeadlineMs(leaf);
    if (outcome === Outcome.TIMED_OUT) {
      this.timedOut[leaf]!++;
      // Before the close only a leaf whose own deadline comes before the auction's may time out.
      if (!a.closed && !(own < a.deadlineMs)) this.fail(`auction ${id}: leaf ${leaf} timed out before the close`);
      if (reason === 'secondary-cut' && !a.closed)
        this.fail(`auction ${id}: leaf ${leaf} cut off as a secondary before the close`);
    } else if (outcome === Outcome.ON_TIME || outcome === Outcome.NO_BID || outcome === Outcome.INVALID) {
      if (a.closed) this.fail(`auction ${id}: answer from leaf ${leaf} taken after the close`);
      if (a.sentMs + responseMs > own + EPS)
        this.fail(`auction ${id}: answer from leaf ${leaf} taken ${a.sentMs + responseMs - own} ms after the deadline`);
    } else if (outcome !== Outcome.LOST) {
      this.fail(`auction ${id}: leaf ${leaf} ended in ${outcome}, not a final outcome`);
    }
  }

  onLate(leaf: number, a: ClosedAuction, _lateMs?: number, _responseMs?: number): void {
    this.late[leaf]!++;
    // While the auction is open, only from a leaf already timed out at its own deadline.
    const open = a as InFlightAuction;
    if (!a.closed && (open.witness === null || open.witness[leaf] !== Outcome.TIMED_OUT))
      this.fail(`auction ${a.request.id}: late answer from leaf ${leaf} before the close`);
    if (this.late[leaf]! > this.timedOut[leaf]!)
      this.fail(`leaf ${leaf}: late ${this.late[leaf]} > timedOut ${this.timedOut[leaf]}`);
  }

  onStray(): void {}

  onDropped(_leaf: number, _reason: DropReason): void {}

  onClosed(a: InFlightAuction): void {
    const rec = a.witness === CLOSED ? null : a.witness;
    const id = a.request.id;
    if (rec === null) return this.fail(`auction ${id}: closed twice, or closed without being opened`);
    a.witness = CLOSED;
    this.closed++;
    if (!a.closed || a.closeMs !== a.closeMs) this.fail(`auction ${id}: reported closed without a close time`);
    for (let leaf = 0; leaf < rec.length; leaf++) {
      const was = rec[leaf];
      if (was === Outcome.PENDING) this.fail(`auction ${id}: leaf ${leaf} has no outcome at the close`);
      else if (was === Outcome.SKIPPED) this.fail(`auction ${id}: leaf ${leaf} neither sent nor reported not sent`);
    }
    if (a.byDeadline) {
      const over = a.closeMs - a.deadlineMs;
      if (over < -EPS) this.fail(`auction ${id}: closed by the deadline ${-over} ms before it`);
      if (over > this.maxOvershootMs) this.maxOvershootMs = over;
      if (over > this.maxCountedOvershootMs && a.arrivalMs >= this.warmupEndMs) this.maxCountedOvershootMs = over;
      if (over > this.opts.maxOvershootMs)
        this.fail(`auction ${id}: closed ${over} ms after its deadline (bound ${this.opts.maxOvershootMs} ms)`);
    } else if (a.closeMs > Math.max(a.deadlineMs, a.sentMs) + EPS) {
      // Closed by its last answer (before the deadline) or at acceptance (skipped, or every link down).
      this.fail(`auction ${id}: closed without the deadline ${a.closeMs - a.deadlineMs} ms after it`);
    }
    this.checkOutcome(a, rec);
  }

  private checkOutcome(a: InFlightAuction, rec: number[]): void {
    const id = a.request.id;
    for (const bid of a.bids) {
      if (rec[bid.bidder] !== Outcome.ON_TIME)
        this.fail(`auction ${id}: bid ${bid.bidId} from leaf ${bid.bidder} taken though its answer was not on time`);
    }
    const outcome = a.outcome;
    if (outcome === null) {
      if (a.bids.length > 0) this.fail(`auction ${id}: ${a.bids.length} bids but no auction was run`);
      return;
    }
    const counted = a.arrivalMs >= this.warmupEndMs;
    for (const imp of outcome.imps) {
      if (imp.winner < 0) continue;
      const bid = a.bids[imp.winner];
      if (bid === undefined) {
        this.fail(`auction ${id}: imp ${imp.impid} won by bid #${imp.winner}, which was not taken`);
        continue;
      }
      let floor: number | undefined;
      for (const i of a.request.imp) if (i.id === imp.impid) floor = i.bidfloor;
      if (bid.impid !== imp.impid) this.fail(`auction ${id}: imp ${imp.impid} won by a bid on imp ${bid.impid}`);
      if (!(imp.clearingPrice <= bid.price + EPS))
        this.fail(`auction ${id}: imp ${imp.impid} clears at ${imp.clearingPrice} above the winning bid ${bid.price}`);
      if (floor === undefined || !(imp.clearingPrice >= floor - EPS))
        this.fail(`auction ${id}: imp ${imp.impid} clears at ${imp.clearingPrice} below the floor ${floor}`);
      if (counted) this.clearingSum += imp.clearingPrice;
    }
  }

  /** The end-of-run checks: nothing left open, and the summary's revenue is the sum of clearing prices. */
  finish(summary?: RevenueView): string[] {
    const open = this.opened - this.closed;
    if (open > 0) this.fail(`${open} auction(s) never closed`);
    for (let leaf = 0; leaf < this.leafCount; leaf++) {
      const sent = this.sentCounted[leaf]! + this.sentToAll;
      const notSent = this.notSentCounted[leaf]!;
      if (sent + notSent !== this.countedAuctions)
        this.fail(`leaf ${leaf}: sent ${sent} + not sent ${notSent} != auctions ${this.countedAuctions}`);
    }
    if (summary !== undefined) {
      const expected = this.clearingSum / 1000;
      const leaves = Object.values(summary.bidders);
      // Each figure is rounded to 6 decimals in the summary.
      const tolerance = 1e-6 * (leaves.length + 2);
      if (Math.abs(summary.revenue.total - expected) > tolerance) {
        this.fail(`revenue.total ${summary.revenue.total} != sum of clearing prices ${expected}`);
      }
      const total = summary.auctions?.total;
      if (total !== undefined && total !== this.countedAuctions)
        this.fail(`auctions.total ${total} != auctions seen ${this.countedAuctions}`);
      let sent = 0;
      let notSent = 0;
      for (const l of leaves) {
        sent += l.sent ?? 0;
        if (l.notSent !== undefined) notSent += l.notSent.skipped + l.notSent.throttled + l.notSent.capped;
      }
      const seenSent = this.sentCounted.reduce((t, x) => t + x, this.sentToAll * this.leafCount);
      const seenNotSent = this.notSentCounted.reduce((t, x) => t + x, 0);
      if (leaves.some((l) => l.sent !== undefined) && sent !== seenSent)
        this.fail(`the bidders' sent ${sent} != requests seen sent ${seenSent}`);
      if (leaves.some((l) => l.notSent !== undefined) && notSent !== seenNotSent)
        this.fail(`the bidders' notSent ${notSent} != requests seen not sent ${seenNotSent}`);
      const spend = leaves.reduce((t, l) => t + l.spend, 0);
      if (Math.abs(spend - expected) > tolerance)
        this.fail(`sum of bidders' spend ${spend} != sum of clearing prices ${expected}`);
      // The histogram keeps 3 significant digits and the summary 3 decimals: allow for both.
      const reported = summary.latency?.overshoot.max;
      if (reported !== undefined && this.maxCountedOvershootMs > reported * 1.002 + 0.002) {
        this.fail(
          `an auction closed ${this.maxCountedOvershootMs} ms after its deadline, beyond the reported overshoot max ${reported} ms`,
        );
      }
    }
    return this.violations;
  }
}

/** One observer that forwards every event to each of `observers`, in order. */
export function tee(...observers: ExchangeObserver[]): ExchangeObserver {
  const [first, second] = observers;
  if (observers.length === 2 && first !== undefined && second !== undefined) return new Tee2(first, second);
  return {
    onScatter: (a, sent) => observers.forEach((o) => o.onScatter(a, sent)),
    onOutcome: (leaf, outcome, a, ms, reason) => observers.forEach((o) => o.onOutcome(leaf, outcome, a, ms, reason)),
    onLate: (leaf, a, lateMs, ms) => observers.forEach((o) => o.onLate(leaf, a, lateMs, ms)),
    onStray: (leaf, reason) => observers.forEach((o) => o.onStray(leaf, reason)),
    onSkipped: (a, leaves) => observers.forEach((o) => o.onSkipped(a, leaves)),
    onNotSent: (leaf, a, reason) => observers.forEach((o) => o.onNotSent?.(leaf, a, reason)),
    onClosed: (a) => observers.forEach((o) => o.onClosed(a)),
    onLink: (leaf, up, atMs) => observers.forEach((o) => o.onLink?.(leaf, up, atMs)),
    onDropped: (leaf, reason) => observers.forEach((o) => o.onDropped?.(leaf, reason)),
  };
}

/** The common case without closures or array walks on the per-message path. */
class Tee2 implements ExchangeObserver {
  constructor(
    private readonly a: ExchangeObserver,
    private readonly b: ExchangeObserver,
  ) {}
  onScatter(x: InFlightAuction, sent: number): void {
    this.a.onScatter(x, sent);
    this.b.onScatter(x, sent);
  }
  onOutcome(
    leaf: number,
    outcome: OutcomeCode,
    x: InFlightAuction,
    ms: number,
    reason: InvalidReason | TimeoutReason | null,
  ): void {
    this.a.onOutcome(leaf, outcome, x, ms, reason);
    this.b.onOutcome(leaf, outcome, x, ms, reason);
  }
  onLate(leaf: number, x: ClosedAuction, lateMs: number, ms: number): void {
    this.a.onLate(leaf, x, lateMs, ms);
    this.b.onLate(leaf, x, lateMs, ms);
  }
  onStray(leaf: number, reason: InvalidReason): void {
    this.a.onStray(leaf, reason);
    this.b.onStray(leaf, reason);
  }
  onSkipped(x: InFlightAuction, leaves: number): void {
    this.a.onSkipped(x, leaves);
    this.b.onSkipped(x, leaves);
  }
  onNotSent(leaf: number, x: InFlightAuction, reason: NotSentReason): void {
    this.a.onNotSent?.(leaf, x, reason);
    this.b.onNotSent?.(leaf, x, reason);
  }
  onClosed(x: InFlightAuction): void {
    this.a.onClosed(x);
    this.b.onClosed(x);
  }
  onLink(leaf: number, up: boolean, atMs: number): void {
    this.a.onLink?.(leaf, up, atMs);
    this.b.onLink?.(leaf, up, atMs);
  }
  onDropped(leaf: number, reason: DropReason): void {
    this.a.onDropped?.(leaf, reason);
    this.b.onDropped?.(leaf, reason);
  }
}
