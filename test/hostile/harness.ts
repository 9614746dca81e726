// One run against a hostile leaf: a bidder host (in this process) serving two well-behaved leaves and
// one hostile leaf, an exchange on the live clock dialling them, a few dozen auctions, then counters,
// invariants and a check that the well-behaved leaves' auctions all closed on time.

import { expect } from 'vitest';
import type { LeafConfig } from '../../src/bidders/config.js';
import type { HostileSpec } from '../../src/bidders/hostile.js';
import { BidderHost } from '../../src/bidders/host.js';
import { Exchange } from '../../src/exchange/exchange.js';
import type { InFlightAuction } from '../../src/exchange/in-flight.js';
import { liveClock } from '../../src/exchange/live-clock.js';
import { WsPool, type PoolOptions } from '../../src/exchange/ws-pool.js';
import type { BidRequest } from '../../src/protocol/openrtb.js';
import { InvariantChecker, tee } from '../../src/sim/metrics/invariants.js';
import { Metrics, type LeafCounters } from '../../src/sim/metrics/metrics.js';
import { buildSummary, type SummaryInput } from '../../src/sim/metrics/summary.js';
import { testSummaryInput } from '../helpers/summary-input.js';
import { waitFor } from '../helpers/scripted-bidders.js';

/** Generous: a loaded 2-core machine may be late by tens of ms, not by a second. */
export const OVERSHOOT_BOUND_MS = 1000;
export const TMAX_MS = 150;
export const GOOD = ['good-1', 'good-2'] as const;
export const BAD = 'bad';

function leafConfig(name: string, hostile?: HostileSpec): LeafConfig {
  const config: LeafConfig = {
    name,
    group: hostile === undefined ? 'good' : 'bad',
    // Answers well inside the deadline, and late enough that a hostile leaf's frames come first.
    latency: { model: 'constant', ms: 25 },
    bid: { rate: 1, price: { model: 'constant', value: 2 }, shade: 1 },
    faults: { timeout: 0, malformed: 0, disconnect: 0 },
  };
  if (hostile !== undefined) config.hostile = hostile;
  return config;
}

let requestSeq = 0;
export function request(padBytes = 0): BidRequest {
  requestSeq++;
  const req: BidRequest = {
    id: `h-${requestSeq}`,
    imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD', banner: { w: 300, h: 250 } }],
    tmax: 0,
    at: 1,
    cur: ['USD'],
  };
  if (padBytes > 0) req.site = { id: 's', domain: 'example.com', page: `https://example.com/${'p'.repeat(padBytes)}` };
  return req;
}

export interface HostileRunOptions {
  auctions?: number;
  spacingMs?: number;
  /** Submit each auction only once the one before has closed (instead of after `spacingMs`). */
  closeEach?: boolean;
  pool?: Partial<PoolOptions>;
  padBytes?: number;
  /** Wait for every link before the first auction (false for leaves that never stay up). */
  waitForBad?: boolean;
  /** Called between the auctions and the final counts (e.g. to let a flood run). */
  during?: (ctx: HostileRun) => Promise<void>;
}

export interface HostileRun {
  host: BidderHost;
  pool: WsPool;
  exchange: Exchange;
  metrics: Metrics;
  checker: InvariantChecker;
  auctions: InFlightAuction[];
  leaf(name: string): LeafCounters;
  close(): Promise<void>;
}

export async function hostileRun(spec: HostileSpec, o: HostileRunOptions = {}): Promise<HostileRun> {
  const names = [...GOOD, BAD];
  const host = new BidderHost([leafConfig(GOOD[0]), leafConfig(GOOD[1]), leafConfig(BAD, spec)], 1);
  const port = await host.listen();
  const clock = liveClock();
  const metrics = new Metrics(names.map((name) => ({ name, group: name === BAD ? 'bad' : 'good' })));
  metrics.begin(clock.now(), -Infinity);
  const checker = new InvariantChecker(names.length, { maxOvershootMs: OVERSHOOT_BOUND_MS });
  const exchange = new Exchange({ tmaxMs: TMAX_MS, allowanceMs: 5, minBidderMs: 10 }, clock, tee(metrics, checker));
  const pool = new WsPool(
    names.map((name) => ({ url: `ws://127.0.0.1:${port}/${name}` })),
    exchange,
    { initialBackoffMs: 20, maxBackoffMs: 200, ...o.pool },
  );
  exchange.attach(pool.links);
  const close = async (): Promise<void> => {
    exchange.stop();
    await pool.close();
    await host.close();
  };
  if (o.waitForBad === false) {
    void pool.connect(60_000).catch(() => undefined);
    await waitFor(() => pool.isUp(0) && pool.isUp(1), 'the good leaves to connect');
  } else {
    await pool.connect();
  }

  const run: HostileRun = {
    host,
    pool,
    exchange,
    metrics,
    checker,
    auctions: [],
    leaf: (name) => metrics.leaves[names.indexOf(name)]!,
    close,
  };
  try {
    const n = o.auctions ?? 20;
    for (let i = 0; i < n; i++) {
      const a = exchange.submit(request(o.padBytes), clock.now());
      run.auctions.push(a);
      if (o.closeEach === true) await waitFor(() => a.closed, `auction ${i + 1} to close`);
      else await new Promise((r) => setTimeout(r, o.spacingMs ?? 10));
    }
    if (o.during !== undefined) await o.during(run);
    await exchange.whenIdle();
  } catch (err) {
    await close();
    throw err;
  }
  return run;
}

/** The well-behaved leaves answered every auction on time, and every auction closed by its deadline. */
export function expectOthersOnTime(run: HostileRun): void {
  const n = run.auctions.length;
  for (const name of GOOD) {
    const c = run.leaf(name);
    expect({
      name,
      sent: c.sent,
      onTime: c.onTime,
      timedOut: c.timedOut,
      lost: c.lost,
      invalid: c.invalid,
      stray: c.stray,
    }).toEqual({
      name,
      sent: n,
      onTime: n,
      timedOut: 0,
      lost: 0,
      invalid: 0,
      stray: 0,
    });
  }
  for (const a of run.auctions) {
    expect(a.closed).toBe(true);
    expect(a.closeMs - a.deadlineMs).toBeLessThan(OVERSHOOT_BOUND_MS);
    // A good leaf bid 2 on every auction and the hostile one never outbid it by cheating.
    expect(a.outcome?.imps[0]?.winner).toBeGreaterThanOrEqual(0);
  }
  expect(run.metrics.auctions).toBe(n);
  expect(run.checker.finish(buildSummary(run.metrics, summaryInput()))).toEqual([]);
}

/** sent = onTime + noBid + invalid + timedOut + lost, and late <= timedOut, for the hostile leaf. */
export function expectAccounted(c: LeafCounters): void {
  expect(c.onTime + c.noBid + c.invalid + c.timedOut + c.lost).toBe(c.sent);
  expect(c.late).toBeLessThanOrEqual(c.timedOut);
}

export function reasons(c: LeafCounters): Record<string, number> {
  return Object.fromEntries(c.invalidReasons);
}

const summaryInput = (): SummaryInput =>
  testSummaryInput({ scenario: 'hostile', mode: 'live', tmaxMs: TMAX_MS, floor: 0.1, leaves: 3 });
