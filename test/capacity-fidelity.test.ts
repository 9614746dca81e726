// Leaves of finite capacity in virtual time against the M/M/c closed forms (src/lib/queueing.ts).
// One leaf, exponential service of mean 1/μ = 1 ms, Poisson arrivals at λ = ρ c μ, the network set
// to 0 and a deadline no answer comes near, so what the exchange sees of each request is the leaf's
// own response: wait + service, or 0 and no-bid 1 when refused.
//
// Each figure is checked within 4 standard errors, computed by batch means: queue waits are
// correlated from one request to the next (at ρ = 0.9 over hundreds of requests), so the binomial or
// i.i.d. error would be far too narrow. The requests, in arrival order and after a warm-up, are cut
// into BATCHES consecutive batches, each far longer than that correlation; the batch means are then
// nearly independent, and their spread gives the error. Runs are seeded, so a pass is reproducible.
//
// Whether a request waited is read from the exchange's own timings, not asked of the leaf: first
// come first served, a request waits exactly when c requests let in before it are still unanswered
// when it arrives. The leaf's own count of requests it queued must agree with that, request for
// request.

import { describe, expect, it } from 'vitest';
import type { ExchangeObserver } from '../src/exchange/exchange.js';
import type { InFlightAuction } from '../src/exchange/in-flight.js';
import { Outcome, type OutcomeCode } from '../src/exchange/outcome.js';
import { MinHeap } from '../src/lib/min-heap.js';
import { erlangC, mmcK, mmcMeanResponse } from '../src/lib/queueing.js';
import { LIMITS } from '../src/sim/scenario/limits.js';
import { runVirtual } from '../src/sim/virtual/virtual-runner.js';
import { valid } from './helpers/scenarios.js';

const Z = 4;
const BATCHES = 20;
/**
 * Requests per run, by ρ: at 0.9 and one server each batch spans about 50 times the queue's
 * relaxation time (1 / (μ (1 − √ρ)²), about 380 ms here); at 0.5 far more.
 */
const REQUESTS = { 0.5: 200_000, 0.9: 400_000 } as const;
/** Left out at the start, where the queue fills from empty: 20 relaxation times at ρ = 0.9. */
const WARMUP = 8_000;
/** A queue no run comes near filling: at ρ = 0.9, P(100,000 waiting) is about 0.9^100000. */
const UNBOUNDED = LIMITS.queue;

/** What the exchange saw of each request, by arrival (auction ids a1, a2, … in order; one leaf). */
class Recorder implements ExchangeObserver {
  readonly sent: Float64Array;
  readonly response: Float64Array;
  readonly outcome: Uint8Array;
  constructor(n: number) {
    this.sent = new Float64Array(n);
    this.response = new Float64Array(n);
    this.outcome = new Uint8Array(n);
  }
  onScatter(): void {}
  onOutcome(_leaf: number, outcome: OutcomeCode, a: InFlightAuction, responseMs: number): void {
    const k = Number(a.request.id.slice(1)) - 1;
    this.sent[k] = a.sentMs;
    this.response[k] = responseMs;
    this.outcome[k] = outcome;
  }
  onLate(): void {}
  onStray(): void {}
  onSkipped(): void {}
  onClosed(): void {}
}

/** A figure's estimate and its batch-means standard error. */
interface Estimate {
  mean: number;
  se: number;
}

/**
 * The ratio estimate Σ num / Σ den over the measured requests, and its standard error from the
 * batch ratios' spread (each batch's Σ num / Σ den).
 */
