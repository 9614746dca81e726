// The live runner: real sockets and real timers. Starts the bidder host (a child process by
// default), dials every leaf, schedules arrivals open loop, lets the exchange close every auction,
// waits a moment for late answers, then stops everything and builds the summary. It emits progress;
// printing and writing reports are the caller's business.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { nanoid } from 'nanoid';
import type { LeafHostStats } from '../../bidders/host.js';
import { Exchange } from '../../exchange/exchange.js';
import { liveClock } from '../../exchange/live-clock.js';
import { WsPool, type PoolTarget } from '../../exchange/ws-pool.js';
import { segmentArrivals, WHOLE_RUN, type Segment } from './arrivals.js';
import { HttpLinks, type HttpTarget } from '../../exchange/http-link.js';
import { remapHandler, type Link, type LinkHandler } from '../../exchange/link.js';
import { startChildHost, type ChildHost } from './host-child.js';
import { InvariantChecker, tee } from '../metrics/invariants.js';
import { Metrics } from '../metrics/metrics.js';
import { requestFactory } from './request-factory.js';
import type { Scenario } from '../scenario/schema.js';
import { expandLeaves, type Leaf } from '../scenario/bidder-groups.js';
import type { Progress, RunResult } from './result.js';
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
} from './setup.js';
import { percentiles, type P } from '../metrics/summary.js';
import { decodeHistogram, fromNodeHistogram, newHistogram, type Histogram } from '../../lib/histogram.js';
import { ProcessMeter } from '../../lib/process-meter.js';
import { judgeHarness, type HarnessInput, type HostsInput } from '../metrics/harness.js';
import type { HostProcessLoad } from '../../bidders/host-process.js';

/** A live run's arrivals begin this long after it starts them (after --start-at, when given). */
export const ARRIVALS_AFTER_MS = 20;

export interface RunOptions {
  /** An already running bidder host (ws://host:port) serving the scenario's local leaves. */
  biddersUrl?: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Milliseconds between progress events. */
  progressEveryMs?: number;
  /** The live clock's spin window (live-clock.ts); 0 turns the spin off. */
  spinMs?: number;
  /** The share of wall time the live clock's spin may take (live-clock.ts). */
  spinBudget?: number;
  /** The share of the arrivals to run (`--segment`); the whole run by default. */
  segment?: Segment;
  /**
   * Wall-clock ms (since 1970) at which to begin the arrivals, once the bidders are connected, so that
   * segments started apart run their stripes together (`--start-at`); a time passed begins at once.
   */
  startAtEpochMs?: number;
}

/** The event-loop monitor's sampling interval; its samples include it, so it is taken off. */
const ELD_RESOLUTION_MS = 10;

/** The monitor's samples as one of our histograms (µs), its interval taken off, so logs hold it and merges add it. */
function eventLoopHistogram(h: ReturnType<typeof monitorEventLoopDelay>): Histogram {
  return fromNodeHistogram(h, ELD_RESOLUTION_MS * 1000);
}

