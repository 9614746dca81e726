// The virtual runner: the same Exchange, leaf decisions, Metrics and summary as the live runner, on a
// discrete-event clock instead of timers and sockets. Deterministic: every random stream is seeded
// from the scenario seed, auction ids are sequential, and nothing in the simulated path reads the
// wall clock, so the same scenario and seed give the same summary apart from `startedAt`.

import { leafServer } from '../../bidders/capacity.js';
import { createLeaf } from '../../bidders/decision.js';
import { latencySampler } from '../../bidders/latency-models.js';
import { Exchange, type ExchangeObserver } from '../../exchange/exchange.js';
import { segmentArrivals, WHOLE_RUN, type Segment } from '../run/arrivals.js';
import { Metrics } from '../metrics/metrics.js';
import { requestFactory, sequentialIds, sequentialIndex } from '../run/request-factory.js';
import type { Progress, RunResult } from '../run/result.js';
import { expandLeaves } from '../scenario/bidder-groups.js';
import type { Scenario } from '../scenario/schema.js';
import { InvariantChecker, tee } from '../metrics/invariants.js';
import {
  exchangeOptions,
  finishRun,
  lateGraceMs,
  segmentSeed,
  leafInfos,
  plannedSec,
  runPolicy,
  scheduleArrivals,
  streams,
} from '../run/setup.js';
import { newHistogram } from '../../lib/histogram.js';
import { virtualHarness } from '../metrics/harness.js';
import { EventQueue } from './event-queue.js';
import { VirtualClock } from './virtual-clock.js';
import { VirtualLink, type NetworkDelay } from './virtual-links.js';
import { simulatesWholeRun } from '../scenario/segment-state.js';
import { stripeObserver } from './stripe-observer.js';

export interface VirtualOptions {
  /** Called every `progressEverySec` of simulated time. */
  onProgress?: (p: Progress) => void;
  progressEverySec?: number;
  /** The share of the arrivals to run (`--segment`); the whole run by default. */
  segment?: Segment;
  /** Hears every event the run's metrics hear (tests split a run's events with it). */
  tap?: ExchangeObserver;
}

export interface VirtualAsyncOptions extends VirtualOptions {
  /** Aborted: arrivals stop, the auctions in flight close at their (virtual) deadlines, and the run is partial. */
  signal?: AbortSignal;
  /** The longest stretch of wall time between turns of the event loop (default YIELD_EVERY_MS). */
  yieldEveryMs?: number;
}

/**
 * A virtual run gives the event loop a turn at least this often (wall time), so a SIGINT or SIGTERM
 * handler runs within it: a run of 100,000 virtual seconds stops on Ctrl-C like a live one.
 */
export const YIELD_EVERY_MS = 100;
/**
 * Requests submitted between two looks at the wall clock. A look costs tens of nanoseconds and the
 * requests between two looks well under a millisecond of work, so the yield stays far inside its
 * 100 ms and costs nothing measurable per message.
 */
const REQUESTS_PER_LOOK = 2048;

/** A constant network takes no draws, so the common case costs nothing per message. */
function networkDelay(s: Scenario, seed: number | string, leafName: string): NetworkDelay {
  const spec = s.network;
  if (spec.model === 'constant') {
    const ms = spec.ms;
    return () => ms;
  }
  const sample = latencySampler(spec);
  const rng = streams.network(seed, leafName);
  return () => sample(rng);
}

/**
 * One virtual run, stepped in slices: `advance(untilWallMs)` submits arrivals until the schedule ends
 * or the wall clock passes `untilWallMs` (Infinity: to the end), and `finish()` closes what is in
 * flight and builds the result. The synchronous and the yielding runner share it, event for event.
 */
