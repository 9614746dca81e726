// The project under test, wired as the live runner wires it: a bidder host in a child process
// (src/sim/run/host-child.ts), the WsPool dialling every leaf, the Exchange on the live clock, and the
// run's Metrics as its observer. Two drivers: closed loop (a new auction when one closes) for
// throughput, open loop (seeded Poisson arrivals on a precise timer) for latency under load.

import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import type { LeafConfig } from '../src/bidders/config.js';
import type { HostOptions, LeafHostStats } from '../src/bidders/host.js';
import { Exchange, type ExchangeOptions } from '../src/exchange/exchange.js';
import type { InFlightAuction } from '../src/exchange/in-flight.js';
import { liveClock } from '../src/exchange/live-clock.js';
import { WsPool } from '../src/exchange/ws-pool.js';
import { HttpLinks } from '../src/exchange/http-link.js';
import type { Clock } from '../src/exchange/clock.js';
import { arrivalSchedule } from '../src/sim/run/arrivals.js';
import { startChildHost, type ChildHost } from '../src/sim/run/host-child.js';
import { Metrics } from '../src/sim/metrics/metrics.js';
import type { BidRequest } from '../src/protocol/openrtb.js';
import { newHistogram, recordMs, type Histogram } from '../src/lib/histogram.js';
import { leafConfigs, requestMaker, scenarioFor, type BenchScenario } from './requests.js';
import { measureWindow, type ThroughputResult } from './baseline.js';
import { trackPid } from './children.js';

/** Metrics, plus a hook on each close for the closed-loop driver. */
class BenchMetrics extends Metrics {
  onClose: ((a: InFlightAuction) => void) | null = null;
  /** Submit (requests sent) to close, for auctions after the warm-up: the exchange's own part. */
  readonly fromSubmit: Histogram = newHistogram();
  /** Arrival to close of the auctions counted since the last begin() (the inherited one is the rig's whole life). */
  window: Histogram = newHistogram();
  private countFrom = Infinity;
  override begin(originMs: number, warmupEndMs: number): void {
    super.begin(originMs, warmupEndMs);
    this.countFrom = warmupEndMs;
    this.window = newHistogram();
  }
  override onClosed(a: InFlightAuction): void {
    super.onClosed(a);
    if (a.arrivalMs >= this.countFrom) {
      recordMs(this.fromSubmit, a.closeMs - a.sentMs);
      recordMs(this.window, a.closeMs - a.arrivalMs);
    }
    if (this.onClose !== null) this.onClose(a);
  }
  /** Requests timed out so far, every leaf (counted auctions only). */
  timedOut(): number {
    let n = 0;
    for (const leaf of this.leaves) n += leaf.timedOut;
    return n;
  }
}

export interface Rig {
  readonly exchange: Exchange;
  /** The WebSocket links (empty when the rig calls its leaves over HTTP). */
  readonly pool: WsPool;
  /** The HTTP links when the rig calls its leaves over HTTP, else null. */
  readonly http: HttpLinks | null;
  readonly metrics: BenchMetrics;
  readonly clock: Clock;
  readonly host: ChildHost;
  readonly make: () => BidRequest;
  /** Stop the exchange, close the links, stop the host; resolves with the host's stats. */
  stop(): Promise<LeafHostStats[]>;
}

export type HostStarter = (leaves: LeafConfig[], seed: number, options: Partial<HostOptions>) => Promise<ChildHost>;

