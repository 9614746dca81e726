// Virtual time against closed forms. Each test runs a scenario whose answer is known analytically and
// checks the measured figure within 4 standard errors of the sample it came from (a false alarm about
// once in 16,000 runs; runs are seeded, so a pass is also reproducible). Latency quantiles carry
// HdrHistogram's resolution too (3 significant digits: within 0.1%).

import { describe, expect, it } from 'vitest';
import type { LatencySpec } from '../src/bidders/config.js';
import { latencyCdf, latencyQuantile } from '../src/bidders/latency-models.js';
import { type Scenario } from '../src/sim/scenario/scenario.js';
import { runVirtual } from '../src/sim/virtual/virtual-runner.js';
import { valid } from './helpers/scenarios.js';

const Z = 4;
/** HdrHistogram's relative resolution at 3 significant digits, plus its 1 µs unit. */
const hdrSlack = (ms: number): number => ms * 1e-3 + 1e-3;

/** Each case gets its own seed: leaves with the same names and seed draw the same uniforms. */
let nextSeed = 11;

function scenario(raw: Record<string, unknown>): Scenario {
  return valid({ mode: 'virtual', seed: nextSeed++, ...raw });
}

function load(auctions: number, rate = 1000): Record<string, unknown> {
  return { arrival: 'poisson', rate, auctions, warmupSec: 0 };
}

const binomialSe = (p: number, n: number): number => Math.sqrt((p * (1 - p)) / n);

