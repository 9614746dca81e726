// The scenario's shape and every default, written once. Validation (validate.ts) fills
// what a file leaves out from DEFAULTS, so a three-line scenario is a full one.

import type { CapacitySpec } from '../../bidders/capacity.js';
import type { BidSpec, FaultSpec, LatencySpec } from '../../bidders/config.js';
import type { HostileSpec } from '../../bidders/hostile.js';

/**
 * A two-state Markov-modulated Poisson process: Poisson arrivals at `highRate` or `lowRate` auctions
 * per second, the state held for an exponential time of mean `highMeanSec` or `lowMeanSec`.
 */
export interface BurstySpec {
  highRate: number;
  lowRate: number;
  highMeanSec: number;
  lowMeanSec: number;
}

export interface LoadSpec {
  arrival: 'poisson' | 'constant' | 'bursty' | 'trace';
  /** Auctions per second, scheduled open loop (bursty and trace arrivals set their own). */
  rate: number;
  /** Run length in seconds, warmup included. Exactly one of durationSec and auctions is non-null. */
  durationSec: number | null;
  /** Number of arrivals to schedule, warmup ones included. */
  auctions: number | null;
  /** Seconds at the start that run but are left out of the statistics. */
  warmupSec: number;
  /** The bursty process's states; read only when `arrival` is bursty (null: none given). */
  bursty?: BurstySpec | null;
  /** Rate multipliers applied over equal slices of durationSec, a compressed day (null: flat). */
  profile?: number[] | null;
  /** Arrival offsets to replay, one a line in ms (arrival trace); an absolute path once validated. */
  trace?: string | null;
}

export interface AuctionSpec {
  type: 'first-price' | 'second-price';
  /** The exchange's deadline, from acceptance to close. */
  tmaxMs: number;
  /** Taken off the tmax sent to bidders, for the network and the auction itself. */
  allowanceMs: number;
  /** A bidder that would be sent less time than this is skipped (no-bid reason 15). */
  minBidderMs: number;
  /** Per-impression floor, CPM in USD. */
  floor: number;
  /** Impressions per request, each with its own winner. */
  impressions: number;
  /** Added to the second-price clearing price (never above the winner's bid). */
  increment: number;
  /** Bids above this are invalid: a guard against runaway prices, not a market rule. */
  maxPrice: number;
  /** The largest frame the exchange reads from a bidder; a larger one is refused and the link dropped. */
  maxPayloadBytes: number;
  /** Each leaf's deadline follows its recent response times (absent: off). */
  adaptive?: AdaptiveSpec;
  /** Leaves that time out or err too often are sent a share of the requests (absent: off). */
  throttle?: ThrottleSpec;
}

/** Adaptive timeouts (src/exchange/policies/adaptive.ts); what a given one leaves out is DEFAULTS.adaptive. */
export interface AdaptiveSpec {
  /** The response-time quantile each leaf's deadline follows, in (0, 1). */
  quantile: number;
  /** Added to the quantile, ms. */
  marginMs: number;
  /** The window the quantile is taken over, seconds. */
  windowSec: number;
  /** The lowest deadline it sets, ms. */
  minMs: number;
}

/** Throttling by health (src/exchange/policies/throttle.ts); defaults in DEFAULTS.throttle. */
export interface ThrottleSpec {
  /** The timed-out, invalid or lost share of a leaf's requests above which it is sent fewer, in [0, 1). */
  maxTimeoutRate: number;
  /** The window the rate is taken over, seconds. */
  windowSec: number;
  /** The least share of requests a throttled leaf is sent, in (0, 1]. */
  minShare: number;
}

/**
 * How long a group's leaves are waited for and what they are told, apart from the auction's (issue
 * 16). Each is optional: absent, the auction's own applies, and the group is called as before.
 */
export interface GroupDeadlines {
  /** The deadline enforced on the group, in ms after acceptance; at most `auction.tmaxMs`. */
  deadlineMs?: number;
  /** Taken off the time the group is told (its tmax), not off the time it is waited for. */
  toldDeductionMs?: number;
  /** The share of its time the group is told, in (0, 1], as PBS-Java's biddertmax.percent. */
  toldShare?: number;
  /** The group's leaves are not called when they would be told less than this (the auction's by default). */
  minBidderMs?: number;
  /** The auction does not wait for a secondary group once every primary one has answered or timed out. */
  secondary?: boolean;
}

