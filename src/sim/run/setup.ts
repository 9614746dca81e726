// What the live and the virtual runner set up alike from a scenario: the exchange's options, the
// named random streams, the leaves as metrics name them, and the config echoed in summary.json.

import seedrandom from 'seedrandom';
import { runsStripe, simulatesWholeRun } from '../scenario/segment-state.js';
import type { LeafConfig, Rng } from '../../bidders/config.js';
import { latencyQuantile } from '../../bidders/latency-models.js';
import type { ExchangeOptions } from '../../exchange/exchange.js';
import type { LeafTerms } from '../../exchange/leaf-plan.js';
import type { LeafInfo } from '../metrics/metrics.js';
import type { Leaf } from '../scenario/bidder-groups.js';
import { isExternal, type Scenario } from '../scenario/schema.js';
import { PolicySet } from '../../exchange/policies/policy-set.js';
import type { FanoutPolicy } from '../../exchange/policies/policy.js';
import type { LeafHostStats } from '../../bidders/host.js';
import type { InvariantChecker } from '../metrics/invariants.js';
import type { Metrics } from '../metrics/metrics.js';
import type { MeasuredWindow, RunResult } from './result.js';
import { percentiles } from '../metrics/summary.js';
import type { Histogram } from '../../lib/histogram.js';
import { buildSummary, type Summary } from '../metrics/summary.js';
import type { HarnessSummary } from '../metrics/harness-types.js';
import { arrivalSchedule, WHOLE_RUN, type ArrivalSchedule, type Segment } from './arrivals.js';
import { meanRate } from '../scenario/load-rates.js';
import { readTrace } from '../scenario/trace-file.js';

export function exchangeOptions(s: Scenario): Partial<ExchangeOptions> {
  const a = s.auction;
  return {
    type: a.type,
    tmaxMs: a.tmaxMs,
    allowanceMs: a.allowanceMs,
    minBidderMs: a.minBidderMs,
    increment: a.increment,
    maxPrice: a.maxPrice,
    leaves: leafTerms(s),
  };
}

/**
 * Each leaf's deadline terms, in leaf order (as expandLeaves makes them), with the auction's where
 * its group sets none; null when no group sets any, so the exchange keeps its one-deadline path.
 */
export function leafTerms(s: Scenario): LeafTerms[] | null {
  const a = s.auction;
  const own = s.bidders.some(
    (g) =>
      g.deadlineMs !== undefined ||
      g.toldDeductionMs !== undefined ||
      g.toldShare !== undefined ||
      g.minBidderMs !== undefined ||
      g.secondary !== undefined,
  );
  if (!own) return null;
  const terms: LeafTerms[] = [];
  for (const g of s.bidders) {
    const t: LeafTerms = {
      deadlineMs: g.deadlineMs ?? a.tmaxMs,
      toldDeductionMs: g.toldDeductionMs ?? 0,
      toldShare: g.toldShare ?? 1,
      minBidderMs: g.minBidderMs ?? a.minBidderMs,
      secondary: g.secondary ?? false,
    };
    const count = isExternal(g) ? 1 : g.count;
    for (let k = 0; k < count; k++) terms.push({ ...t });
  }
  return terms;
}

/**
 * The seed of the streams `segment` draws for its own share: its leaves' (their decisions, the
 * network, the backoff) and its throttle's. A segment that runs only its stripe gets streams of its
 * own: with the run's seed, each segment would replay the same draws for its own requests, and the N
 * segments would hold N copies of one sample, not one sample N times as large. The arrivals and the
 * requests stay the whole run's in every segment; a whole run, or a segment that simulates it, keeps
 * the run's seed.
 */
export function segmentSeed(s: Scenario, segment: Segment): number | string {
  return runsStripe(s, segment.count) ? `${s.seed}/segment-${segment.index}-of-${segment.count}` : s.seed;
}

/**
 * Every random stream of a run but the leaves' own (src/bidders/decision.ts leafRng), each seeded from
 * the scenario seed and its own name, so that no stream's draws depend on another's. Alea, as the
 * leaves use: cheap per draw, which counts at a million responses per second in virtual time.
 */
export const streams = {
  arrivals: (seed: number): Rng => seedrandom.alea(`${seed}/arrivals`),
  requests: (seed: number): Rng => seedrandom.alea(`${seed}/requests`),
  network: (seed: number | string, leaf: string): Rng => seedrandom.alea(`${seed}/network/${leaf}`),
  backoff: (seed: number | string, leaf: string): Rng => seedrandom.alea(`${seed}/backoff/${leaf}`),
  /** Which requests the throttle holds back (src/exchange/policies/throttle.ts). */
  throttle: (seed: number | string): Rng => seedrandom.alea(`${seed}/throttle`),
};

/**
 * The fan-out policies the scenario switches on (adaptive timeouts, throttling, QPS caps), or null
 * when it switches on none: the exchange then runs its per-message path as without policies. A
 * segment that runs only its stripe (a live one: a virtual segment with policies simulates the whole
 * run) caps each leaf at 1/N of its `qps`, so that the N segments together send it what one exchange
 * would, and draws its throttle's holds from a stream of its own (segmentSeed).
 */