describe('virtual time against closed forms', () => {
  // The deadline is accepted + tmaxMs and an answer arrives 2 x network + delay after it was sent
  // (sent at acceptance in virtual time). It is timed out when it arrives at or after the deadline,
  // so P(timeout) = P(delay >= tmaxMs - 2 x network). The allowance only shortens the `tmax` told to
  // the bidder, which the simulated leaf does not read; it does not enter the threshold, and a large
  // one here shows it (the naive tmax - allowance - 2 x network would predict far more timeouts).
  const timeoutCases: Array<{
    label: string;
    latency: LatencySpec;
    tmaxMs: number;
    allowanceMs: number;
    networkMs: number;
  }> = [
    {
      label: 'lognormal 20/60',
      latency: { model: 'lognormal', medianMs: 20, p99Ms: 60 },
      tmaxMs: 50,
      allowanceMs: 20,
      networkMs: 1,
    },
    {
      label: 'exponential mean 25',
      latency: { model: 'exponential', meanMs: 25 },
      tmaxMs: 60,
      allowanceMs: 5,
      networkMs: 0.5,
    },
    {
      label: 'mixture 95% uniform 5-30 + 5% 200',
      latency: {
        model: 'mixture',
        of: [
          { weight: 0.95, model: 'uniform', minMs: 5, maxMs: 30 },
          { weight: 0.05, model: 'constant', ms: 200 },
        ],
      },
      tmaxMs: 25,
      allowanceMs: 5,
      networkMs: 0.25,
    },
  ];
  for (const c of timeoutCases) {
    it(`a leaf's timeout rate is P(latency >= tmax - 2 x network): ${c.label}`, () => {
      const leaves = 4;
      const s = scenario({
        load: load(10_000),
        auction: { tmaxMs: c.tmaxMs, allowanceMs: c.allowanceMs, minBidderMs: 1 },
        network: { model: 'constant', ms: c.networkMs },
        bidders: [
          {
            name: 'l',
            count: leaves,
            latency: c.latency,
            bid: { rate: 0.5, price: { model: 'uniform', min: 0.5, max: 1 }, shade: 1 },
          },
        ],
      });
      const { summary } = runVirtual(s);
      const expected = 1 - latencyCdf(c.latency, c.tmaxMs - 2 * c.networkMs);
      const naive = 1 - latencyCdf(c.latency, c.tmaxMs - c.allowanceMs - 2 * c.networkMs);
      const n = summary.bids.sent;
      const tol = Z * binomialSe(expected, n);
      console.log(
        `fidelity (a) ${c.label}: timeout expected ${expected.toFixed(5)} measured ${summary.rates.timeout.toFixed(5)} ± ${tol.toFixed(5)} (n ${n}; naive formula ${naive.toFixed(4)})`,
      );
      expect(n).toBe(10_000 * leaves);
      expect(Math.abs(summary.rates.timeout - expected)).toBeLessThanOrEqual(tol);
      for (const leaf of Object.values(summary.bidders)) {
        const nLeaf = leaf.sent;
        expect(Math.abs(leaf.timeoutRate - expected)).toBeLessThanOrEqual(Z * binomialSe(expected, nLeaf));
      }
    });
  }

  it('N independent leaves each bidding with probability p fill 1 - (1 - p)^N of auctions', () => {
    for (const [leaves, p] of [
      [5, 0.25],
      [2, 0.6],
    ] as const) {
      const s = scenario({
        load: load(20_000),
        auction: { tmaxMs: 100, floor: 0.01 },
        bidders: [
          {
            name: 'b',
            count: leaves,
            latency: { model: 'constant', ms: 5 },
            bid: { rate: p, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1 },
          },
        ],
      });
      const { summary } = runVirtual(s);
      const expected = 1 - (1 - p) ** leaves;
      const tol = Z * binomialSe(expected, summary.auctions.total);
      console.log(
        `fidelity (b) N=${leaves} p=${p}: fill expected ${expected.toFixed(5)} measured ${summary.rates.fill.toFixed(5)} ± ${tol.toFixed(5)}`,
      );
      expect(summary.bids.timedOut).toBe(0);
      expect(Math.abs(summary.rates.fill - expected)).toBeLessThanOrEqual(tol);
    }
  });

  it('second price with N bidders valuing uniformly on [0, 1] clears at (N - 1) / (N + 1) on average', () => {
    for (const leaves of [2, 5, 10]) {
      const min = 1e-6;
      const s = scenario({
        load: load(20_000),
        auction: { type: 'second-price', tmaxMs: 100, floor: 0, increment: 0 },
        bidders: [
          {
            name: 'v',
            count: leaves,
            latency: { model: 'constant', ms: 5 },
            bid: { rate: 1, price: { model: 'uniform', min, max: 1 }, shade: 1 },
          },
        ],
      });
      const { summary } = runVirtual(s);
      // The (N-1)th order statistic of N uniforms: mean (N-1)/(N+1), variance 2(N-1)/((N+1)^2 (N+2)).
      const expected = min + ((1 - min) * (leaves - 1)) / (leaves + 1);
      const sd = Math.sqrt((2 * (leaves - 1)) / ((leaves + 1) ** 2 * (leaves + 2)));
      const n = summary.revenue.impressionsSold;
      // Prices go on the wire rounded to 4 decimals: at most 5e-5 either way.
      const tol = (Z * sd) / Math.sqrt(n) + 5e-5;
      console.log(
        `fidelity (c) N=${leaves}: mean clearing expected ${expected.toFixed(5)} measured ${summary.revenue.avgClearingPrice.toFixed(5)} ± ${tol.toFixed(5)} (n ${n})`,
      );
      expect(n).toBe(20_000);
      expect(Math.abs(summary.revenue.avgClearingPrice - expected)).toBeLessThanOrEqual(tol);
    }
  });

  // The auction closes when the slowest of N leaves answers or at the deadline, so its latency is
  // min(tmax, 2 x network + max of N delays), and P(max <= x) = F(x)^N: the q-quantile of the max is
  // the model's quantile at q^(1/N). The tolerance maps the 4-SE band of the sample p99's level,
  // 0.99 ± 4 sqrt(0.99 x 0.01 / n), through that same function.
  const latency: LatencySpec = { model: 'lognormal', medianMs: 20, p99Ms: 60 };
  for (const [leaves, tmaxMs] of [
    [8, 250],
    [32, 250],
    [8, 60],
  ] as const) {
    it(`the p99 of a fan-out to ${leaves} leaves is the model's 0.99^(1/${leaves}) quantile plus the network, capped at tmax ${tmaxMs}`, () => {
      const networkMs = 0.5;
      const auctions = leaves > 10 ? 10_000 : 20_000;
      const s = scenario({
        load: load(auctions, 2000),
        auction: { tmaxMs, minBidderMs: 1 },
        network: { model: 'constant', ms: networkMs },
        bidders: [
          {
            name: 'f',
            count: leaves,
            latency,
            bid: { rate: 0.5, price: { model: 'uniform', min: 0.5, max: 1 }, shade: 1 },
          },
        ],
      });
      const { summary } = runVirtual(s);
      const at = (q: number): number => Math.min(tmaxMs, latencyQuantile(latency, q ** (1 / leaves)) + 2 * networkMs);
      const band = Z * Math.sqrt((0.99 * 0.01) / auctions);
      const expected = at(0.99);
      const lo = at(0.99 - band) - hdrSlack(expected);
      const hi = at(0.99 + band) + hdrSlack(expected);
      const measured = summary.latency.auction.p99;
      console.log(
        `fidelity (d) N=${leaves} tmax=${tmaxMs}: auction p99 expected ${expected.toFixed(3)} ms measured ${measured.toFixed(3)} ms, band [${lo.toFixed(3)}, ${hi.toFixed(3)}]`,
      );
      expect(measured).toBeGreaterThanOrEqual(lo);
      expect(measured).toBeLessThanOrEqual(hi);
    });
  }
});
