// The seam between the exchange and the fan-out policies real exchanges run (adaptive timeouts,
// throttling, QPS caps): the exchange asks a policy whether to call a leaf and by when it must answer,
// and tells it every settled outcome. Policies are pure logic on the exchange's clock, so the same
// code runs live and in virtual time. With no policy (null) the exchange's per-message path is as
// before: a run with every policy off must not get slower (npm run bench).

import type { OutcomeCode } from '../outcome.js';

/**
 * Why a leaf was not sent a request. `skipped`: the time it would be told fell below its group's
 * `minBidderMs`; `throttled`: its health score (recent timeouts and errors) held it back; `capped`:
 * its group's QPS cap (a token bucket) had no token. Not-sent requests are counted per leaf beside
 * the sent ones: sent + not sent = auctions × leaves.
 */
export type NotSentReason = 'skipped' | 'throttled' | 'capped';

export interface FanoutPolicy {
  /**
   * Before an auction calls `leaf` at `nowMs`: null to send it, or why not. Called once per leaf per
   * auction that is not skipped, in leaf order; a policy that says "send" may count the request as
   * spent (a token taken).
   */
  admit(leaf: number, nowMs: number): NotSentReason | null;
  /**
   * The deadline enforced on `leaf`, in ms after acceptance, given its group's static one
   * (`staticMs`, at most the auction's tmax). Returns a value in (0, staticMs].
   */
  deadlineMs(leaf: number, staticMs: number, nowMs: number): number;
  /**
   * Every settled outcome of a request that was sent: ON_TIME, NO_BID, INVALID, TIMED_OUT or LOST,
   * with the response time (NaN when there was none) at `nowMs`.
   */
  observe(leaf: number, outcome: OutcomeCode, responseMs: number, nowMs: number): void;
}
