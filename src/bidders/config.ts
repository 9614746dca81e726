// What a bidder leaf is configured with: latency model, bid behaviour, faults. Plain data, already
// validated (the scenario loader in src/sim validates with path-naming errors, using the
// validators next to each model). Times are in milliseconds.

import type { CapacitySpec } from './capacity.js';
import type { HostileSpec } from './hostile.js';

export type LatencySpec =
  | { model: 'constant'; ms: number }
  | { model: 'uniform'; minMs: number; maxMs: number }
  | { model: 'normal'; meanMs: number; sdMs: number }
  | { model: 'lognormal'; medianMs: number; p99Ms: number }
  | { model: 'exponential'; meanMs: number }
  | { model: 'pareto'; minMs: number; alpha: number }
  | EmpiricalSpec
  | TableSpec
  | { model: 'mixture'; of: Array<LatencySpec & { weight: number }> };

/**
 * Percentiles as measured: `p` and the percentile's digits without the point (`p50`, `p75`, `p999` for
 * 99.9%, `p9999` for 99.99%; one digit is a whole percentile, `p5` = 5%), so no key has a dot.
 */
export type EmpiricalSpec = { model: 'empirical' } & { [percentile: `p${number}`]: number };

/**
 * A quantile function as a table: `ms[i]` at level `q[i]`, linear between. `q` rises strictly from 0 to
 * 1 and `ms` never falls. What a latency file (`hgrm`, `samples`) becomes once read; `from` names it.
 */
export interface TableSpec {
  model: 'table';
  q: number[];
  ms: number[];
  from?: string;
}

/** Units a latency file's values may be in (`ms` unless the spec says). */
export type TimeUnit = 'ns' | 'us' | 'ms' | 's';

/**
 * A latency model read from a file: HdrHistogram's percentile distribution text, or samples one a line
 * (or a named CSV column). Validation reads the file once and puts a `table` in its place.
 */
export type LatencyFileSpec =
  | { model: 'hgrm'; file: string; unit?: TimeUnit }
  | { model: 'samples'; file: string; column?: string; unit?: TimeUnit };

export type PriceSpec =
  | { model: 'constant'; value: number }
  | { model: 'uniform'; min: number; max: number }
  | { model: 'lognormal'; median: number; p99: number };

export interface BidSpec {
  /** Probability of bidding on a request (otherwise an explicit no-bid). */
  rate: number;
  /** CPM price distribution of the bidder's value for an impression. */
  price: PriceSpec;
  /** Multiplier applied to the drawn value (1 = bid the full value). */
  shade: number;
  /**
   * Read the request's `tmax`: a request whose queue wait plus service time would pass it is answered
   * at once with a no-bid (reason 15, insufficient auction time) instead of late. Absent: false.
   */
  respectTmax?: boolean;
}

export interface FaultSpec {
  /** Share of requests never answered. */
  timeout: number;
  /** Share of requests answered with malformed JSON. */
  malformed: number;
  /** Share of requests on which the leaf drops its connection instead of answering. */
  disconnect: number;
}

export interface LeafConfig {
  /** Unique leaf name, also its path on the bidder host: ws://host:port/<name>. */
  name: string;
  /** The scenario bidder group the leaf belongs to. */
  group: string;
  latency: LatencySpec;
  bid: BidSpec;
  faults: FaultSpec;
  /** Finite capacity (capacity.ts); absent or null: every request is served at once. */
  capacity?: CapacitySpec | null;
  /** When set, the leaf misbehaves this way instead of deciding bids (hostile.ts). */
  hostile?: HostileSpec;
}

/** A uniform random stream on [0, 1). */
export type Rng = () => number;