export async function runLive(s: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  const leaves = expandLeaves(s);
  // Leaves of groups that name their `hosts` are served there; the rest by one host of the run's own.
  const locals = leaves.flatMap((l) => (l.kind === 'local' && l.host === undefined ? [l.config] : []));
  let stoppedBy: RunResult['stoppedBy'] = null;
  let message: string | null = null;
  let stopArrivals: (() => void) | null = null;
  const stop = (why: NonNullable<RunResult['stoppedBy']>, text: string): void => {
    if (stoppedBy !== null) return;
    stoppedBy = why;
    message = text;
    stopArrivals?.();
  };
  const onAbort = (): void => stop('signal', 'stopped by signal');
  // Listen before anything slow starts, and catch a signal that came even earlier.
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted === true) onAbort();

  let host: ChildHost | null = null;
  let base = opts.biddersUrl?.replace(/\/+$/, '');
  if (base === undefined && locals.length > 0) {
    // Local groups share one token (validated), which the child host then requires.
    const token = leaves.find((l) => l.kind === 'local')?.token;
    // A host of the segment's own: its leaves draw streams of their own (segmentSeed).
    host = await startChildHost(
      locals,
      segmentSeed(s, opts.segment ?? WHOLE_RUN),
      token === undefined ? {} : { token },
    );
    base = `ws://127.0.0.1:${host.port}`;
  }
  const targets: PoolTarget[] = leaves.map((l) => {
    // A host serves both transports on one port: an HTTP leaf is POSTed to at http(s)://host:port/<leaf>.
    const hostUrl = l.kind === 'local' ? (l.host ?? base) : undefined;
    const local = l.http === undefined ? hostUrl : hostUrl?.replace(/^ws/, 'http');
    const url = l.kind === 'local' ? `${local}/${encodeURIComponent(l.config.name)}` : l.url;
    const target: PoolTarget = { url };
    if (l.token !== undefined) target.token = l.token;
    return target;
  });
  const infos = leafInfos(leaves);
  host?.onUnexpectedExit((reason) => stop('host-died', `bidder host ${reason} during the run`));
  const clock = liveClock(opts.spinMs, opts.spinBudget);

  const m = new Metrics(infos);
  // Checks every auction and outcome as it happens; a run that breaks an invariant fails (exit 3).
  const checker = new InvariantChecker(leaves.length);
  // A segment caps each leaf at its share of the QPS cap: the segments together send what one exchange would.
  const policy = runPolicy(s, m, opts.segment ?? WHOLE_RUN);
  const exchange = new Exchange({ ...exchangeOptions(s), policy }, clock, tee(m, checker));
  const { pool, http, links } = buildLinks(s, leaves, targets, exchange);
  exchange.attach(links);

  const cleanup = async (): Promise<LeafHostStats[]> => {
    exchange.stop();
    await Promise.all([pool.close(), http?.links.close()]);
    opts.signal?.removeEventListener('abort', onAbort);
    return host === null ? [] : host.stop();
  };

  try {
    await pool.connect();
    await http?.links.reach();
  } catch (err) {
    await cleanup();
    throw err;
  }
  const waitMs = opts.startAtEpochMs === undefined ? 0 : opts.startAtEpochMs - Date.now();
  if (waitMs > 0 && stoppedBy === null) await new Promise((r) => setTimeout(r, waitMs));

  const startedAt = new Date();
  const origin = clock.now() + ARRIVALS_AFTER_MS;
  const warmupEnd = origin + s.load.warmupSec * 1000;
  m.begin(origin, warmupEnd);
  checker.begin(origin, warmupEnd);
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  eld.enable();
  const meter = new ProcessMeter();

  const makeRequest = requestFactory(s, streams.requests(s.seed));
  const segment = opts.segment ?? WHOLE_RUN;
  // A segment takes the draws of the other segments' requests too, so each request is the whole run's.
  const schedule = segmentArrivals(scheduleArrivals(s), segment, () => makeRequest(''));
  const totalSec = plannedSec(s);
  let lastArrival = origin;
  let resetDone = false;

  const progress = setInterval(() => {
    opts.onProgress?.({
      elapsedSec: (clock.now() - origin) / 1000,
      totalSec,
      closed: m.closedAll,
      inFlight: exchange.inFlight,
      auctionP99Ms: m.auctionLatency.getValueAtPercentile(99) / 1000,
      timedOut: m.leaves.reduce((t, c) => t + c.timedOut, 0),
    });
  }, opts.progressEveryMs ?? 1000);
  progress.unref();

  await new Promise<void>((done) => {
    if (stoppedBy !== null) return done();
    let next = schedule.next();
    let timer: NodeJS.Timeout | null = null;
    stopArrivals = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      next = null;
      done();
    };
    const tick = (): void => {
      timer = null;
      const now = clock.now();
      if (!resetDone && now >= warmupEnd) {
        eld.reset();
        meter.reset();
        clock.resetSpin();
        host?.mark();
        http?.links.mark();
        resetDone = true;
      }
      while (next !== null && origin + next <= now) {
        lastArrival = origin + next;
        exchange.submit(makeRequest(nanoid()), lastArrival);
        next = schedule.next();
      }
      if (next === null) return done();
      timer = setTimeout(tick, origin + next - now);
    };
    tick();
  });

  await exchange.whenIdle();
  // The exchange's own load covers the measured stretch up to its last close, not the grace after.
  const load = meter.read();
  const spin = clock.spinStats();
  const hostMeasured = (await host?.measure()) ?? null;
  if (stoppedBy === null) await new Promise((r) => setTimeout(r, lateGraceMs(s, locals)));
  clearInterval(progress);
  eld.disable();
  const hostStats = await cleanup();
  // The host's load over the same stretch as the exchange's (to the last close), else to its stop.
  const hostLoad = hostMeasured ?? host?.load() ?? null;
  const eventLoopDelay = eventLoopHistogram(eld);
  const harness = judgeHarness(
    harnessInput(s, m, infos, hostStats, {
      hostOutside: host === null || leaves.some((l) => l.kind === 'external' || l.host !== undefined),
      overshoot: m.overshoot,
      eventLoopDelay: percentiles(eventLoopDelay),
      exchange: { pid: process.pid, load, spin: { windowMs: spin.windowMs } },
      hosts: hostLoad === null ? [] : [hostLoad],
    }),
  );

  const result = finishRun({
    scenario: s,
    mode: 'live',
    startedAt,
    warmupEndMs: warmupEnd,
    lastArrivalMs: lastArrival,
    leaves: leaves.length,
    metrics: m,
    checker,
    eventLoopDelay,
    segment,
    timelineOffsetMs: performance.timeOrigin,
    hostStats,
    harness,
    stoppedBy,
    message,
  });
  // What became of the HTTP leaves' notice URLs (WebSocket leaves get notices as messages).
  http?.indices.forEach((leaf, k) => {
    const b = result.summary.bidders[infos[leaf]!.name];
    if (b !== undefined) b.notices = http.links.notices(k);
  });
  return result;
}