function batchMeans(num: Float64Array, den: Float64Array): Estimate {
  const size = Math.floor((num.length - WARMUP) / BATCHES);
  const ratios: number[] = [];
  let allNum = 0;
  let allDen = 0;
  for (let b = 0; b < BATCHES; b++) {
    let n = 0;
    let d = 0;
    for (let k = WARMUP + b * size; k < WARMUP + (b + 1) * size; k++) {
      n += num[k]!;
      d += den[k]!;
    }
    ratios.push(n / d);
    allNum += n;
    allDen += d;
  }
  const m = ratios.reduce((s, r) => s + r, 0) / BATCHES;
  const variance = ratios.reduce((s, r) => s + (r - m) ** 2, 0) / (BATCHES - 1);
  return { mean: allNum / allDen, se: Math.sqrt(variance / BATCHES) };
}

interface Case {
  servers: number;
  queue: number;
  rho: keyof typeof REQUESTS;
}

let nextSeed = 101;

function measure({ servers, queue, rho }: Case) {
  const n = REQUESTS[rho];
  const lambda = rho * servers; // per ms, with μ = 1 per ms
  const s = valid({
    name: 'capacity-fidelity',
    mode: 'virtual',
    seed: nextSeed++,
    load: { arrival: 'poisson', rate: lambda * 1000, auctions: n, warmupSec: 0 },
    auction: { tmaxMs: LIMITS.tmaxMs, allowanceMs: 5, minBidderMs: 1 },
    network: { model: 'constant', ms: 0 },
    bidders: [
      {
        name: 'q',
        latency: { model: 'exponential', meanMs: 1 },
        bid: { rate: 1, price: { model: 'constant', value: 1 }, shade: 1 },
        capacity: { concurrency: servers, queue },
      },
    ],
  });
  const rec = new Recorder(n);
  const { summary, hostStats } = runVirtual(s, { tap: rec });
  expect(summary.bids.sent).toBe(n);
  expect(summary.bids.timedOut).toBe(0);

  // Per request: let in (1) or refused (0); waited; response if let in.
  const one = new Float64Array(n).fill(1);
  const admitted = new Float64Array(n);
  const refused = new Float64Array(n);
  const waited = new Float64Array(n);
  const response = new Float64Array(n);
  const unanswered = new MinHeap<number>();
  let waitedAll = 0;
  /** Requests that were neither a bid on time nor a refusal answered at once: none. */
  let odd = 0;
  for (let k = 0; k < n; k++) {
    const at = rec.sent[k]!;
    while (unanswered.peekKey() <= at) unanswered.pop();
    if (rec.outcome[k] === Outcome.NO_BID) {
      if (rec.response[k] !== 0) odd++;
      refused[k] = 1;
      continue;
    }
    if (rec.outcome[k] !== Outcome.ON_TIME) odd++;
    admitted[k] = 1;
    response[k] = rec.response[k]!;
    if (unanswered.size >= servers) {
      waited[k] = 1;
      waitedAll++;
    }
    unanswered.push(k, at + rec.response[k]!);
  }
  expect(odd).toBe(0);
  // The leaf's own count of the requests it queued, over the whole run (no warm-up), is the same.
  expect(hostStats[0]!.queued).toBe(waitedAll);
  expect(hostStats[0]!.busy).toBe(summary.bids.noBid);
  return {
    meanResponse: batchMeans(response, admitted),
    waiting: batchMeans(waited, admitted),
    refused: batchMeans(refused, one),
  };
}

/** Checks `got` within Z standard errors of `expected`, and prints both for the closing note. */
function check(label: string, figure: string, expected: number, got: Estimate): void {
  const tol = Z * got.se;
  console.log(
    `capacity fidelity ${label}: ${figure} expected ${expected.toFixed(4)} measured ${got.mean.toFixed(4)} ± ${tol.toFixed(4)} (4 SE, ${BATCHES} batch means)`,
  );
  expect(Math.abs(got.mean - expected), `${label} ${figure}`).toBeLessThanOrEqual(tol);
}

const label = ({ servers, queue, rho }: Case): string => `c=${servers} q=${queue === UNBOUNDED ? '∞' : queue} ρ=${rho}`;