/** Simulated bidders: `count` leaves named `name-1` … `name-count`, all with this profile. */
export interface LocalGroup extends GroupDeadlines {
  name: string;
  count: number;
  latency: LatencySpec;
  bid: BidSpec;
  faults: FaultSpec;
  /**
   * Each leaf serves at most `concurrency` requests at once and lets `queue` more wait (first come,
   * first served); absent or null, unlimited (src/bidders/capacity.ts).
   */
  capacity?: CapacitySpec | null;
  /** Leaves that misbehave this way instead of bidding (live mode only; see src/bidders/hostile.ts). */
  hostile?: HostileSpec;
  /** The token the bidder host requires on the upgrade, and the exchange sends (one for all local groups). */
  token?: string;
  /** Each leaf's cap in requests per second (a token bucket); absent: no cap. */
  qps?: number;
  /** How the exchange calls the group's leaves on the bidder host (absent: WebSocket). */
  transport?: Transport;
  /** HTTP only: gzip the requests and accept gzipped answers. */
  gzip?: boolean;
  /** HTTP only, virtual mode: milliseconds each request costs beyond the network (a new request's overhead). */
  requestCostMs?: number;
  /**
   * Live mode: bidder hosts already running (`npm run bidders`, each serving the scenario) that serve
   * this group's leaves, dealt out over them in turn, instead of the host a run starts. Virtual mode
   * ignores it. See BidderHosts.
   */
  hosts?: BidderHosts;
}

/**
 * Where a group's bidder hosts are: a list of `ws://host:port` (or `wss://`) addresses, or a
 * Kubernetes headless Service's pods, `ws://<statefulSet>-<i>.<dns>:<port>` for i from 0 to count − 1
 * (a StatefulSet's pods' stable names; `statefulSet` defaults to the first label of `dns`).
 */
export type BidderHosts = string[] | { dns: string; count: number; port: number; statefulSet?: string };

/** How a link carries OpenRTB: WebSocket text frames, or HTTP/1.1 POSTs over keep-alive connections. */
export type Transport = 'ws' | 'http';

/** A bidder somewhere else that the exchange dials; one leaf named like the group. */
export interface ExternalGroup extends GroupDeadlines {
  name: string;
  url: string;
  /** Sent as `Authorization: Bearer <token>` when dialling (WebSocket) or on every request (HTTP). */
  token?: string;
  /** The leaf's cap in requests per second (a token bucket); absent: no cap. */
  qps?: number;
  /** http(s):// URLs only: gzip the requests and accept gzipped answers. */
  gzip?: boolean;
}

export type BidderGroup = LocalGroup | ExternalGroup;

/**
 * What a sweep's recommendation maximises: revenue per thousand auctions less the cost of the calls
 * and of the waiting per thousand auctions, and how far short of the best a smaller cell may fall
 * (see src/sim/sweep/objective.ts).
 */
export interface ObjectiveSpec {
  /** A cell within this share of the best cell's value counts as good enough (the knee). */
  tolerance: number;
  /** Currency per bid request sent to a bidder. */
  costPerBidderCall: number;
  /** Currency per millisecond an auction stays open (arrival → close), per auction. */
  costPerMsWaited: number;
}

export interface Scenario {
  /** Names the report folder, so it is a safe path component. */
  name: string;
  seed: number;
  mode: 'live' | 'virtual';
  load: LoadSpec;
  auction: AuctionSpec;
  bidders: BidderGroup[];
  /** Dotted path into summary.json → comparison such as "<120". */
  thresholds: Record<string, string>;
  /** Dotted path into this scenario → values; the sweep runs every combination. */
  sweep: Record<string, unknown[]> | null;
  /** Seeds each sweep cell runs (absent: DEFAULTS.sweepRepeats by mode). Only sweeps read it. */
  repeats?: number;
  /** The sweep's objective (absent: DEFAULTS.objective). Only sweeps read it. */
  objective?: ObjectiveSpec;
  /** Virtual mode's one-way delay of every link; live mode has a real network. */
  network: LatencySpec;
  /** How the exchange redials a live bidder whose connection dropped. */
  reconnect: ReconnectSpec;
  /** Recorded BidRequests sent instead of generated ones (src/sim/scenario/recorded-requests.ts). */
  requests?: RequestsSpec;
}

/** A JSON Lines file of recorded BidRequests, sent in file order (cycling) or drawn at random (seeded). */
export interface RequestsSpec {
  /** Absolute once validated (relative to the scenario file as written). */
  file: string;
  order: 'sequential' | 'sample';
}

/**
 * Redials back off exponentially from `initialBackoffMs` to at most `maxBackoffMs` (with jitter
 * between half and all of it); a connection that stays up `stableMs` starts the backoff afresh.
 */
