// The same small scenario live (real child-process bidder host, WebSockets, timers) and in virtual
// time. Both runs draw the same arrivals and each leaf the same delays request by request (the
// streams are seeded alike and each leaf sees requests in the same order), so the comparison is
// paired: what differs is only what live adds — the loopback WebSocket hop, JSON both ways, timer
// granularity and event-loop jitter in two processes. Tolerances bound that overhead by OVERHEAD_MS.

import { describe, expect, it } from 'vitest';
import type { LatencySpec } from '../src/bidders/config.js';
import type { ExchangeObserver } from '../src/exchange/exchange.js';
import type { InFlightAuction } from '../src/exchange/in-flight.js';
import { Outcome, type OutcomeCode } from '../src/exchange/outcome.js';
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

// Capacity-limited leaves, live and virtual. Each leaf has 2 servers and a queue that never fills, so
// nothing is refused and a leaf's schedule is a 1-Lipschitz function of its arrival times (Kiefer-
// Wolfowitz): with the same service times, live arrivals later by at most d give answers later by at
// most d. The paired comparison of the test above then holds for response times that include the
// wait. A refusal, or a tmax rule, would make one run's decision flip and the two queues part ways
// for good, so those are held to their closed forms in virtual time (capacity-fidelity.test.ts) and
// to their order on a live host (host.loopback.test.ts) instead.
const CAP_LATENCY: LatencySpec = { model: 'lognormal', medianMs: 4, p99Ms: 12 };
const CAP_TMAX_MS = 60;
const CAP_SERVERS = 2;

function capacityScenario(mode: 'live' | 'virtual'): Scenario {
  const r = validateScenario({
    name: 'live-vs-virtual-capacity',
    seed: 7,
    mode,
    // 150 requests/s per leaf at a mean service of 4.5 ms: ρ = 0.34 per server, about one in five waits.
    load: { arrival: 'poisson', rate: 150, durationSec: 3, warmupSec: 0.5 },
    auction: { tmaxMs: CAP_TMAX_MS, allowanceMs: 5 },
    network: { model: 'constant', ms: NETWORK_MS },
    bidders: [
      {
        name: 'cap',
        count: 2,
        latency: CAP_LATENCY,
        bid: { rate: 0.8, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1 },
        capacity: { concurrency: CAP_SERVERS, queue: 10_000 },
      },
    ],
  });
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.scenario;
}

/** Each request's send time and response, per leaf, in the order sent (answers late included). */
class Responses implements ExchangeObserver {
  readonly sent: number[][] = [[], []];
  readonly response: number[][] = [[], []];
  readonly index = new Map<string, number>();
  onScatter(a: InFlightAuction): void {
    this.index.set(a.request.id, this.sent[0]!.length);
    for (const s of this.sent) s.push(a.sentMs);
    for (const r of this.response) r.push(Number.NaN);
  }
  onOutcome(leaf: number, outcome: OutcomeCode, a: InFlightAuction, ms: number): void {
    if (outcome === Outcome.ON_TIME || outcome === Outcome.NO_BID)
      this.response[leaf]![this.index.get(a.request.id)!] = ms;
  }
  onLate(leaf: number, a: { request: { id: string } }, _lateMs: number, ms: number): void {
    this.response[leaf]![this.index.get(a.request.id)!] = ms;
  }
  onStray(): void {}
  onSkipped(): void {}
  onClosed(): void {}
}

describe('live and virtual agree for leaves of finite capacity', () => {
  it('on response times with the queue wait and the timeout rate, and both leaves queue', async () => {
    const live = await runLive(capacityScenario('live'));
    const rec = new Responses();
    const virtual = runVirtual(capacityScenario('virtual'), { tap: rec });
    const lv = live.summary;
    const vv = virtual.summary;
    expect(lv.auctions.total).toBe(vv.auctions.total);
    const n = vv.bids.sent;
    expect(lv.bids.sent + lv.auctions.skipped * 2).toBe(n);
    // Nothing is refused: every request is a bid, a no-bid after its service, or timed out.
    expect(lv.bids.onTime + lv.bids.noBid + lv.bids.timedOut).toBe(lv.bids.sent);
    expect(live.hostStats.every((h) => h.busy === 0 && h.tooLate === 0)).toBe(true);
    // What live may add, as above, and now also the host's own lateness: an arrival the host reads
    // late, or an exchange that sends late, delays the requests queued behind it as well.
    const hostLate = lv.harness?.hostLateness ?? null;
    const overhead = OVERHEAD_MS + lv.latency.eventLoopDelay.p99 + (hostLate?.p99 ?? 0);
    // No answer is later than the longest stalls this run measured can make it: the exchange sending
    // late, the host reading late, the host answering late (a request is late by at most the largest
    // shift of an arrival before it in its busy period, plus its own answer's). That bounds the tail,
    // where the few requests a long stall hits are what a p99 reads on a loaded machine, and a timeout
    // in live alone needs a stall as long as the time its answer had to spare.
    const stall = OVERHEAD_MS + lv.latency.eventLoopDelay.max + 2 * (hostLate?.max ?? 0);

    // Timeouts: a request can time out in one run only if its virtual response lies within that
    // stall below the threshold: that share of the virtual responses, plus 4 SE of it.
    const threshold = CAP_TMAX_MS - 2 * NETWORK_MS;
    const all = rec.response.flat();
    const w = all.filter((ms) => !(ms < threshold - stall) && !(ms >= threshold)).length / all.length;
    const timeoutTol = w + 4 * Math.sqrt((w * (1 - w)) / n) + 1 / n;

    // Response quantiles of the group: live never earlier than the virtual network allowance plus
    // HdrHistogram's 0.1% (a live host that did not queue would be earlier by the wait), later by at
    // most the overhead at p50 and p90 and by at most the longest stalls at p99.
    const early = 2 * NETWORK_MS + 0.1;
    const [l, v] = [lv.groups.cap!.latency, vv.groups.cap!.latency];
    // The share of requests that waited for a server, from each run's own leaf counts. Live arrivals
    // bunch after a stall, so live may queue more; the two are printed, and each must be real.
    const share = (r: typeof live): number => {
      const s = r.hostStats.filter((h) => h.name.startsWith('cap-'));
      return s.reduce((t, h) => t + h.queued!, 0) / s.reduce((t, h) => t + h.requests, 0);
    };
    console.log(
      `live vs virtual, capacity (n ${n} requests): timeout ${lv.rates.timeout.toFixed(4)} vs ${vv.rates.timeout.toFixed(4)} (tol ±${timeoutTol.toFixed(4)}, stalls up to ${stall.toFixed(1)} ms), ` +
        `response p50 ${l.p50.toFixed(2)} vs ${v.p50.toFixed(2)} ms, p90 ${l.p90.toFixed(2)} vs ${v.p90.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} vs ${v.p99.toFixed(2)} ms ` +
        `(live may be up to ${overhead.toFixed(2)} ms later, ${stall.toFixed(1)} at p99), queued ${share(live).toFixed(4)} vs ${share(virtual).toFixed(4)}`,
    );
    expect(Math.abs(lv.rates.timeout - vv.rates.timeout)).toBeLessThanOrEqual(timeoutTol);
    for (const q of ['p50', 'p90', 'p99'] as const) {
      expect(l[q] - v[q], q).toBeGreaterThanOrEqual(-early);
      expect(l[q] - v[q], q).toBeLessThanOrEqual(q === 'p99' ? stall : overhead);
    }
    expect(share(virtual)).toBeGreaterThan(0.1);
    expect(share(live)).toBeGreaterThan(0.1);
  }, 20_000);
});
