// summary.json: the contract for tools that read results (see README). Built purely from the
// metrics; times in milliseconds, rates as fractions of 1. A summary whose accounting does not add
// up is refused rather than written.

import { newHistogram, type Histogram } from '../../lib/histogram.js';
import type { HarnessSummary } from './harness-types.js';
import type { LeafCounters, Metrics } from './metrics.js';
import type { DeadlineSeriesSummary } from './deadline-series.js';

/** Percentiles of a histogram, in milliseconds. */
export interface P {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  count: number;
}

export interface BidCounts {
  sent: number;
  onTime: number;
  noBid: number;
  invalid: number;
  timedOut: number;
  lost: number;
  late: number;
}

/** Requests not sent, by why (src/exchange/policies/policy.ts NotSentReason). */
export interface NotSentCounts {
  skipped: number;
  throttled: number;
  capped: number;
}

/**
 * A leaf's non-bids in the codes of Prebid's `seatnonbid` extension: 0 no bid, 101 timeout, 102
 * invalid bid response, 103 bidder unreachable (lost), 203 request blocked by optimisation
 * (throttled or capped), 301 bid rejected below the floor.
 */
export type SeatNonBid = Record<'0' | '101' | '102' | '103' | '203' | '301', number>;

export interface LeafSummary extends BidCounts {
  group: string;
  /** Not sent, beside `sent`: sent + skipped + throttled + capped = auctions.total. */
  notSent: NotSentCounts;
  /** Of `timedOut`, the requests of a secondary leaf cut off once every primary was done. */
  secondaryCut: number;
  seatNonBid: SeatNonBid;
  /** Bids placed on time (one per impression bid on). */
  bids: number;
  wins: number;
  /** wins / bids: the share of its bids the leaf won. */
  winRate: number;
  timeoutRate: number;
  /** Sum of clearing prices of impressions won, in currency (CPM / 1000). */
  spend: number;
  /** Messages that answered no request. */
  stray: number;
  drops: number;
  /** Milliseconds of the measured stretch its connection was down (live; a virtual link never drops). */
  disconnectedMs: number;
  invalidReasons: Record<string, number>;
  latency: P;
  /** Its enforced deadline over the run, when adaptive timeouts are on (deadline-series.ts). */
  deadlineMs?: DeadlineSeriesSummary;
  /**
   * HTTP leaves (live): the bids' notice URLs fetched (answered 2xx), failed, and refused because they
   * named another origin than the bidder's. Absent on WebSocket leaves, which get notices as messages.
   */
  notices?: { sent: number; failed: number; offOrigin: number };
}

export interface GroupSummary extends BidCounts {
  leaves: number;
  notSent: NotSentCounts;
  secondaryCut: number;
  wins: number;
  timeoutRate: number;
  latency: P;
}

export interface ThresholdResult {
  metric: string;
  op: string;
  value: number;
  actual: number | null;
  pass: boolean;
}

export interface Summary {
  scenario: string;
  seed: number;
  mode: 'live' | 'virtual';
  startedAt: string;
  durationSec: number;
  /** True when the run was cut short (signal, or a bidder host died). */
  partial: boolean;
  config: {
    rate: number;
    arrival: string;
    tmaxMs: number;
    allowanceMs: number;
    type: string;
    floor: number;
    impressions: number;
    leaves: number;
    warmupSec: number;
  };
  auctions: {
    total: number;
    filled: number;
    unfilled: number;
    skipped: number;
    perSec: number;
    /** Auctions closed by their deadline rather than by the last answer (added for sweeps). */
    toDeadline?: number;
    /** Mean auction time, arrival → close, in ms (added for sweeps' cost of waiting). */
    meanMs?: number;
  };
  bids: BidCounts;
  /** Requests not sent over all leaves: bids.sent + these = auctions.total × leaves (added with issue 16). */
  notSent?: NotSentCounts;
  latency: { auction: P; overshoot: P; eventLoopDelay: P };
  bidders: Record<string, LeafSummary>;
  groups: Record<string, GroupSummary>;
  rates: {
    fill: number;
    timeout: number;
    noBid: number;
    invalid: number;
    lost: number;
    /** auctions.toDeadline / auctions.total: the share that waited for the deadline. */
    toDeadline?: number;
  };
  revenue: { total: number; avgClearingPrice: number; perThousand: number; impressionsSold: number };
  thresholds: ThresholdResult[];
  /** What made the run, where known (the command line adds it; a run built in a test has none). */
  tool?: ToolInfo;
  /** Whether the run measured the bidders or the machine (harness-types.ts); every run has one. */
  harness?: HarnessSummary;
  /**
   * The share of the arrivals a `--segment` run ran (absent from a whole run's summary). `simulated`:
   * `stripe` when it ran only its share; `whole-run` when, in virtual time with state carried from one
   * auction to the next (src/sim/scenario/segment-state.ts), it simulated every arrival and recorded its share.
   */
  segment?: { index: number; count: number; simulated: 'stripe' | 'whole-run' };
  /** What `npm run merge` added up (absent from a run's own summary). */
  merged?: MergedInfo;
}

