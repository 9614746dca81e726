// What a run (live or virtual) hands to the reports and the threshold gate.

import type { LeafHostStats } from '../../bidders/host.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Scenario } from '../scenario/schema.js';
import type { Summary } from '../metrics/summary.js';
import type { Histogram } from '../../lib/histogram.js';
import type { Segment } from './arrivals.js';

export interface Progress {
  elapsedSec: number;
  totalSec: number;
  /** Auctions closed so far, warm-up included. */
  closed: number;
  inFlight: number;
  /** Post-warm-up figures so far. */
  auctionP99Ms: number;
  timedOut: number;
}

export interface RunResult {
  scenario: Scenario;
  summary: Summary;
  /** The histograms and per-second buckets behind the summary. */
  metrics: Metrics;
  /** Stats each bidder host kept, with its delay histograms (empty for an external host). */
  hostStats: LeafHostStats[];
  /** Why the run stopped early, if it did. */
  stoppedBy: 'signal' | 'host-died' | null;
  message: string | null;
  /** What the invariant checker (invariants.ts) found broken; the run fails when any is. */
  invariantViolations: string[];
  /** The share of the arrivals this run ran (WHOLE_RUN unless `--segment`). */
  segment: Segment;
  /** The measured stretch, warm-up end to last arrival, on the run's timeline (see MeasuredWindow). */
  window: MeasuredWindow;
  /** The exchange's event-loop delay in µs, net of the monitor's interval (empty in virtual time). */
  eventLoopDelay: Histogram;
}

/**
 * Where a run's measured stretch lies: on the wall clock (`epoch`, ms since 1970) for a live run, so
 * segments run by different processes line up; on virtual time (`virtual`, ms from the run's start),
 * which every segment of a virtual run shares.
 */
export interface MeasuredWindow {
  timeline: 'epoch' | 'virtual';
  fromMs: number;
  toMs: number;
}