export interface ReconnectSpec {
  initialBackoffMs: number;
  maxBackoffMs: number;
  stableMs: number;
}

export function isExternal(group: BidderGroup): group is ExternalGroup {
  return 'url' in group;
}

/** The transport a group's leaves are called over: an external group's follows its URL's scheme. */
export function transportOf(group: BidderGroup): Transport {
  if (isExternal(group)) return /^https?:/i.test(group.url) ? 'http' : 'ws';
  return group.transport ?? 'ws';
}

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}

/** A mutable deep copy of a default, so a scenario never shares objects with DEFAULTS. */
export function fresh<T>(value: DeepReadonly<T>): T {
  return structuredClone(value) as T;
}

/** A bidder group's defaults, shared by DEFAULTS.group and the default bidders. */
const GROUP = {
  count: 1,
  /** Median and p99 are how bidder teams describe their latency. */
  latency: { model: 'lognormal', medianMs: 20, p99Ms: 60 } as LatencySpec,
  bid: { rate: 0.9, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1 } as BidSpec,
  faults: { timeout: 0, malformed: 0, disconnect: 0 } as FaultSpec,
};

/** Every default, frozen: callers copy with fresh() rather than mutate. */
export const DEFAULTS = deepFreeze({
  /** Used when the file gives no name: the file's base name, else this. */
  name: 'scenario',
  /** Every random stream (arrivals, requests, each bidder) derives from it. */
  seed: 1,
  /** Real sockets and timers; 'virtual' is the deterministic discrete-event engine. */
  mode: 'live' as Scenario['mode'],
  load: {
    arrival: 'poisson' as LoadSpec['arrival'],
    /** Modest enough for a laptop, busy enough to show a tail within seconds. */
    rate: 200,
    /** Applied only when neither durationSec nor auctions is given (giving both is an error). */
    durationSec: 5 as number | null,
    auctions: null as number | null,
    /** Lets connections, JIT and timers settle before anything is measured. */
    warmupSec: 1,
    bursty: null as BurstySpec | null,
    profile: null as number[] | null,
    trace: null as string | null,
  },
  auction: {
    type: 'first-price' as AuctionSpec['type'],
    /** A common exchange deadline. */
    tmaxMs: 100,
    allowanceMs: 5,
    /** Less than this left and a bidder could not answer anyway; it gets no-bid reason 15. */
    minBidderMs: 10,
    floor: 0.1,
    impressions: 1,
    increment: 0.01,
    maxPrice: 1000,
    /** Far above any real bid response (a few hundred bytes), far below what could hurt. */
    maxPayloadBytes: 64 * 1024,
  },
  /** What a bidder group leaves out. */
  group: GROUP,
  /**
   * What an `auction.adaptive` leaves out: the 0.95 quantile over 10 s, 5 ms over it (a network
   * allowance's worth), never below 10 ms (the default minBidderMs).
   */
  adaptive: { quantile: 0.95, marginMs: 5, windowSec: 10, minMs: 10 } as AdaptiveSpec,
  /**
   * What an `auction.throttle` leaves out: a tenth of requests timing out or failing is unhealthy
   * (Google's on-time rule asks for 85% in time), judged over 5 s, and at least a tenth still sent,
   * as PBS-Go's throttle lets through (#4415).
   */
  throttle: { maxTimeoutRate: 0.1, windowSec: 5, minShare: 0.1 } as ThrottleSpec,
  /** Used when the file gives no bidders: four identical leaves dsp-1 … dsp-4. */
  bidders: [{ name: 'dsp', ...GROUP, count: 4 }] as BidderGroup[],
  thresholds: {} as Record<string, string>,
  sweep: null as Record<string, unknown[]> | null,
  /**
   * Seeds per sweep cell when neither the file nor --repeats says: 3 in virtual time, where runs are
   * cheap and deterministic; 1 live, where each cell takes its full duration in real time.
   */
  sweepRepeats: { virtual: 3, live: 1 },
  /** The knee within 1% of the best revenue, and no costs: more bidders never earn less. */
  objective: { tolerance: 0.01, costPerBidderCall: 0, costPerMsWaited: 0 } as ObjectiveSpec,
  /** A loopback-like hop; only virtual mode uses it. */
  network: { model: 'constant', ms: 0.2 } as LatencySpec,
  /** The exchange's ws pool's own (src/exchange/ws-pool.ts POOL_DEFAULTS). */
  reconnect: { initialBackoffMs: 50, maxBackoffMs: 5000, stableMs: 1000 } as ReconnectSpec,
});