/** The parts of a merged run (docs/summary-json.md, "Merging"). */
export interface MergedInfo {
  /** Runs merged (segments counted one by one). */
  runs: number;
  /** The seeds, lowest first; more than one means repeats were pooled. */
  seeds: number[];
  /** Repeats of the scenario under different seeds were pooled into one sample. */
  pooled: boolean;
  /** Per seed, the number of segments its run was split into (1: a whole run). */
  segments: Record<string, number>;
}

export interface ToolInfo {
  name: string;
  version: string;
  /** The git commit of the checkout that ran, or null outside a git checkout. */
  commit: string | null;
  /** Whether tracked files differed from that commit (null when the commit is unknown). */
  dirty: boolean | null;
}

const round = (x: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const ratio = (a: number, b: number): number => (b === 0 ? 0 : round(a / b, 6));

/** Percentiles of a microsecond histogram, in milliseconds. */
export function percentiles(h: Histogram): P {
  const ms = (us: number): number => round(us / 1000);
  if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, count: 0 };
  // A percentile reads as the top of its HdrHistogram bucket, which can lie above the largest value
  // recorded (a 30 ms cap reading as 30.015); no percentile is reported above the max.
  const max = h.maxValue;
  const at = (p: number): number => ms(Math.min(h.getValueAtPercentile(p), max));
  return { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: ms(max), count: h.totalCount };
}

function counts(c: LeafCounters): BidCounts {
  return {
    sent: c.sent,
    onTime: c.onTime,
    noBid: c.noBid,
    invalid: c.invalid,
    timedOut: c.timedOut,
    lost: c.lost,
    late: c.late,
  };
}

function addCounts(into: BidCounts, c: BidCounts): void {
  into.sent += c.sent;
  into.onTime += c.onTime;
  into.noBid += c.noBid;
  into.invalid += c.invalid;
  into.timedOut += c.timedOut;
  into.lost += c.lost;
  into.late += c.late;
}

const notSentOf = (c: LeafCounters): NotSentCounts => ({
  skipped: c.skipped,
  throttled: c.throttled,
  capped: c.capped,
});

function addNotSent(into: NotSentCounts, c: NotSentCounts): void {
  into.skipped += c.skipped;
  into.throttled += c.throttled;
  into.capped += c.capped;
}

const zeroNotSent = (): NotSentCounts => ({ skipped: 0, throttled: 0, capped: 0 });

function seatNonBid(c: LeafCounters): SeatNonBid {
  return {
    '0': c.noBid,
    '101': c.timedOut,
    '102': c.invalid,
    '103': c.lost,
    '203': c.throttled + c.capped,
    '301': c.belowFloor,
  };
}

const zeroCounts = (): BidCounts => ({ sent: 0, onTime: 0, noBid: 0, invalid: 0, timedOut: 0, lost: 0, late: 0 });

export interface SummaryInput {
  scenario: string;
  seed: number;
  mode: 'live' | 'virtual';
  startedAt: Date;
  /** Measured (post-warm-up) seconds, for rates per second. */
  durationSec: number;
  partial: boolean;
  config: Summary['config'];
  eventLoopDelay: P;
}

