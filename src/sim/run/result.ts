// What a run (live or virtual) hands to the reports and the threshold gate.

import type { LeafHostStats } from '../../bidders/host.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Scenario } from '../scenario/schema.js';
import type { Summary } from '../metrics/summary.js';

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
}
