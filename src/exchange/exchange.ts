// The exchange: accepts a bid request, stamps its deadline, scatters it to every leaf, gathers
// answers until all have answered or the deadline comes, runs the auction, and sends win and loss
// notices. Time comes only from the Clock and bidders only through Links, so the same code runs
// live and in virtual time. Everything observable is reported to an ExchangeObserver (metrics,
// progress, reports subscribe there); the exchange itself keeps no statistics and never logs.

import type { BidRequest, BidResponse, Notice } from '../protocol/openrtb.js';
import { LossReason } from '../protocol/codes.js';
import { checkBidResponse, NOT_JSON, parseJson, responseId, salvageId, type InvalidReason } from '../protocol/parse.js';
import { runAuction, type AuctionRules } from './auction.js';
import type { Clock, Timer } from './clock.js';
import { DeadlineQueue } from './deadline-queue.js';
import { InFlightAuction, KeptAuction, type ClosedAuction } from './in-flight.js';
import { LateWindow } from './late-window.js';
import type { DropReason, Link, LinkHandler } from './link.js';
import { LeafPlan, uniformTerms, type LeafTerms } from './leaf-plan.js';
import { Outcome, type OutcomeCode, type TimeoutReason } from './outcome.js';
import { NO_TEXT, ToldTexts } from './told-texts.js';
import type { ExchangeObserver } from './observer.js';
import type { FanoutPolicy } from './policies/policy.js';

export type { ExchangeObserver } from './observer.js';

export interface ExchangeOptions {
  type: 'first-price' | 'second-price';
  /** Milliseconds from acceptance to the hard deadline. */
  tmaxMs: number;
  /** Taken off the remaining time in the `tmax` sent to bidders: the network and the auction's share. */
  allowanceMs: number;
  /** A leaf offered less time than this is not called (no-bid reason 15, not counted as sent). */
  minBidderMs: number;
  /** Second price: added to the runner-up's price. */
  increment: number;
  /** Bids above this CPM are invalid (guards against 1e308 and the like). */
  maxPrice: number;
  /** How long a closed auction with timed-out leaves is remembered, to recognise late answers. */
  lateWindowMs: number;
  /**
   * Who is called and how long each is waited for (src/exchange/policies/). Null: every leaf is
   * called on every auction that is not skipped, on the path as it was before policies.
   */
  policy: FanoutPolicy | null;
  /**
   * Per leaf, by leaf index: its own deadline, what it is told, its skip and whether it is secondary
   * (leaf-plan.ts). Null: every leaf has the auction's tmax, allowance and minBidderMs.
   */
  leaves: readonly LeafTerms[] | null;
}

export const EXCHANGE_DEFAULTS: ExchangeOptions = {
  type: 'first-price',
  tmaxMs: 100,
  allowanceMs: 5,
  minBidderMs: 10,
  increment: 0.01,
  maxPrice: 1000,
  lateWindowMs: 5000,
  policy: null,
  leaves: null,
};

