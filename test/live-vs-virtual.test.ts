// The same small scenario live (real child-process bidder host, WebSockets, timers) and in virtual
// time. Both runs draw the same arrivals and each leaf the same delays request by request (the
// streams are seeded alike and each leaf sees requests in the same order), so the comparison is
// paired: what differs is only what live adds — the loopback WebSocket hop, JSON both ways, timer
// granularity and event-loop jitter in two processes. Tolerances bound that overhead by OVERHEAD_MS.

import { describe, expect, it } from 'vitest';
import type { LatencySpec } from '../src/bidders/config.js';
import { latencyCdf } from '../src/bidders/latency-models.js';
import { runLive } from '../src/sim/run/live-runner.js';
import { validateScenario, type Scenario } from '../src/sim/scenario/scenario.js';
import { runVirtual } from '../src/sim/virtual/virtual-runner.js';

/**
 * What live may add to a response beyond virtual's network: ~1 ms of timer granularity in the host,
 * well under 1 ms of loopback WebSocket and JSON, and event-loop jitter on a shared 2-core machine
 * (vitest runs other files beside this one).
 */
const OVERHEAD_MS = 4;
const NETWORK_MS = 0.25;
const TMAX_MS = 60;
const LATENCY: LatencySpec = { model: 'lognormal', medianMs: 25, p99Ms: 80 };

function scenario(mode: 'live' | 'virtual'): Scenario {
  const r = validateScenario({
    name: 'live-vs-virtual',
    seed: 5,
    mode,
    load: { arrival: 'poisson', rate: 300, durationSec: 3, warmupSec: 0.5 },
    auction: { tmaxMs: TMAX_MS, allowanceMs: 5 },
    network: { model: 'constant', ms: NETWORK_MS },
    bidders: [
      {
        name: 'dsp',
        count: 4,
        latency: LATENCY,
        bid: { rate: 0.8, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1 },
      },
    ],
  });
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.scenario;
}

describe('live and virtual agree', () => {
  it('on timeout rate and auction latency p50/p99 for the same scenario and seed', async () => {
    const live = (await runLive(scenario('live'))).summary;
    const virtual = runVirtual(scenario('virtual')).summary;
    expect(live.auctions.total).toBe(virtual.auctions.total);
    const n = virtual.bids.sent;
    // A live auction the loaded exchange reached too late to call anyone is skipped, not sent.
    expect(live.bids.sent + live.auctions.skipped * 4).toBe(n);
    // What live may add: the fixed overhead, plus however long this run's own event loop stalled
    // (measured, so a busy CI machine widens the bound by what it actually cost, no more).
    const overhead = OVERHEAD_MS + live.latency.eventLoopDelay.p99;

    // A request can time out in one run and not the other only if its delay falls within the
    // overhead of the threshold tmax - 2 x network: the model's mass there, plus 4 SE of that count.
    const threshold = TMAX_MS - 2 * NETWORK_MS;
    const w = latencyCdf(LATENCY, threshold) - latencyCdf(LATENCY, threshold - overhead);
    const timeoutTol = w + 4 * Math.sqrt((w * (1 - w)) / n) + 1 / n;
    // Latency quantiles: live is later by at most the overhead (its deadline timer spins to be on
    // time, so the capped p99 moves by the overshoot alone), and never earlier than virtual by more
    // than virtual's own network allowance plus HdrHistogram's 0.1%.
    const d50 = live.latency.auction.p50 - virtual.latency.auction.p50;
    const d99 = live.latency.auction.p99 - virtual.latency.auction.p99;
    const figures =
      `live vs virtual (n ${n} requests, ${virtual.auctions.total} auctions): ` +
      `timeout ${live.rates.timeout.toFixed(4)} vs ${virtual.rates.timeout.toFixed(4)} (tol ±${timeoutTol.toFixed(4)}), ` +
      `p50 ${live.latency.auction.p50.toFixed(2)} vs ${virtual.latency.auction.p50.toFixed(2)} ms, ` +
      `p99 ${live.latency.auction.p99.toFixed(2)} vs ${virtual.latency.auction.p99.toFixed(2)} ms (live may be up to ${overhead.toFixed(2)} ms later)`;
    console.log(figures);
    expect(Math.abs(live.rates.timeout - virtual.rates.timeout)).toBeLessThanOrEqual(timeoutTol);
    const early = 2 * NETWORK_MS + 0.1;
    expect(d50).toBeGreaterThanOrEqual(-early);
    expect(d50).toBeLessThanOrEqual(overhead);
    expect(d99).toBeGreaterThanOrEqual(-early);
    expect(d99).toBeLessThanOrEqual(overhead);
  }, 20_000);
});
