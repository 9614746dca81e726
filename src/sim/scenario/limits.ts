// Every upper bound on what a scenario may ask of one process, in one place (docs/scenarios.md,
// "Limits", lists them with these values). Two kinds:
//   - the size of the input itself (file bytes, nesting, counts of groups, thresholds and sweep
//     runs), checked while reading, before any per-entry work, so a huge input costs little to refuse;
//   - the work one process is asked to do (rate, duration, auctions, leaves, requests in flight),
//     checked by processLimitIssues on a scenario that is otherwise valid.
// The second kind is per process on purpose: when a run is split into N segments (each process a
// share of the arrivals, k6's execution segments), the auctions and the requests in flight are
// checked against one segment's share, 1/N of the run's (segment-state.ts; all of it for a virtual
// segment that simulates the whole run), so a run too large for one process stays possible across
// many. The leaves, the queues and the rates stay whole: every segment has every leaf.
// Pure.

import { MAX_LATENCY_MS, MAX_MIXTURE_DEPTH, MAX_TABLE_POINTS } from '../../bidders/latency-validation.js';
import { issue, joinPath, type Issue } from '../../lib/issues.js';
import type { Scenario } from './schema.js';
import { meanRate, peakRate } from './load-rates.js';
import { segmentWorkShare } from './segment-state.js';

export const LIMITS = {
  /** A scenario file: a hundred groups with every field written take about 40 KB. */
  fileBytes: 1024 * 1024,
  /**
   * Objects and arrays nested in any JSON value, the root counted: the deepest a scenario needs is a
   * sweep value holding mixtures (about 4 + 2 per mixture level), so 32 leaves room for the 8 levels
   * mixtures may nest, and keeps every recursive reader of the value (cloning, printing) shallow.
   */
  depth: 32,
  mixtureDepth: MAX_MIXTURE_DEPTH,
  /** `auction.tmaxMs`: ten times the longest deadline exchanges use (about 1 s), and every timer short. */
  tmaxMs: 10_000,
  /** Each millisecond field of a latency model. */
  latencyMs: MAX_LATENCY_MS,
  /**
   * A latency file (`hgrm`, `samples`): 64 MiB and a million lines, ten times what a day of one
   * bidder's latencies sampled one in a thousand makes; read at validation in well under a second.
   */
  measuredFileBytes: 64 * 1024 * 1024,
  measuredLines: 1_000_000,
  /** The points of a `table` latency model: what an .hgrm's rows (or boiled-down samples) become. */
  tablePoints: MAX_TABLE_POINTS,
  /**
   * Recorded requests (`requests.file`): each is held parsed for the whole run (about 2 KB for a
   * 1 KB line), so 100,000 lines of at most 64 KiB in a file of at most 64 MiB bound it to a few
   * hundred MB at the very most; a typical 1 KB request makes 100,000 lines about 200 MB.
   */
  requestsFileBytes: 64 * 1024 * 1024,
  requestsLines: 100_000,
  requestLineBytes: 64 * 1024,
  /** `load.rate`, auctions per second. */
  rate: 100_000,
  /**
   * `load.durationSec`, and the planned length of an `auctions` run (auctions / rate): about 11.6
   * days, so every timer a run sets from it stays below Node's 2^31 ms.
   */
  durationSec: 1_000_000,
  /**
   * Auctions one process runs: `load.auctions`, or rate × durationSec planned; of a run split into N
   * segments, its share (1/N).
   */
  auctions: 100_000_000,
  /**
   * Auctions of a whole run split into segments: every segment draws the whole run's arrivals and
   * requests to keep its stripe (about 2 µs an arrival skipped), so 10^9 is half an hour of drawing
   * in each segment, beside its share of the auctions. `load.auctions` is held to this.
   */
  runAuctions: 1_000_000_000,
  /** Leaves across all groups: each costs about 110 KB (its histograms), so 10,000 is about 1.1 GB. */
  leaves: 10_000,
  /**
   * Requests in flight at once, about rate × tmaxMs / 1000 × leaves: each holds an auction's share of
   * state (about 85 bytes live, more in the virtual event queue), so 2,000,000 is a few hundred MB.
   */
  inFlightRequests: 2_000_000,
  /** Thresholds in a scenario: far more than any gate reads, few enough to check at once. */
  thresholds: 1_000,
  /** Runs of a sweep (cells × repeats): at a run a second, under three hours. */
  sweepRuns: 10_000,
  /**
   * `auction.adaptive.windowSec` and `auction.throttle.windowSec`: an hour. A window is ten slices
   * whatever its length, so the bound is not memory: a policy that remembers an hour reacts to
   * nothing a run can show.
   */
  policyWindowSec: 3600,
  /** A group's `qps`, per leaf: a cap above the most auctions a run may have (LIMITS.rate) never binds. */
  qps: 100_000,
  /** Segments of one run (`--segment I/N`, `--segments N`): as many as a large Indexed Job runs. */
  segments: 10_000,
  /** `--processes` and `--hosts`: child processes one run starts on one machine. */
  processes: 64,
  /** `--start-at`: how far ahead a run may be told to begin, in ms. */
  startAheadMs: 600_000,
  /** Bidder hosts a group names (`hosts`): a list's entries, or a headless Service's `count`. */
  hosts: 1_000,
  /** `load.profile`'s slices: a day in 10-second slices takes 8,640. */
  profileSlices: 10_000,
  /** Each profile multiplier; the peak rate it makes is held to `rate` too. */
  profileMultiplier: 1_000,
  /** `load.trace`'s path. */
  tracePathChars: 4_096,
  /** A trace file: about 13 bytes a line at a few million lines. */
  traceBytes: 64 * 1024 * 1024,
  /** Offsets in a trace file, each kept as a double (8 bytes): 40 MB at most. */
  traceArrivals: 5_000_000,
  /** A group's `capacity.concurrency`: requests one leaf serves at once (8 bytes each). */
  concurrency: 10_000,
  /** A group's `capacity.queue`: requests one leaf lets wait. */
  queue: 100_000,
  /**
   * The queues of every leaf together (count × queue over the groups): a full queue holds each
   * waiting answer live (a few hundred bytes in the bidder host), so 1,000,000 is a few hundred MB.
   */
  queuedRequests: 1_000_000,
} as const;