export async function startRig(
  b: BenchScenario,
  options: Partial<ExchangeOptions> = {},
  startHost: HostStarter = startChildHost,
  hostOptions: Partial<HostOptions> = {},
  transport: 'ws' | 'http' = 'ws',
): Promise<Rig> {
  const s = scenarioFor(b);
  const leaves = leafConfigs(s);
  const host = await startHost(leaves, s.seed, hostOptions);
  trackPid(host.pid);
  const clock = liveClock();
  const metrics = new BenchMetrics(leaves.map((l) => ({ name: l.name, group: l.group })));
  const exchange = new Exchange({ tmaxMs: b.tmaxMs, ...options }, clock, metrics);
  const urls = leaves.map((l) => `${transport}://127.0.0.1:${host.port}/${l.name}`);
  const http =
    transport === 'http'
      ? new HttpLinks(
          urls.map((url) => ({ url })),
          exchange,
        )
      : null;
  const pool = new WsPool(http === null ? urls.map((url) => ({ url })) : [], exchange);
  exchange.attach(http?.links ?? pool.links);
  try {
    await pool.connect(15_000);
  } catch (err) {
    await pool.close();
    await http?.close();
    await host.stop();
    throw err;
  }
  return {
    exchange,
    pool,
    http,
    metrics,
    clock,
    host,
    make: requestMaker(s),
    async stop() {
      exchange.stop();
      await pool.close();
      await http?.close();
      return host.stop();
    },
  };
}

/** Closed loop: `inFlight` auctions open at all times; auctions closed per second. */
export async function runClosed(
  rig: Rig,
  inFlight: number,
  warmupSec: number,
  measureSec: number,
): Promise<ThroughputResult> {
  const { exchange, metrics, clock, make } = rig;
  metrics.begin(clock.now(), clock.now());
  let done = 0;
  let stopped = false;
  const submit = (): void => {
    if (stopped) return;
    const now = clock.now();
    exchange.submit(make(), now);
  };
  // Deferred to a microtask: the exchange is still inside close() when it reports it.
  metrics.onClose = () => {
    done++;
    queueMicrotask(submit);
  };
  for (let i = 0; i < inFlight; i++) submit();
  const { auctions, seconds } = await measureWindow(warmupSec, measureSec, () => done);
  stopped = true;
  await exchange.whenIdle();
  metrics.onClose = null;
  return { auctions, seconds };
}

/**
 * Open loop: seeded Poisson arrivals at `rate`, submitted as the live runner does: a setTimeout
 * wakes for the next arrival and submits every one due, each stamped with its scheduled time (so a
 * late wake eats into the bidders' time and shows in auction latency, never hides). A spinning timer
 * would be more punctual but would burn the root's core, which the exchange needs more. Only
 * arrivals after the warm-up are counted. Resolves once every auction has closed.
 */
export async function runOpen(rig: Rig, rate: number, warmupSec: number, measureSec: number): Promise<OpenResult> {
  const { exchange, metrics, clock, make } = rig;
  const schedule = arrivalSchedule(
    { arrival: 'poisson', rate, durationSec: warmupSec + measureSec, auctions: null, warmupSec },
    seedrandom('bench/arrivals'),
  );
  const origin = clock.now() + 5;
  metrics.begin(origin, origin + warmupSec * 1000);
  const timedOutBefore = metrics.timedOut();
  let cpu = { user: 0, system: 0 };
  let elu = performance.eventLoopUtilization();
  const cpuAt = setTimeout(
    () => {
      cpu = process.cpuUsage();
      elu = performance.eventLoopUtilization();
    },
    warmupSec * 1000 + 5,
  );
  await new Promise<void>((done) => {
    let next = schedule.next();
    const tick = (): void => {
      const now = clock.now();
      while (next !== null && origin + next <= now) {
        exchange.submit(make(), origin + next);
        next = schedule.next();
      }
      if (next === null) done();
      else setTimeout(tick, origin + next - now);
    };
    tick();
  });
  clearTimeout(cpuAt);
  const used = process.cpuUsage(cpu);
  const loop = performance.eventLoopUtilization(elu);
  await exchange.whenIdle();
  return {
    cpuUsPerAuction: (used.user + used.system) / Math.max(1, metrics.auctions),
    utilisation: loop.utilization,
    timedOut: metrics.timedOut() - timedOutBefore,
  };
}

export interface OpenResult {
  /** The root process's CPU time (user + system) over the measured part, per auction counted. */
  cpuUsPerAuction: number;
  /** The root process's event-loop utilisation over the arrivals after the warm-up (performance.eventLoopUtilization). */
  utilisation: number;
  /** Requests timed out among the auctions counted. */
  timedOut: number;
}
