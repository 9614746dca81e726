// What a segment of a run (`--segment I/N`) cannot leave to the others: state that one auction's
// traffic leaves for the next. A leaf's capacity queue, a WebSocket leaf's dropped connection (down
// for its backoff), and the fan-out policies (the throttle's health, the adaptive deadlines, the QPS
// buckets) all decide from the traffic before. A segment that ran only its stripe of the arrivals
// would give them 1/N of it, so a virtual segment of such a scenario simulates every arrival and
// records only its stripe: its merge is the whole run exactly, each segment costing the whole run's
// simulation. Live segments share the bidder hosts' real queues and run their policies on their own
// stripe, each segment capping a leaf at qps / N (setup.ts fanoutPolicy). Pure.

import { isExternal, transportOf, type Scenario } from './schema.js';

/**
 * The first field that carries state from one auction to the next (a path into the scenario), or
 * null when every auction is independent of the others and a stripe of the arrivals is a fair share.
 */
export function sharedStateField(s: Scenario): string | null {
  if (s.auction.adaptive !== undefined) return 'auction.adaptive';
  if (s.auction.throttle !== undefined && s.auction.throttle !== null) return 'auction.throttle';
  for (const [i, g] of s.bidders.entries()) {
    if (g.qps !== undefined) return `bidders[${i}].qps`;
    if (isExternal(g)) continue;
    if (g.capacity !== undefined && g.capacity !== null) return `bidders[${i}].capacity`;
    // Over HTTP a disconnect fails its one request; over WebSocket the leaf is down for its backoff.
    if (g.faults.disconnect > 0 && transportOf(g) === 'ws') return `bidders[${i}].faults.disconnect`;
  }
  return null;
}

/**
 * Whether a segment of `s` simulates every arrival and records its stripe (virtual mode with state
 * shared across auctions) rather than running its stripe alone.
 */
export function simulatesWholeRun(s: Scenario): boolean {
  return s.mode === 'virtual' && sharedStateField(s) !== null;
}

/**
 * Whether one of `count` segments of `s` runs its stripe alone: a share of the arrivals, its own
 * draws (setup.ts segmentSeed) and 1/count of each QPS cap; false for a whole run, or a segment that
 * simulates the whole run.
 */
export function runsStripe(s: Scenario, count: number): boolean {
  return count > 1 && !simulatesWholeRun(s);
}

/**
 * The share of the whole run's work one of `count` segments does: 1 / count, or all of it when it
 * simulates the whole run. The limits per process (limits.ts) are checked against this share.
 */
export function segmentWorkShare(s: Scenario, count: number): number {
  return runsStripe(s, count) ? 1 / count : 1;
}

/**
 * What one of `count` segments of `s` should tell its user, or null: a virtual segment that simulates
 * the whole run costs the whole run; a live segment that starts a bidder host of its own (no hosts
 * already running: `sharedHosts` false, a capacity group without `hosts`) gives that host's queues
 * only its share of the requests.
 */
export function segmentNote(s: Scenario, count: number, sharedHosts: boolean): string | null {
  if (count <= 1) return null;
  const field = sharedStateField(s);
  if (s.mode === 'virtual')
    return field === null
      ? null
      : `note: ${field} carries state from one auction to the next, so each virtual segment simulates ` +
          `the whole run and records its 1/${count}: exact when merged, but each takes as long as the ` +
          `whole run (split a sweep with --shard to share out virtual work)`;
  if (sharedHosts) return null;
  const i = s.bidders.findIndex((g) => !isExternal(g) && g.hosts === undefined && g.capacity != null);
  if (i < 0) return null;
  return (
    `note: bidders[${i}].capacity: this segment starts a bidder host of its own, whose queues see only ` +
    `its 1/${count} of the requests; to share the leaves' queues, run the segments against one set of ` +
    `hosts (--bidders URL, a group's hosts, or --processes)`
  );
}