export function fanoutPolicy(s: Scenario, segment: Segment = WHOLE_RUN): PolicySet | null {
  const qpsShare = runsStripe(s, segment.count) ? 1 / segment.count : 1;
  const qps = s.bidders.flatMap((g) =>
    Array.from({ length: isExternal(g) ? 1 : g.count }, () => (g.qps === undefined ? null : g.qps * qpsShare)),
  );
  const a = s.auction;
  // Below this a leaf would be told less than its minBidderMs and skipped, and never heard again:
  // it is told floor((deadline - allowance) x share - deduction), hence the 1 ms over.
  const terms = leafTerms(s);
  const floorMs = qps.map((_, leaf) => {
    const t = terms?.[leaf];
    return t === undefined
      ? a.minBidderMs + a.allowanceMs + 1
      : (t.minBidderMs + t.toldDeductionMs) / t.toldShare + a.allowanceMs + 1;
  });
  const policy = new PolicySet({
    leaves: qps.length,
    tmaxMs: s.auction.tmaxMs,
    adaptive: a.adaptive === undefined ? null : { ...a.adaptive, floorMs },
    throttle: s.auction.throttle ?? null,
    qps,
    draw: streams.throttle(segmentSeed(s, segment)),
  });
  return policy.active ? policy : null;
}

/**
 * The run's fan-out policy for the exchange (fanoutPolicy, for `segment`), with `m` reading each
 * leaf's adaptive deadline as each second begins when adaptive timeouts are on.
 */
export function runPolicy(s: Scenario, m: Metrics, segment: Segment = WHOLE_RUN): FanoutPolicy | null {
  const policy = fanoutPolicy(s, segment);
  const adaptive = policy?.adaptive ?? null;
  if (adaptive !== null) m.trackDeadlines((leaf) => adaptive.current(leaf));
  return policy;
}

export function leafInfos(leaves: readonly Leaf[]): LeafInfo[] {
  return leaves.map((l) =>
    l.kind === 'local' ? { name: l.config.name, group: l.config.group } : { name: l.name, group: l.group },
  );
}

/** Seconds of arrivals the scenario plans, warm-up included. */
export function plannedSec(s: Scenario): number {
  return s.load.durationSec ?? (s.load.auctions ?? 0) / meanRate(s.load);
}

/**
 * The run's arrivals, one generator for both runners, on the scenario's own arrivals stream; a trace
 * is read from its file here (checked when the scenario was loaded, so a failure now is a file that
 * changed since, and throws).
 */
export function scheduleArrivals(s: Scenario): ArrivalSchedule {
  let offsets: Float64Array | undefined;
  if (s.load.arrival === 'trace' && s.load.trace !== null && s.load.trace !== undefined) {
    const read = readTrace(s.load.trace);
    if (!read.ok) throw new Error(`${read.issue.path}: ${read.issue.message}`);
    offsets = read.offsets;
  }
  return arrivalSchedule(s.load, streams.arrivals(s.seed), offsets);
}

function summaryConfig(s: Scenario, leaves: number): Summary['config'] {
  return {
    rate: meanRate(s.load),
    arrival: s.load.arrival,
    tmaxMs: s.auction.tmaxMs,
    allowanceMs: s.auction.allowanceMs,
    type: s.auction.type,
    floor: s.auction.floor,
    impressions: s.auction.impressions,
    leaves,
    warmupSec: s.load.warmupSec,
  };
}

/** How long to wait after the last close for late answers: the slowest leaf's p99.9 past the deadline. */
export function lateGraceMs(s: Scenario, locals: LeafConfig[]): number {
  let slowest = 0;
  for (const c of locals) slowest = Math.max(slowest, latencyQuantile(c.latency, 0.999));
  return Math.min(2000, Math.max(50, slowest - s.auction.tmaxMs + 20));
}

export interface RunEnd {
  scenario: Scenario;
  mode: Scenario['mode'];
  startedAt: Date;
  /** Clock times of the warm-up's end and of the last arrival: the measured span between them. */
  warmupEndMs: number;
  lastArrivalMs: number;
  /**
   * Where the links' downtime stops counting (Metrics.end): the run's last arrival, which a virtual
   * segment that simulates the whole run (and hears its links) may reach past its own stripe's.
   * Absent: `lastArrivalMs`.
   */
  linksUntilMs?: number;
  leaves: number;
  metrics: Metrics;
  checker: InvariantChecker;
  /** The exchange's event-loop delay (µs), empty in virtual time. */
  eventLoopDelay: Histogram;
  segment: Segment;
  /** Added to the clock's times to place them on the run's timeline (performance.timeOrigin live, 0 virtual). */
  timelineOffsetMs: number;
  hostStats: LeafHostStats[];
  /** Whether the run measured the bidders or the machine (metrics/harness.ts). */
  harness: HarnessSummary;
  stoppedBy: RunResult['stoppedBy'];
  message: string | null;
}

/** The summary and the final invariant checks, alike for both runners. */
export function finishRun(e: RunEnd): RunResult {
  const s = e.scenario;
  e.metrics.end(e.linksUntilMs ?? e.lastArrivalMs);
  const summary = buildSummary(e.metrics, {
    scenario: s.name,
    seed: s.seed,
    mode: e.mode,
    startedAt: e.startedAt,
    durationSec: Math.max(0, (e.lastArrivalMs - e.warmupEndMs) / 1000),
    partial: e.stoppedBy !== null,
    config: summaryConfig(s, e.leaves),
    eventLoopDelay: percentiles(e.eventLoopDelay),
  });
  if (e.segment.count > 1)
    summary.segment = {
      ...e.segment,
      simulated: e.mode === 'virtual' && simulatesWholeRun(s) ? 'whole-run' : 'stripe',
    };
  summary.harness = e.harness;
  const invariantViolations = e.checker.finish(summary);
  return {
    scenario: s,
    summary,
    metrics: e.metrics,
    hostStats: e.hostStats,
    stoppedBy: e.stoppedBy,
    message: e.message,
    invariantViolations,
    segment: e.segment,
    window: {
      timeline: e.mode === 'live' ? 'epoch' : 'virtual',
      fromMs: e.timelineOffsetMs + e.warmupEndMs,
      toMs: e.timelineOffsetMs + e.lastArrivalMs,
    } satisfies MeasuredWindow,
    eventLoopDelay: e.eventLoopDelay,
  };
}