export class Exchange implements LinkHandler {
  private readonly opts: ExchangeOptions;
  private readonly rules: AuctionRules;
  /**
   * By request id: the open auctions, and what is kept of closed ones that some leaf timed out on. One
   * map, and a kept auction replaces its open one under the same key: with a second map every auction
   * would be inserted and deleted once more, and the rehashes of that churn left dead tables in the
   * old generation still pointing at young auctions, which the scavenger then had to keep (promoted
   * bytes in the virtual bench 71 MB with one map, 290 MB with two).
   */
  private readonly byId = new Map<string, InFlightAuction | KeptAuction>();
  private readonly deadlines = new DeadlineQueue<InFlightAuction>();
  /** Closed auctions kept for late answers, in close order. */
  private readonly lateWindow: LateWindow;
  private readonly timer: Timer;
  private links: readonly Link[] = [];
  /** Whether any link sends the serialised request (live links do; virtual ones read the object). */
  private textWanted = true;
  /** Null on the one-deadline path: no policy and every leaf like the auction. */
  private plan: LeafPlan | null = null;
  /** The request serialised once per distinct tmax told in the auction being scattered. */
  private readonly told = new ToldTexts();
  /** Requests each leaf holds unanswered: a drop of a leaf holding none needs no scan. */
  private pendingByLeaf = new Int32Array(0);
  /** 1 for a leaf whose link reads a bid's source in its notices (HTTP): only those bids keep it. */
  private sourceWanted = new Uint8Array(0);
  private seq = 0;
  private openCount = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    options: Partial<ExchangeOptions>,
    private readonly clock: Clock,
    private readonly observer: ExchangeObserver,
  ) {
    this.opts = { ...EXCHANGE_DEFAULTS, ...options };
    this.lateWindow = new LateWindow(this.opts.lateWindowMs);
    this.rules = { type: this.opts.type, increment: this.opts.increment };
    this.timer = clock.createTimer(this.onTimer);
  }

  /** The links to the leaves, by leaf index. */
  attach(links: readonly Link[]): void {
    this.links = links;
    this.textWanted = links.some((l) => l.wantsText);
    this.told.textWanted = this.textWanted;
    this.pendingByLeaf = new Int32Array(links.length);
    this.sourceWanted = Uint8Array.from(links, (l) => (l.wantsNoticeSource === true ? 1 : 0));
    const o = this.opts;
    const terms = o.leaves;
    if (terms !== null && terms.length !== links.length)
      throw new RangeError(`exchange: ${terms.length} leaf terms for ${links.length} links`);
    this.plan =
      terms === null && o.policy === null
        ? null
        : new LeafPlan(terms ?? uniformTerms(links.length, o.tmaxMs, o.minBidderMs), o.allowanceMs, o.policy);
  }

  get inFlight(): number {
    return this.openCount;
  }

  /**
   * Accept a request: the deadline is `acceptedMs + tmaxMs`. `arrivalMs` is when it was due (open
   * loop); the runner passes the scheduled time for both, so a stalled exchange eats into the
   * bidders' time instead of hiding.
   */
  submit(request: BidRequest, arrivalMs: number, acceptedMs: number = arrivalMs): InFlightAuction {
    const now = this.clock.now();
    const opts = this.opts;
    const links = this.links;
    const n = links.length;
    const deadline = acceptedMs + opts.tmaxMs;
    const a = new InFlightAuction(request, arrivalMs, acceptedMs, deadline, now, n);
    this.purgeRetained(now);
    this.openCount++;

    const plan = this.plan;
    if (plan !== null) return this.submitPlanned(a, request, now, plan);
    const left = Math.floor(deadline - now - opts.allowanceMs);
    if (left < opts.minBidderMs || n === 0) {
      this.observer.onSkipped(a, n);
      this.close(a, now, false);
      return a;
    }
    request.tmax = left;
    request.at = opts.type === 'first-price' ? 1 : 2;
    this.byId.set(request.id, a);
    const text = this.textWanted ? Buffer.from(JSON.stringify(request)) : NO_TEXT;
    this.scatterAll(a, text, request);
    this.queue(a, now, deadline);
    return a;
  }

  /** After the scatter: closed at once when nothing is pending, else queued for its first check at `atMs`. */
  private queue(a: InFlightAuction, now: number, atMs: number): void {
    if (a.pending === 0 || a.primaryPending === 0) {
      this.close(a, now, false);
    } else {
      this.deadlines.push(a, atMs);
      if (this.deadlines.peek() === a) this.timer.set(atMs);
    }
  }

  /**
   * An auction whose leaves differ (own deadlines, told tmax, skips, secondaries) or that a policy
   * filters: the plan decides who is called; the auction waits for the latest deadline among the
   * leaves it waits for, and checks in at each earlier one to time out the leaves past theirs.
   */
  private submitPlanned(a: InFlightAuction, request: BidRequest, now: number, plan: LeafPlan): InFlightAuction {
    const n = this.links.length;
    const sent = plan.open(a, now);
    if (sent < 0) {
      this.observer.onSkipped(a, n);
      this.close(a, now, false);
      return a;
    }
    request.at = this.opts.type === 'first-price' ? 1 : 2;
    this.byId.set(request.id, a);
    this.observer.onScatter(a, sent);
    const links = this.links;
    const states = a.states;
    const reasons = plan.reason;
    const told = plan.told;
    const policy = this.opts.policy;
    const secondary = plan.secondary;
    const texts = this.told;
    texts.reset();
    for (let leaf = 0; leaf < n; leaf++) {
      const reason = reasons[leaf]!;
      if (reason !== null) {
        this.observer.onNotSent?.(leaf, a, reason);
        continue;
      }
      // Links that read the object (virtual) read it now: it carries this leaf's tmax.
      request.tmax = told[leaf]!;
      // The plan marked the leaf PENDING for onScatter; until its send succeeds it is not, so that a
      // link cutting the leaf off inside sendRequest (onDown, re-entrant) does not settle it here.
      states[leaf] = Outcome.SKIPPED;
      if ((links[leaf] as Link).sendRequest(texts.textFor(request), request)) {
        states[leaf] = Outcome.PENDING;
        a.pending++;
        this.pendingByLeaf[leaf]!++;
      } else {
        states[leaf] = Outcome.LOST;
        if (a.primaryPending > 0 && secondary[leaf] === 0) a.primaryPending--;
        this.observer.onOutcome(leaf, Outcome.LOST, a, Number.NaN, null);
        policy?.observe(leaf, Outcome.LOST, Number.NaN, now);
      }
    }
    request.tmax = plan.maxTold;
    this.queue(a, now, plan.firstCheckMs(a));
    return a;
  }

  /** Every leaf is called: the path without a policy. */
  private scatterAll(a: InFlightAuction, text: Buffer, request: BidRequest): void {
    const links = this.links;
    const n = links.length;
    const states = a.states;
    this.observer.onScatter(a, n);
    for (let leaf = 0; leaf < n; leaf++) {
      if ((links[leaf] as Link).sendRequest(text, request)) {
        states[leaf] = Outcome.PENDING;
        a.pending++;
        this.pendingByLeaf[leaf]!++;
      } else {
        states[leaf] = Outcome.LOST;
        this.observer.onOutcome(leaf, Outcome.LOST, a, Number.NaN, null);
      }
    }
  }

  /** Resolves once no auction is open. */
  whenIdle(): Promise<void> {
    if (this.openCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop the deadline timer (after whenIdle, at the end of a run). */
  stop(): void {
    this.timer.clear();
  }

  // ---- LinkHandler: the per-message path ----

  onText(leaf: number, text: string): void {
    if (text.length === 0) {
      this.invalidMessage(leaf, 'empty-response', undefined);
      return;
    }
    const value = parseJson(text);
    if (value === NOT_JSON) this.invalidMessage(leaf, 'not-json', salvageId(text));
    else this.onValue(leaf, value);
  }

  onValue(leaf: number, value: unknown): void {
    const id = responseId(value);
    if (id === undefined) {
      this.invalidMessage(leaf, typeof value === 'object' && value !== null ? 'missing-id' : 'not-object', undefined);
      return;
    }
    const a = this.byId.get(id);
    if (a === undefined || a instanceof KeptAuction) {
      this.answerAfterClose(leaf, a, value, 'duplicate-response', 'unknown-request');
      return;
    }
    const now = this.clock.now();
    // Any deadline that has passed while the timer waits for its turn (a burst of answers can hold
    // the loop for milliseconds) closes now, between two messages: this answer's own auction first
    // of all, so an answer after its deadline is late.
    this.closeOverdue(now);
    const state = a.states[leaf];
    if (state !== Outcome.PENDING) {
      const late = state === Outcome.TIMED_OUT && checkBidResponse(value, a.request, this.opts.maxPrice) === null;
      this.answerAfterSettled(leaf, a, state, now, late ? (value as BidResponse) : null, 'duplicate-response');
      return;
    }
    const responseMs = now - a.sentMs;
    const reason = checkBidResponse(value, a.request, this.opts.maxPrice);
    if (reason !== null) {
      this.settle(a, leaf, Outcome.INVALID, responseMs, reason, now);
    } else {
      const seatbid = (value as BidResponse).seatbid;
      if (seatbid === undefined || seatbid.length === 0) {
        this.settle(a, leaf, Outcome.NO_BID, responseMs, null, now);
      } else {
        const response = value as BidResponse;
        const keep = this.sourceWanted[leaf] === 1;
        for (const seat of seatbid) {
          for (const bid of seat.bid) {
            a.bids.push({
              bidder: leaf,
              bidId: bid.id,
              impid: bid.impid,
              price: bid.price,
              seq: this.seq++,
              source: keep ? { bid, seat, response } : null,
            });
          }
        }
        this.settle(a, leaf, Outcome.ON_TIME, responseMs, null, now);
      }
    }
    if (a.pending === 0 || a.primaryPending === 0) this.close(a, now, false);
  }

  onBadFrame(leaf: number, reason: 'binary-frame' | 'too-large'): void {
    this.invalidMessage(leaf, reason, undefined);
  }

  onFailure(leaf: number, id: string, reason: InvalidReason, lost: boolean): void {
    if (!lost) return this.invalidMessage(leaf, reason, id);
    // No answer came: lost if the request is still open; after the close it had timed out already
    // (an abandoned request fails this way), and nothing more is counted.
    const a = this.byId.get(id);
    if (a === undefined || a instanceof KeptAuction) return;
    const now = this.clock.now();
    this.closeOverdue(now);
    if (a.states[leaf] !== Outcome.PENDING) return;
    this.settle(a, leaf, Outcome.LOST, Number.NaN, reason, now);
    if (a.pending === 0 || a.primaryPending === 0) this.close(a, now, false);
  }

  onNoBid(leaf: number, id: string): void {
    // The body-less no-bid means what `{"id": id}` means, wherever it lands (on time, late, stray).
    this.onValue(leaf, { id });
  }

  onUp(leaf: number): void {
    this.observer.onLink?.(leaf, true, this.clock.now());
  }

  onDown(leaf: number, reason?: DropReason): void {
    const now = this.clock.now();
    this.observer.onLink?.(leaf, false, now);
    if (reason !== undefined) this.observer.onDropped?.(leaf, reason);
    // Deadlines that passed before the timer fired close first (the leaf timed out there), so no
    // auction is closed "early" by a drop after its deadline.
    this.closeOverdue(now);
    if (this.pendingByLeaf[leaf] === 0) return;
    for (const a of this.byId.values()) {
      if (a instanceof KeptAuction || a.closed || a.states[leaf] !== Outcome.PENDING) continue;
      this.settle(a, leaf, Outcome.LOST, Number.NaN, null, now);
      if (a.pending === 0 || a.primaryPending === 0) this.close(a, now, false);
    }
  }

  // ---- internals ----

  private settle(
    a: InFlightAuction,
    leaf: number,
    outcome: OutcomeCode,
    responseMs: number,
    reason: InvalidReason | null,
    now: number,
  ): void {
    a.states[leaf] = outcome;
    a.pending--;
    this.pendingByLeaf[leaf]!--;
    if (a.primaryPending > 0 && this.plan!.secondary[leaf] === 0) a.primaryPending--;
    this.observer.onOutcome(leaf, outcome, a, responseMs, reason);
    this.opts.policy?.observe(leaf, outcome, responseMs, now);
  }

  /**
   * A message that could not be read. When its id can be recovered and names a request this leaf
   * holds, that request ends INVALID; otherwise it is stray: guessing which request a nameless frame
   * answered would steal another request's outcome.
   */
  private invalidMessage(leaf: number, reason: InvalidReason, id: string | undefined): void {
    if (id === undefined) {
      this.observer.onStray(leaf, reason);
      return;
    }
    const a = this.byId.get(id);
    if (a === undefined || a instanceof KeptAuction) {
      this.answerAfterClose(leaf, a, NOT_JSON, reason, reason);
      return;
    }
    const now = this.clock.now();
    // As in onValue: past the deadline the auction closes first, and this answer comes after it.
    this.closeOverdue(now);
    const state = a.states[leaf];
    if (state !== Outcome.PENDING) {
      this.answerAfterSettled(leaf, a, state, now, null, reason);
      return;
    }
    this.settle(a, leaf, Outcome.INVALID, now - a.sentMs, reason, now);
    if (a.pending === 0 || a.primaryPending === 0) this.close(a, now, false);
  }

  /**
   * An answer (`value`, or NOT_JSON when it could not be read) naming a request that is not open:
   * late when the auction is kept (`k`) and this leaf timed out on it; otherwise stray, with `reason`
   * when the auction is kept and `unknownReason` when it is not.
   */
  private answerAfterClose(
    leaf: number,
    k: KeptAuction | undefined,
    value: unknown,
    reason: InvalidReason,
    unknownReason: InvalidReason,
  ): void {
    if (k === undefined) {
      this.observer.onStray(leaf, unknownReason);
      return;
    }
    const now = this.clock.now();
    this.closeOverdue(now);
    const state = k.states[leaf];
    const late =
      state === Outcome.TIMED_OUT &&
      value !== NOT_JSON &&
      checkBidResponse(value, k.request, this.opts.maxPrice) === null;
    this.answerAfterSettled(leaf, k, state, now, late ? (value as BidResponse) : null, reason);
  }

  /**
   * An answer for a request already settled. A timed-out leaf's answer, readable or not, is late
   * (and a readable one gets its expired loss notices); any other is stray with `reason`, or
   * unknown-request when the leaf was never asked on this auction.
   */
  private answerAfterSettled(
    leaf: number,
    a: ClosedAuction,
    state: number | undefined,
    now: number,
    response: BidResponse | null,
    reason: InvalidReason,
  ): void {
    if (state === Outcome.TIMED_OUT) {
      a.states[leaf] = Outcome.LATE;
      // Timed out at its own deadline, the auction may still be open: late after that deadline.
      const since = a.closed ? a.closeMs : (a as InFlightAuction).leafDeadlineMs(leaf);
      this.observer.onLate(leaf, a, now - since, now - a.sentMs);
      if (response !== null) this.noticeExpired(leaf, a, response);
    } else {
      const neverAsked = state === Outcome.SKIPPED || state === Outcome.LOST || state === undefined;
      this.observer.onStray(leaf, neverAsked ? 'unknown-request' : reason);
    }
  }

  private noticeExpired(leaf: number, a: ClosedAuction, response: BidResponse): void {
    const link = this.links[leaf] as Link;
    for (const seat of response.seatbid ?? []) {
      for (const bid of seat.bid) {
        const notice: Notice = {
          notice: 'loss',
          id: a.request.id,
          impid: bid.impid,
          bidid: bid.id,
          price: 0,
          loss: LossReason.EXPIRED,
        };
        link.sendNotice(notice, { bid, seat, response });
      }
    }
  }

  /** Run the deadline timer's work now if its earliest checkpoint has passed (the timer is late). */
  private closeOverdue(now: number): void {
    if (this.deadlines.peekKey() <= now) this.onTimer();
  }

  private readonly onTimer = (): void => {
    const now = this.clock.now();
    const q = this.deadlines;
    let head = q.peek();
    // Auctions that closed early leave the heap here too, before their deadline, so the timer is
    // re-armed for the next open one instead of waking (and spinning) for each closed one in turn.
    while (head !== undefined && (head.closed || q.peekKey() <= now)) {
      q.pop();
      if (!head.closed) {
        if (head.offsets === null || head.deadlineMs <= now) this.close(head, now, true);
        else this.checkpoint(head, now);
      }
      head = q.peek();
    }
    this.purgeRetained(now);
    if (head !== undefined) this.timer.set(q.peekKey());
  };

  /**
   * An auction's checkpoint before its deadline: the leaves past their own deadline time out, and the
   * auction closes if nothing it waits for is left, else comes back at the next leaf's deadline.
   */
  private checkpoint(a: InFlightAuction, now: number): void {
    const states = a.states;
    const offsets = a.offsets!;
    const accepted = a.acceptedMs;
    let next = a.deadlineMs;
    for (let leaf = 0; leaf < states.length; leaf++) {
      if (states[leaf] !== Outcome.PENDING) continue;
      // The same sum as leafDeadlineMs, so the time queued next is exactly one a leaf is due at, and
      // after `now` (a difference instead could round the other way and queue it at `now` for ever).
      const due = accepted + offsets[leaf]!;
      if (due <= now) this.timeOut(a, leaf, now, null);
      else if (due < next) next = due;
    }
    if (a.pending === 0 || a.primaryPending === 0) this.close(a, now, false);
    else this.deadlines.push(a, next);
  }

  private timeOut(a: InFlightAuction, leaf: number, now: number, reason: TimeoutReason | null): void {
    a.states[leaf] = Outcome.TIMED_OUT;
    a.timedOut++;
    a.pending--;
    this.pendingByLeaf[leaf]!--;
    if (a.primaryPending > 0 && this.plan!.secondary[leaf] === 0) a.primaryPending--;
    this.observer.onOutcome(leaf, Outcome.TIMED_OUT, a, Number.NaN, reason);
    // A secondary cut off did not miss its own deadline: the policy is not told it timed out, so a
    // throttle does not hold back secondaries for the primaries' speed.
    if (reason === null) this.opts.policy?.observe(leaf, Outcome.TIMED_OUT, Number.NaN, now);
    // A link with requests of its own (HTTP) stops waiting for this one.
    (this.links[leaf] as Link).abandon?.(a.request.id);
  }

  private close(a: InFlightAuction, now: number, byDeadline: boolean): void {
    a.closed = true;
    a.closeMs = now;
    a.byDeadline = byDeadline;
    this.openCount--;
    if (a.pending > 0) {
      const states = a.states;
      // Secondaries still out when the primaries are done are cut off, and say so.
      const cut = a.primaryPending >= 0 ? this.plan!.secondary : null;
      for (let leaf = 0; leaf < states.length; leaf++) {
        if (states[leaf] !== Outcome.PENDING) continue;
        this.timeOut(a, leaf, now, cut !== null && cut[leaf] === 1 ? 'secondary-cut' : null);
      }
    }
    if (a.bids.length > 0) this.runAndNotify(a);
    this.observer.onClosed(a);
    if (a.timedOut > 0) {
      const k = new KeptAuction(a);
      this.byId.set(k.request.id, k);
      this.lateWindow.keep(k);
    } else {
      this.byId.delete(a.request.id);
    }
    if (this.openCount === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private runAndNotify(a: InFlightAuction): void {
    const outcome = runAuction(a.request.imp, a.bids, this.rules);
    a.outcome = outcome;
    const id = a.request.id;
    const { reasons, prices } = outcome;
    for (let i = 0; i < a.bids.length; i++) {
      const bid = a.bids[i]!;
      const reason = reasons[i]!;
      const notice: Notice = {
        notice: reason === LossReason.WON ? 'win' : 'loss',
        id,
        impid: bid.impid,
        bidid: bid.bidId,
        price: prices[i]!,
        loss: reason,
      };
      (this.links[bid.bidder] as Link).sendNotice(notice, bid.source ?? undefined);
    }
  }

  private purgeRetained(now: number): void {
    this.lateWindow.expire(now, this.forget);
  }

  private readonly forget = (k: KeptAuction): void => {
    this.byId.delete(k.request.id);
  };
}
