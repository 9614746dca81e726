// The statistics of a run, gathered as an ExchangeObserver: counters per leaf and in total, and
// HdrHistograms of auction latency, deadline overshoot and each leaf's response time. Auctions that
// arrived during the warm-up are left out entirely (their requests, outcomes and late answers), so
// the accounting identities hold over exactly the auctions counted.

import type { ExchangeObserver } from '../../exchange/exchange.js';
import type { ClosedAuction, InFlightAuction } from '../../exchange/in-flight.js';
import { Outcome, type OutcomeCode, type TimeoutReason } from '../../exchange/outcome.js';
import type { NotSentReason } from '../../exchange/policies/policy.js';
import { LossReason } from '../../protocol/codes.js';
import { newHistogram, recordMs, type Histogram } from '../../lib/histogram.js';
import { RecordedHistogram } from '../../lib/histogram-recorder.js';
import type { InvalidReason } from '../../protocol/parse.js';
import { DeadlineSeries } from './deadline-series.js';

/** Prices are counted in millionths of a CPM unit, whole numbers, so sums are exact. */
const MICROS = 1e6;

export interface LeafInfo {
  name: string;
  group: string;
}

export class LeafCounters {
  sent = 0;
  onTime = 0;
  noBid = 0;
  invalid = 0;
  timedOut = 0;
  lost = 0;
  late = 0;
  wins = 0;
  /** Bids placed (one per impression bid on) that were taken into an auction. */
  bids = 0;
  /**
   * Sum of the clearing CPMs of impressions won, in millionths of a CPM unit: prices are whole
   * millionths (auction.ts), so the sum is exact in any order and merged runs add up to the unsplit one.
   */
  spendMicros = 0;
  /** Messages that answered no request (unknown id, duplicates, unattributable garbage). */
  stray = 0;
  /** Requests not sent, by why: sent + skipped + throttled + capped = auctions. */
  skipped = 0;
  throttled = 0;
  capped = 0;
  /** Bids taken into an auction that lost for being below the floor (seat-non-bid 301). */
  belowFloor = 0;
  /** Timed out as a secondary cut off by the close (counted in timedOut too). */
  secondaryCut = 0;
  /** Why answers were refused, attributed or stray. */
  readonly invalidReasons = new Map<InvalidReason, number>();
  /** Response times (sent → received, late answers included), cheap to record per message. */
  readonly responses = new RecordedHistogram();
  /** Connection drops seen. */
  drops = 0;
  /** Milliseconds of the measured stretch the leaf's link was down (settled by Metrics.end). */
  downMs = 0;
  /** When the link went down, or NaN while it is up. */
  downSince = NaN;
  /**
   * The milliseconds down of the spans that ended before some auction arrived (so before the
   * measured stretch's end, the last arrival), from the warm-up's end: added as they end, so a
   * link that flaps all day keeps one number, not every span.
   */
  downSettledMs = 0;
  /** The spans [down, up], flat, that ended after the latest arrival seen: the end may still cut them. */
  readonly downPending: number[] = [];
  constructor(readonly info: LeafInfo) {}

  /** Sum of the clearing CPMs of impressions won. */
  get spendCpm(): number {
    return this.spendMicros / MICROS;
  }

  get latency(): Histogram {
    return this.responses.histogram;
  }
}

/** One second of the run, for charts over time. */
export interface SecondBucket {
  auctions: number;
  timedOut: number;
  sent: number;
  /** Sum of auction latencies in ms, for the mean. */
  latencySumMs: number;
  maxLatencyMs: number;
}

export class Metrics implements ExchangeObserver {
  auctions = 0;
  filled = 0;
  skippedAuctions = 0;
  impressions = 0;
  impressionsSold = 0;
  /** Sum of clearing CPMs in millionths of a CPM unit (exact: see LeafCounters.spendMicros). */
  clearingMicros = 0;
  readonly leaves: LeafCounters[];
  readonly auctionLatency: Histogram = newHistogram();
  readonly overshoot: Histogram = newHistogram();
  readonly seconds: SecondBucket[] = [];
  /** Auctions closed, warm-up included: for progress. */
  closedAll = 0;
  /** Each leaf's deadline at each second of the measured stretch, when adaptive timeouts are on. */
  deadlines: DeadlineSeries | null = null;

  /** Clock time before which arrivals are not counted; nothing is counted until begin(). */
  private warmupEndMs = Infinity;
  /** Clock time of the run's start, for per-second buckets. */
  private originMs = 0;