export function buildSummary(m: Metrics, input: SummaryInput): Summary {
  const bids = zeroCounts();
  const notSent = zeroNotSent();
  // Maps, not object literals, while building: a leaf or group may be named `constructor` or
  // `__proto__`, which an object literal already "has". Object.fromEntries then makes own properties.
  const bidders: Array<[string, LeafSummary]> = [];
  const groups = new Map<string, GroupSummary>();
  const groupHist = new Map<string, Histogram>();
  for (const [index, c] of m.leaves.entries()) {
    const bc = counts(c);
    const ns = notSentOf(c);
    addCounts(bids, bc);
    addNotSent(notSent, ns);
    bidders.push([
      c.info.name,
      {
        group: c.info.group,
        ...bc,
        notSent: ns,
        secondaryCut: c.secondaryCut,
        seatNonBid: seatNonBid(c),
        bids: c.bids,
        wins: c.wins,
        winRate: ratio(c.wins, c.bids),
        timeoutRate: ratio(c.timedOut, c.sent),
        spend: round(c.spendCpm / 1000, 6),
        stray: c.stray,
        drops: c.drops,
        disconnectedMs: round(c.downMs),
        invalidReasons: Object.fromEntries(c.invalidReasons),
        latency: percentiles(c.latency),
        ...(m.deadlines !== null && { deadlineMs: m.deadlines.summary(index) }),
      },
    ]);
    let g = groups.get(c.info.group);
    if (g === undefined) {
      g = {
        leaves: 0,
        ...zeroCounts(),
        notSent: zeroNotSent(),
        secondaryCut: 0,
        wins: 0,
        timeoutRate: 0,
        latency: percentiles(newHistogram()),
      };
      groups.set(c.info.group, g);
      groupHist.set(c.info.group, newHistogram());
    }
    g.leaves++;
    addCounts(g, bc);
    addNotSent(g.notSent, ns);
    g.secondaryCut += c.secondaryCut;
    g.wins += c.wins;
    groupHist.get(c.info.group)!.add(c.latency);
  }
  for (const [name, g] of groups) {
    g.timeoutRate = ratio(g.timedOut, g.sent);
    g.latency = percentiles(groupHist.get(name)!);
  }
  const total = m.auctions;
  return {
    scenario: input.scenario,
    seed: input.seed,
    mode: input.mode,
    startedAt: input.startedAt.toISOString(),
    durationSec: round(input.durationSec),
    partial: input.partial,
    config: input.config,
    auctions: {
      total,
      filled: m.filled,
      unfilled: total - m.filled,
      skipped: m.skippedAuctions,
      perSec: input.durationSec > 0 ? round(total / input.durationSec, 1) : 0,
      // The overshoot histogram holds exactly the counted auctions closed by their deadline.
      toDeadline: m.overshoot.totalCount,
      meanMs: total === 0 ? 0 : round(m.auctionLatency.mean / 1000),
    },
    bids,
    notSent,
    latency: {
      auction: percentiles(m.auctionLatency),
      overshoot: percentiles(m.overshoot),
      eventLoopDelay: input.eventLoopDelay,
    },
    bidders: Object.fromEntries(bidders),
    groups: Object.fromEntries(groups),
    rates: {
      fill: ratio(m.filled, total),
      timeout: ratio(bids.timedOut, bids.sent),
      noBid: ratio(bids.noBid, bids.sent),
      invalid: ratio(bids.invalid, bids.sent),
      lost: ratio(bids.lost, bids.sent),
      toDeadline: ratio(m.overshoot.totalCount, total),
    },
    revenue: {
      total: round(m.clearingSum / 1000, 6),
      avgClearingPrice: m.impressionsSold === 0 ? 0 : round(m.clearingSum / m.impressionsSold, 6),
      perThousand: total === 0 ? 0 : round((m.clearingSum / 1000 / total) * 1000, 6),
      impressionsSold: m.impressionsSold,
    },
    thresholds: [],
  };
}

/**
 * The identities every run must satisfy; an empty list when they hold. `leaves` is the number of
 * leaves called per auction.
 */
export function accountingErrors(s: Summary, leaves: number): string[] {
  const errors: string[] = [];
  const check = (what: string, b: BidCounts): void => {
    const sum = b.onTime + b.noBid + b.invalid + b.timedOut + b.lost;
    if (b.sent !== sum) errors.push(`${what}: sent ${b.sent} != onTime+noBid+invalid+timedOut+lost ${sum}`);
    if (b.late > b.timedOut) errors.push(`${what}: late ${b.late} > timedOut ${b.timedOut}`);
  };
  check('bids', s.bids);
  for (const [name, b] of Object.entries(s.bidders)) check(`bidders.${name}`, b);
  const notSent = (n: NotSentCounts | undefined): number => (n === undefined ? 0 : n.skipped + n.throttled + n.capped);
  if (s.notSent === undefined) {
    // A summary from before not-sent counts: only whole auctions were skipped.
    const expected = (s.auctions.total - s.auctions.skipped) * leaves;
    if (s.bids.sent !== expected) {
      errors.push(
        `bids.sent ${s.bids.sent} != (auctions ${s.auctions.total} - skipped ${s.auctions.skipped}) x leaves ${leaves} = ${expected}`,
      );
    }
  } else {
    const expected = s.auctions.total * leaves;
    const total = s.bids.sent + notSent(s.notSent);
    if (total !== expected)
      errors.push(
        `bids.sent ${s.bids.sent} + notSent ${notSent(s.notSent)} != auctions ${s.auctions.total} x leaves ${leaves} = ${expected}`,
      );
    for (const [name, b] of Object.entries(s.bidders)) {
      const own = b.sent + notSent(b.notSent);
      if (own !== s.auctions.total)
        errors.push(`bidders.${name}: sent ${b.sent} + notSent ${notSent(b.notSent)} != auctions ${s.auctions.total}`);
    }
  }
  if (s.auctions.filled + s.auctions.unfilled !== s.auctions.total) errors.push('auctions: filled + unfilled != total');
  if (s.latency.auction.count !== s.auctions.total)
    errors.push(`latency.auction.count ${s.latency.auction.count} != auctions.total ${s.auctions.total}`);
  return errors;
}