/** A count as messages print it: 1000000 → 1,000,000. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** The longest run of a scenario in seconds: its duration, or its auctions at its rate. */
function plannedSeconds(s: Scenario): number {
  return s.load.durationSec ?? (s.load.auctions ?? 0) / meanRate(s.load);
}

/** Which of the per-process limits to check, and over how many processes the work is shared. */
export interface ProcessShare {
  /** Segments the run is split into; one process runs one of them. */
  segments?: number;
  /**
   * Bidder hosts the live run's segments share (`--processes K --hosts M`): each holds 1/M of the
   * requests in flight, whatever K. Absent: each segment's host holds its own segment's.
   */
  hosts?: number;
  /**
   * Whether the exchange's limits (auctions, requests in flight) apply: false for what runs none of
   * the auctions (a merge, a bidder host serving the leaves). The leaves and their queues always do.
   */
  exchange?: boolean;
}

/**
 * The work one process would be asked to do, against LIMITS: one issue per limit passed. `s` is a
 * valid scenario (each field within its own bounds); this checks what follows from several fields.
 */
export function processLimitIssues(s: Scenario, o: ProcessShare = {}): Issue[] {
  const segments = o.segments ?? 1;
  const exchange = o.exchange !== false;
  const issues: Issue[] = [];
  const share = segmentWorkShare(s, segments);
  const ofShare = share === 1 ? '' : ` for one segment of ${count(segments)}`;
  const leaves = s.bidders.reduce((n, g) => n + ('url' in g ? 1 : g.count), 0);
  if (leaves > LIMITS.leaves) {
    const message = `must make at most ${count(LIMITS.leaves)} leaves in all, the limit per process (got ${count(leaves)})`;
    issues.push(issue('bidders', 'SCN_ERR_TOO_LARGE', message));
  }
  const { durationSec, auctions } = s.load;
  // A bursty or profiled load: its mean rate plans the run, its peak fills the requests in flight.
  const rate = meanRate(s.load);
  const peak = peakRate(s.load);
  if (peak > LIMITS.rate) {
    const message = `the peak rate (the rate times the largest multiplier) must be at most ${count(LIMITS.rate)} auctions/s, the limit (got ${count(Math.ceil(peak))})`;
    issues.push(issue('load.profile', 'SCN_ERR_TOO_LARGE', message));
  }
  if (durationSec === null && auctions !== null && auctions / rate > LIMITS.durationSec) {
    const message = `auctions / rate must be at most ${count(LIMITS.durationSec)} s, the longest run (got ${count(Math.round(auctions / rate))} s)`;
    issues.push(issue('load.rate', 'SCN_ERR_TOO_LARGE', message));
  }
  const planned = Math.ceil((auctions ?? rate * plannedSeconds(s)) * share);
  const drawn = Math.ceil(auctions ?? rate * plannedSeconds(s));
  if (!exchange) {
    // A merge or a bidder host runs none of the auctions.
  } else if (share < 1 && drawn > LIMITS.runAuctions) {
    const what = auctions === null ? 'rate × durationSec' : 'auctions';
    const message = `${what} must be at most ${count(LIMITS.runAuctions)} auctions in a segmented run, whose every segment draws all of them (got ${count(drawn)})`;
    issues.push(issue(auctions === null ? 'load.durationSec' : 'load.auctions', 'SCN_ERR_TOO_LARGE', message));
  } else if (planned > LIMITS.auctions) {
    const what = auctions === null ? 'rate × durationSec' : 'auctions';
    const message = `${what} must be at most ${count(LIMITS.auctions)} auctions, the limit per process (got ${count(planned)}${ofShare})`;
    issues.push(issue(auctions === null ? 'load.durationSec' : 'load.auctions', 'SCN_ERR_TOO_LARGE', message));
  }
  const queued = s.bidders.reduce((n, g) => n + ('url' in g || g.capacity == null ? 0 : g.count * g.capacity.queue), 0);
  if (queued > LIMITS.queuedRequests) {
    const message =
      `count × capacity.queue over the groups, the requests their leaves may hold waiting, must be at most ` +
      `${count(LIMITS.queuedRequests)} (got ${count(queued)})`;
    issues.push(issue('bidders', 'SCN_ERR_TOO_LARGE', message));
  }
  // Held by each exchange segment, and by each bidder host: hosts shared by every segment hold 1/M.
  const held = o.hosts === undefined || s.mode !== 'live' ? share : Math.max(share, 1 / o.hosts);
  const inFlight = Math.ceil(((peak * s.auction.tmaxMs) / 1000) * leaves * held);
  if (exchange && leaves <= LIMITS.leaves && inFlight > LIMITS.inFlightRequests) {
    const message =
      `rate × tmaxMs / 1000 × leaves, the requests in flight at once, must be at most ` +
      `${count(LIMITS.inFlightRequests)} (got ${count(inFlight)}${ofShare}: lower the rate, tmaxMs or the leaves, or run more segments)`;
    issues.push(issue('load.rate', 'SCN_ERR_TOO_LARGE', message));
  }
  return issues;
}

/**
 * Where `value` nests deeper than `max` containers (the root counted), as a path, or undefined when
 * it does not. Iterative, with an explicit stack: a value nested a million deep is walked without
 * recursion, and the walk stops at the first place too deep.
 */
export function tooDeepAt(value: unknown, max: number, root: string): string | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 1 }];
  while (stack.length > 0) {
    const at = stack.pop()!;
    if (typeof at.value !== 'object' || at.value === null) continue;
    if (at.depth > max) return at.path;
    const depth = at.depth + 1;
    if (Array.isArray(at.value)) {
      at.value.forEach((v: unknown, i) => {
        if (typeof v === 'object' && v !== null) stack.push({ value: v, path: `${at.path}[${i}]`, depth });
      });
    } else {
      for (const [k, v] of Object.entries(at.value)) {
        if (typeof v === 'object' && v !== null) stack.push({ value: v, path: joinPath(at.path, k), depth });
      }
    }
  }
  return undefined;
}

/** The issue for a value nested past LIMITS.depth, at the place it does. */
export function tooDeepIssue(path: string): Issue {
  const message = `nests objects and arrays more than ${LIMITS.depth} deep, the limit`;
  return issue(path, 'SCN_ERR_TOO_LARGE', message);
}