  constructor(leaves: readonly LeafInfo[]) {
    this.leaves = leaves.map((l) => new LeafCounters(l));
  }

  /** Sum of clearing CPMs. */
  get clearingSum(): number {
    return this.clearingMicros / MICROS;
  }

  begin(originMs: number, warmupEndMs: number): void {
    this.originMs = originMs;
    this.warmupEndMs = warmupEndMs;
  }

  /** Reads each leaf's deadline (`read`) as each second of the measured stretch begins. */
  trackDeadlines(read: (leaf: number) => number): void {
    this.deadlines = new DeadlineSeries(this.leaves.length, read);
  }

  /**
   * Whether the warm-up is over, learnt from the first counted auction to arrive (so no clock is
   * needed). Events that name no auction (strays, drops) count only from then on, like the rest.
   */
  private warm = false;

  private counted(a: ClosedAuction): boolean {
    return a.arrivalMs >= this.warmupEndMs;
  }

  /** The latest arrival seen, and the latest end of a pending down span (-Infinity: none pending). */
  private latestArrivalMs = -Infinity;
  private pendingUntilMs = -Infinity;

  /**
   * An auction arrived at `atMs`: the measured stretch runs at least this far, so the down spans
   * that ended by then are settled whole. One comparison per auction while none is pending.
   */
  private arrived(atMs: number): void {
    if (atMs > this.latestArrivalMs) this.latestArrivalMs = atMs;
    if (atMs < this.pendingUntilMs) return;
    this.pendingUntilMs = -Infinity;
    for (const c of this.leaves) {
      const p = c.downPending;
      if (p.length === 0) continue;
      let kept = 0;
      for (let i = 0; i < p.length; i += 2) {
        const from = p[i]!;
        const to = p[i + 1]!;
        if (to <= atMs) c.downSettledMs += this.downWithin(from, to, Infinity);
        else {
          p[kept++] = from;
          p[kept++] = to;
          if (to > this.pendingUntilMs) this.pendingUntilMs = to;
        }
      }
      p.length = kept;
    }
  }

  /** The part of [from, to] inside the measured stretch [warm-up end, `untilMs`]. */
  private downWithin(from: number, to: number, untilMs: number): number {
    return Math.max(0, Math.min(to, untilMs) - Math.max(from, this.warmupEndMs));
  }

  private bucket(a: InFlightAuction): SecondBucket {
    const i = Math.max(0, Math.floor((a.arrivalMs - this.originMs) / 1000));
    const s = this.seconds;
    while (s.length <= i) {
      s.push({ auctions: 0, timedOut: 0, sent: 0, latencySumMs: 0, maxLatencyMs: 0 });
      // Warm-up seconds are pushed at once with the first counted auction: none of them is read.
      if (this.deadlines !== null && s.length > (this.warmupEndMs - this.originMs) / 1000)
        this.deadlines.sample(s.length - 1);
    }
    return s[i]!;
  }

  onScatter(a: InFlightAuction, sent: number): void {
    this.arrived(a.arrivalMs);
    if (!this.counted(a)) return;
    this.warm = true;
    const states = a.states;
    const leaves = this.leaves;
    if (sent === states.length) {
      for (let leaf = 0; leaf < states.length; leaf++) leaves[leaf]!.sent++;
    } else {
      // Only some are called: the exchange has marked them PENDING before announcing the scatter.
      for (let leaf = 0; leaf < states.length; leaf++) if (states[leaf] === Outcome.PENDING) leaves[leaf]!.sent++;
    }
    this.bucket(a).sent += sent;
  }

  /**
   * An auction of the run that another segment records (a virtual segment that simulates the whole
   * run, stripe-observer.ts) went out: it counts nowhere here, but it ends the warm-up and begins its
   * second at the moment it does in the whole run, so that drops, strays and the deadline readings
   * are taken as the whole run takes them.
   */
  witness(a: InFlightAuction): void {
    this.arrived(a.arrivalMs);
    if (!this.counted(a)) return;
    this.warm = true;
    this.bucket(a);
  }

  onNotSent(leaf: number, a: InFlightAuction, reason: NotSentReason): void {
    if (!this.counted(a)) return;
    this.leaves[leaf]![reason]++;
  }

