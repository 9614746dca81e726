// The harness health in summary.json (`harness`): whether a live run measured the bidders or the
// machine it ran on. The figures come from every process of the run; the verdict and its reasons from
// the limits in harness.ts (documented in docs/summary-json.md). A virtual run is `ok` with the
// reason "virtual time" and no figures.

import type { P } from './summary.js';

export type HarnessVerdict = 'ok' | 'degraded' | 'invalid';

/** One limit, its figure and where the figure stood against it. */
export interface HarnessCheck {
  /** Stable name of the limit, e.g. `overshoot-p99`, `exchange-utilisation`, `gap-p99`. */
  id: string;
  /** The figure in words, e.g. "deadline overshoot p99" or "measured minus applied p99 of group slow". */
  figure: string;
  value: number;
  unit: 'ms' | 'share';
  /** The figure passes this: degraded. */
  degradedAbove: number;
  /** The figure passes this: invalid (null when the figure can only degrade a run). */
  invalidAbove: number | null;
  level: HarnessVerdict;
  /** The group a per-group figure belongs to. */
  group?: string;
}

/** One process of the run: the exchange (this process) or a bidder host child. */
export interface ProcessHealth {
  role: 'exchange' | 'bidder-host';
  pid: number;
  /** Event-loop utilisation over the measured stretch (performance.eventLoopUtilization), 0..1. */
  utilisation: number;
  /**
   * The exchange only: utilisation with the live clock's spin taken out (the share of the loop's
   * time spent on anything but waiting out a deadline's last millisecond).
   */
  utilisationNetOfSpin?: number;
  /** CPU seconds (user + system) over the measured stretch. */
  cpuSec: number;
  /** Wall seconds of the measured stretch. */
  wallSec: number;
}

/** Per group: response time measured by the exchange minus the delay the bidder host applied. */
export interface GroupGap {
  /** Quantile by quantile, in ms; null where the applied quantile lies past the deadline (censored). */
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export interface HarnessSummary {
  verdict: HarnessVerdict;
  /** One plain sentence per limit passed; ["virtual time"] in a virtual run; [] when all held. */
  reasons: string[];
  /** The report figures the passed limits make untrustworthy, in words ("auction latency", ...). */
  polluted: string[];
  /** What to do about it, one line each; [] when the verdict is ok. */
  advice: string[];
  checks: HarnessCheck[];
  processes: ProcessHealth[];
  /** How late the bidder hosts' timers sent delayed answers (applied minus intended), in ms. */
  hostLateness: P | null;
  groups: Record<string, GroupGap>;
}