/**
 * The links to every leaf, by leaf index: a WebSocket pool for the leaves called over WebSocket, and
 * HTTP links for the rest. When every leaf is on one transport, that pool talks to the exchange
 * directly; otherwise each sees its own leaves numbered from 0 (remapHandler).
 */
function buildLinks(
  s: Scenario,
  leaves: readonly Leaf[],
  targets: readonly PoolTarget[],
  exchange: LinkHandler,
): { pool: WsPool; http: { links: HttpLinks; indices: number[] } | null; links: Link[] } {
  const wsIndices: number[] = [];
  const httpIndices: number[] = [];
  leaves.forEach((l, i) => (l.http === undefined ? wsIndices : httpIndices).push(i));
  const handlerFor = (indices: number[]): LinkHandler =>
    indices.length === leaves.length ? exchange : remapHandler(exchange, indices);
  const pool = new WsPool(
    wsIndices.map((i) => targets[i]!),
    handlerFor(wsIndices),
    { maxPayload: s.auction.maxPayloadBytes, ...s.reconnect },
  );
  const links = new Array<Link>(leaves.length);
  wsIndices.forEach((leaf, k) => (links[leaf] = pool.links[k]!));
  if (httpIndices.length === 0) return { pool, http: null, links };
  const httpTargets = httpIndices.map((i): HttpTarget => ({ ...targets[i]!, gzip: leaves[i]!.http!.gzip }));
  const http = new HttpLinks(httpTargets, handlerFor(httpIndices), { maxPayload: s.auction.maxPayloadBytes });
  httpIndices.forEach((leaf, k) => (links[leaf] = http.links[k]!));
  return { pool, http: { links: http, indices: httpIndices }, links };
}

/** The harness figures of a live run: the exchange's, the host's, and per group measured vs applied. */
function harnessInput(
  s: Scenario,
  m: Metrics,
  infos: readonly { name: string; group: string }[],
  hostStats: readonly LeafHostStats[],
  own: {
    hostOutside: boolean;
    overshoot: Histogram;
    eventLoopDelay: P;
    exchange: HarnessInput['exchange'];
    hosts: HostProcessLoad[];
  },
): HarnessInput {
  return {
    ...hostsInput(s, m, infos, hostStats, own.hosts),
    hostOutside: own.hostOutside,
    overshoot: percentiles(own.overshoot),
    eventLoopDelay: own.eventLoopDelay,
    exchange: own.exchange,
  };
}

/**
 * The bidder hosts' side of the harness: their processes, their timers' lateness, and per group the
 * response times the exchange measured (`m`) beside the delays the hosts applied (`hostStats`).
 */
export function hostsInput(
  s: Scenario,
  m: Metrics,
  infos: readonly { name: string; group: string }[],
  hostStats: readonly LeafHostStats[],
  hosts: HostProcessLoad[],
): HostsInput {
  const groupOf = new Map(infos.map((i) => [i.name, i.group]));
  const measured = new Map<string, Histogram>();
  for (const c of m.leaves) {
    let h = measured.get(c.info.group);
    if (h === undefined) measured.set(c.info.group, (h = newHistogram()));
    h.add(c.latency);
  }
  const applied = new Map<string, Histogram>();
  let lateness: Histogram | null = null;
  for (const st of hostStats) {
    const g = groupOf.get(st.name);
    if (g === undefined) continue;
    let h = applied.get(g);
    if (h === undefined) applied.set(g, (h = newHistogram()));
    h.add(decodeHistogram(st.delays));
    if (st.lateness !== undefined) (lateness ??= newHistogram()).add(decodeHistogram(st.lateness));
  }
  return {
    tmaxMs: s.auction.tmaxMs,
    hosts,
    hostLateness: lateness,
    groups: [...measured].map(([name, h]) => ({ name, measured: h, applied: applied.get(name) ?? null })),
  };
}