function virtualRun(s: Scenario, opts: VirtualOptions) {
  const leaves = expandLeaves(s);
  const locals = leaves.map((l) => {
    if (l.kind !== 'local') throw new Error(`virtual mode cannot call the external bidder "${l.name}"`);
    return l.config;
  });
  const startedAt = new Date();
  const queue = new EventQueue();
  const clock = new VirtualClock(queue);
  const m = new Metrics(leafInfos(leaves));
  // The same checks as live; virtual time has no late timers, so a close after its deadline is a bug.
  const checker = new InvariantChecker(leaves.length, { maxOvershootMs: 0 });
  const segment = opts.segment ?? WHOLE_RUN;
  // A segment of a run whose leaves or policies carry state from one auction to the next simulates
  // every arrival and records only its stripe (segment-state.ts): its merge is the whole run exactly.
  const whole = segment.count > 1 && simulatesWholeRun(s);
  const heard = opts.tap === undefined ? tee(m, checker) : tee(m, checker, opts.tap);
  const observer = whole ? stripeObserver(heard, segment, sequentialIndex, (a) => m.witness(a)) : heard;
  const seed = segmentSeed(s, segment);
  const exchange = new Exchange({ ...exchangeOptions(s), policy: runPolicy(s, m, segment) }, clock, observer);
  const links = locals.map((c, i) => {
    const http = leaves[i]!.http;
    return new VirtualLink(
      i,
      createLeaf(c, seed),
      networkDelay(s, seed, c.name),
      streams.backoff(seed, c.name),
      queue,
      exchange,
      leafServer(c),
      http === undefined ? null : { requestCostMs: http.requestCostMs },
    );
  });
  exchange.attach(links);

  const origin = 0;
  const warmupEnd = origin + s.load.warmupSec * 1000;
  m.begin(origin, warmupEnd);
  checker.begin(origin, warmupEnd);
  const makeRequest = requestFactory(s, streams.requests(s.seed));
  const nextId = sequentialIds();
  // A segment takes the other segments' requests' draws and ids too: each request is the whole run's.
  const schedule = whole
    ? scheduleArrivals(s)
    : segmentArrivals(scheduleArrivals(s), segment, () => makeRequest(nextId()));
  const totalSec = plannedSec(s);
  const everyMs = (opts.progressEverySec ?? 1) * 1000;
  let nextProgress = everyMs;
  const report = (): void => {
    opts.onProgress?.({
      elapsedSec: queue.now / 1000,
      totalSec,
      closed: m.closedAll,
      // A segment that simulates the whole run reports its own stripe, as its other figures do.
      inFlight: whole ? ownSubmitted - m.closedAll : exchange.inFlight,
      auctionP99Ms: m.auctionLatency.getValueAtPercentile(99) / 1000,
      timedOut: m.leaves.reduce((t, c) => t + c.timedOut, 0),
    });
  };

  // Arrivals are kept out of the heap: the next one is compared with the heap's head. Events due at
  // the same time as an arrival run first (any fixed rule would do; this one is stated).
  let next = schedule.next();
  let lastArrival = origin;
  /** The run's last arrival, whatever the stripe: the links' downtime counts to it (Metrics.end). */
  let lastSimulated = origin;
  /** Auctions of this segment's stripe submitted so far (whole-run segments: the progress line's). */
  let ownSubmitted = 0;
  let marked = false;
  const arrivalsPerLook = Math.max(1, Math.floor(REQUESTS_PER_LOOK / Math.max(1, links.length)));
  /** Submits arrivals until the schedule ends (true) or the wall clock passes `untilWallMs` (false). */
  const advance = (untilWallMs: number): boolean => {
    // To the end (Infinity), the count starts below zero and never reaches a look: no clock is read.
    let untilLook = untilWallMs === Infinity ? -1 : arrivalsPerLook;
    while (next !== null) {
      const at = origin + next;
      while (queue.peekTime() <= at) queue.step();
      queue.now = at;
      // The segment's own last arrival bounds its window, whatever it simulated beyond its stripe.
      lastSimulated = at;
      if (!whole || schedule.index % segment.count === segment.index) {
        lastArrival = at;
        ownSubmitted++;
      }
      if (!marked && at >= warmupEnd) {
        // As the live runner tells its host: the leaves' own statistics leave out the warm-up.
        for (const l of links) l.mark();
        marked = true;
      }
      exchange.submit(makeRequest(nextId()), at);
      next = schedule.next();
      if (opts.onProgress !== undefined && at >= nextProgress) {
        report();
        nextProgress += everyMs;
      }
      if (--untilLook === 0) {
        untilLook = arrivalsPerLook;
        if (performance.now() >= untilWallMs) return next === null;
      }
    }
    return true;
  };
  const finish = (stoppedBy: RunResult['stoppedBy'], message: string | null): RunResult => {
    // Every auction closes by its deadline; then late answers are heard for as long as live waits.
    while (exchange.inFlight > 0 && queue.step());
    const stopAt = queue.now + lateGraceMs(s, locals);
    while (queue.peekTime() <= stopAt) queue.step();
    queue.clear();
    exchange.stop();
    if (opts.onProgress !== undefined) report();

    return finishRun({
      scenario: s,
      mode: 'virtual',
      startedAt,
      warmupEndMs: warmupEnd,
      lastArrivalMs: lastArrival,
      linksUntilMs: lastSimulated,
      leaves: leaves.length,
      metrics: m,
      checker,
      // Virtual time has no event loop to be late: the summary says so with empty percentiles.
      eventLoopDelay: newHistogram(),
      segment,
      timelineOffsetMs: 0,
      // Simulating the whole run, every segment's leaves served all of it: the first segment says so once.
      hostStats: whole && segment.index > 0 ? [] : links.map((l) => l.stats()),
      harness: virtualHarness(),
      stoppedBy,
      message,
    });
  };
  return { advance, finish };
}

/** A whole virtual run at once, without turns of the event loop: for tests, the bench and tools. */
export function runVirtual(s: Scenario, opts: VirtualOptions = {}): RunResult {
  const run = virtualRun(s, opts);
  run.advance(Infinity);
  return run.finish(null, null);
}

/**
 * A virtual run that gives the event loop a turn at least every `yieldEveryMs` of wall time and stops
 * arrivals when `signal` aborts: the summary is then partial, as a live run's is. Event for event the
 * same run as runVirtual, so the same scenario and seed give the same summary.
 */
export async function runVirtualAsync(s: Scenario, opts: VirtualAsyncOptions = {}): Promise<RunResult> {
  const run = virtualRun(s, opts);
  const every = opts.yieldEveryMs ?? YIELD_EVERY_MS;
  for (;;) {
    if (opts.signal?.aborted === true) return run.finish('signal', 'stopped by signal');
    if (run.advance(performance.now() + every)) return run.finish(null, null);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