describe('leaves of finite capacity against M/M/c, in virtual time', () => {
  for (const rho of [0.5, 0.9] as const) {
    it(`one server, ρ = ${rho}: mean response 1/(μ − λ) and P(wait > 0) = λ/μ`, () => {
      const c: Case = { servers: 1, queue: UNBOUNDED, rho };
      const m = measure(c);
      check(label(c), 'mean response (ms)', 1 / (1 - rho), m.meanResponse);
      check(label(c), 'P(wait > 0)', rho, m.waiting);
      expect(m.refused.mean).toBe(0);
      // The errors are small enough to tell: a leaf without capacity (wait 0, mean 1 ms) fails by far.
      expect(m.meanResponse.se * Z).toBeLessThan(0.25 * (1 / (1 - rho) - 1));
    }, 60_000);

    it(`four servers, ρ = ${rho}: P(wait > 0) is Erlang C, and the mean response C/(cμ − λ) + 1/μ`, () => {
      const c: Case = { servers: 4, queue: UNBOUNDED, rho };
      const m = measure(c);
      check(label(c), 'P(wait > 0)', erlangC(4, 4 * rho), m.waiting);
      check(label(c), 'mean response (ms)', mmcMeanResponse(4 * rho, 1, 4), m.meanResponse);
      expect(m.refused.mean).toBe(0);
    }, 60_000);

    for (const [servers, queue] of [
      [1, 2],
      [4, 4],
    ] as const) {
      it(`${servers} server(s) and a queue of ${queue}, ρ = ${rho}: refuses the share M/M/c/K gives`, () => {
        const c: Case = { servers, queue, rho };
        const m = measure(c);
        const want = mmcK(servers * rho, 1, servers, servers + queue);
        check(label(c), 'refused', want.refused, m.refused);
        check(label(c), 'P(wait > 0 | let in)', want.waiting, m.waiting);
        check(label(c), 'mean response of those let in (ms)', want.meanResponse, m.meanResponse);
        // Tight enough to tell: a leaf that refused nothing, or twice as much, fails by far.
        expect(m.refused.se * Z).toBeLessThan(0.5 * want.refused);
      }, 60_000);
    }
  }
});

describe('leaves that read tmax, in virtual time', () => {
  // One leaf near saturation (ρ = 0.9), a deadline of 20 ms and tmax told 15: without the rule many
  // answers come after the deadline; with it none does, and the leaf says no-bid 15 at once instead.
  const run = (respectTmax: boolean) =>
    runVirtual(
      valid({
        mode: 'virtual',
        seed: 77,
        load: { arrival: 'poisson', rate: 900, auctions: 20_000, warmupSec: 0 },
        auction: { tmaxMs: 20, allowanceMs: 5, minBidderMs: 1 },
        network: { model: 'constant', ms: 0 },
        bidders: [
          {
            name: 't',
            latency: { model: 'exponential', meanMs: 1 },
            bid: { rate: 1, price: { model: 'constant', value: 1 }, shade: 1, respectTmax },
            capacity: { concurrency: 1, queue: 1000 },
          },
        ],
      }),
    );

  it('answers at once with a no-bid what it could not finish within tmax, and nothing comes late', () => {
    const ignoring = run(false);
    const reading = run(true);
    expect(ignoring.summary.bids.timedOut).toBeGreaterThan(500);
    expect(ignoring.summary.bids.noBid).toBe(0);
    expect(reading.summary.bids.timedOut).toBe(0);
    expect(reading.summary.bids.late).toBe(0);
    const stats = reading.hostStats[0]!;
    expect(stats.tooLate).toBeGreaterThan(0);
    expect(stats.busy).toBe(0);
    expect(reading.summary.bids.noBid).toBe(stats.tooLate);
    // Every answer that was not refused came within the tmax it was told (15 ms).
    expect(reading.summary.groups.t!.latency.max).toBeLessThanOrEqual(15 * 1.001);
  });
});
