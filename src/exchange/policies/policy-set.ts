// The fan-out policies a scenario switches on, behind the one FanoutPolicy seam: throttling first (a
// held-back request takes no token), then the QPS cap, and the adaptive deadline. Each part is null
// when off, so a run with only a cap pays nothing for the others.

import type { OutcomeCode } from '../outcome.js';
import { AdaptiveDeadlines, type AdaptiveOptions } from './adaptive.js';
import type { FanoutPolicy, NotSentReason } from './policy.js';
import { QpsCap } from './qps-cap.js';
import { Throttle, type Draw, type ThrottleOptions } from './throttle.js';

export interface PolicySetOptions {
  leaves: number;
  /** The auction's tmax, ms: the most any leaf is waited for. */
  tmaxMs: number;
  adaptive: AdaptiveOptions | null;
  throttle: ThrottleOptions | null;
  /** Per leaf, its group's QPS cap or null; null (or all null) for no caps. */
  qps: readonly (number | null)[] | null;
  /** The throttle's draws: a seeded stream, so virtual runs reproduce. */
  draw: Draw;
}

export class PolicySet implements FanoutPolicy {
  readonly adaptive: AdaptiveDeadlines | null;
  readonly throttle: Throttle | null;
  readonly cap: QpsCap | null;

  constructor(o: PolicySetOptions) {
    this.adaptive = o.adaptive === null ? null : new AdaptiveDeadlines(o.leaves, o.tmaxMs, o.adaptive);
    this.throttle = o.throttle === null ? null : new Throttle(o.leaves, o.throttle, o.draw);
    this.cap = o.qps === null || o.qps.every((q) => q === null) ? null : new QpsCap(o.qps);
  }

  /** Whether any policy is on: with none, the exchange is better given no policy at all. */
  get active(): boolean {
    return this.adaptive !== null || this.throttle !== null || this.cap !== null;
  }

  admit(leaf: number, nowMs: number): NotSentReason | null {
    if (this.throttle !== null && !this.throttle.admit(leaf, nowMs)) return 'throttled';
    if (this.cap !== null && !this.cap.take(leaf, nowMs)) return 'capped';
    return null;
  }

  deadlineMs(leaf: number, staticMs: number, nowMs: number): number {
    return this.adaptive === null ? staticMs : this.adaptive.deadlineMs(leaf, staticMs, nowMs);
  }

  observe(leaf: number, outcome: OutcomeCode, responseMs: number, nowMs: number): void {
    if (this.adaptive !== null) this.adaptive.observe(leaf, outcome, responseMs, nowMs);
    if (this.throttle !== null) this.throttle.observe(leaf, outcome, nowMs);
  }
}