  onOutcome(
    leaf: number,
    outcome: OutcomeCode,
    a: InFlightAuction,
    responseMs: number,
    reason: InvalidReason | TimeoutReason | null,
  ): void {
    if (!this.counted(a)) return;
    const c = this.leaves[leaf]!;
    switch (outcome) {
      case Outcome.ON_TIME:
        c.onTime++;
        break;
      case Outcome.NO_BID:
        c.noBid++;
        break;
      case Outcome.INVALID:
        c.invalid++;
        if (reason !== null && reason !== 'secondary-cut')
          c.invalidReasons.set(reason, (c.invalidReasons.get(reason) ?? 0) + 1);
        break;
      case Outcome.TIMED_OUT:
        c.timedOut++;
        if (reason === 'secondary-cut') c.secondaryCut++;
        this.bucket(a).timedOut++;
        break;
      case Outcome.LOST:
        c.lost++;
        // Lost on its own (HTTP: a reset, a refused connection), beside the answers refused.
        if (reason !== null && reason !== 'secondary-cut')
          c.invalidReasons.set(reason, (c.invalidReasons.get(reason) ?? 0) + 1);
        break;
    }
    if (responseMs === responseMs) c.responses.recordMs(responseMs);
  }

  onLate(leaf: number, a: ClosedAuction, _lateMs: number, responseMs: number): void {
    if (!this.counted(a)) return;
    const c = this.leaves[leaf]!;
    c.late++;
    c.responses.recordMs(responseMs);
  }

  onStray(leaf: number, reason: InvalidReason): void {
    if (!this.warm) return;
    const c = this.leaves[leaf]!;
    c.stray++;
    c.invalidReasons.set(reason, (c.invalidReasons.get(reason) ?? 0) + 1);
  }

  onSkipped(a: InFlightAuction): void {
    this.arrived(a.arrivalMs);
    if (!this.counted(a)) return;
    this.warm = true;
    this.skippedAuctions++;
    for (const c of this.leaves) c.skipped++;
  }

  onLink(leaf: number, up: boolean, atMs: number): void {
    const c = this.leaves[leaf]!;
    if (!up) {
      if (this.warm) c.drops++;
      if (c.downSince !== c.downSince) c.downSince = atMs;
    } else if (c.downSince === c.downSince) {
      if (atMs <= this.latestArrivalMs) c.downSettledMs += this.downWithin(c.downSince, atMs, Infinity);
      else {
        c.downPending.push(c.downSince, atMs);
        if (atMs > this.pendingUntilMs) this.pendingUntilMs = atMs;
      }
      c.downSince = NaN;
    }
  }

  /**
   * The measured stretch was [warm-up end, `atMs`]: each leaf's downMs is the time its link was down
   * within it, a link still down counting until `atMs`.
   */
  end(atMs: number): void {
    for (const c of this.leaves) {
      let ms = c.downSettledMs;
      const p = c.downPending;
      for (let i = 0; i < p.length; i += 2) ms += this.downWithin(p[i]!, p[i + 1]!, atMs);
      if (c.downSince === c.downSince) ms += this.downWithin(c.downSince, atMs, atMs);
      c.downMs = ms;
    }
  }

  /** The exchange dropped the leaf itself: counted with the reason, beside the invalid answers. */
  onDropped(leaf: number, reason: InvalidReason): void {
    if (!this.warm) return;
    const c = this.leaves[leaf]!;
    c.invalidReasons.set(reason, (c.invalidReasons.get(reason) ?? 0) + 1);
  }

  onClosed(a: InFlightAuction): void {
    this.closedAll++;
    if (!this.counted(a)) return;
    this.auctions++;
    const latencyMs = a.closeMs - a.arrivalMs;
    recordMs(this.auctionLatency, latencyMs);
    if (a.byDeadline) recordMs(this.overshoot, a.closeMs - a.deadlineMs);
    const b = this.bucket(a);
    b.auctions++;
    b.latencySumMs += latencyMs;
    if (latencyMs > b.maxLatencyMs) b.maxLatencyMs = latencyMs;
    this.impressions += a.request.imp.length;
    const outcome = a.outcome;
    if (outcome === null) return;
    const leaves = this.leaves;
    const reasons = outcome.reasons;
    for (let i = 0; i < a.bids.length; i++) {
      const c = leaves[a.bids[i]!.bidder]!;
      c.bids++;
      if (reasons[i] === LossReason.BELOW_FLOOR) c.belowFloor++;
    }
    let sold = 0;
    for (const imp of outcome.imps) {
      if (imp.winner < 0) continue;
      sold++;
      const micros = Math.round(imp.clearingPrice * MICROS);
      this.clearingMicros += micros;
      const c = this.leaves[a.bids[imp.winner]!.bidder]!;
      c.wins++;
      c.spendMicros += micros;
    }
    this.impressionsSold += sold;
    if (sold > 0) this.filled++;
  }
}
