// Latency models read from measurements, run in virtual time with the network at 0 (issue 17 item 4):
// a 100,000-sample file's p50/p90/p99 come back within 1%; a written .hgrm's within its resolution
// and the sampling error; and the delays a host applied (host-delays-<group>.hgrm), read back as the
// group's model, reproduce that group's delays.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import type { LatencySpec } from '../src/bidders/config.js';
import { latencyQuantile, latencySampler } from '../src/bidders/latency-models.js';
import { newHistogram, recordMs, type Histogram } from '../src/lib/histogram.js';
import type { P } from '../src/sim/metrics/summary.js';
import { hgrmText } from '../src/sim/report/hgrm.js';
import { hostDelaysByGroup } from '../src/sim/report/host-delays.js';
import { loadScenarioFile, type Scenario } from '../src/sim/scenario/scenario.js';
import { runVirtual } from '../src/sim/virtual/virtual-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'measured-latency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LEAVES = 5;
const AUCTIONS = 100_000;
/** Every answer a leaf gives in these runs: each auction asks every leaf. */
const N = LEAVES * AUCTIONS;
const LEVELS = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
] as const;
/** Each test runs one or two virtual runs of N answers: seconds of CPU, more on a loaded machine. */
const TIMEOUT_MS = 60_000;
/** HdrHistogram's relative resolution at 3 significant digits, plus its 1 µs unit. */
const hdrSlack = (ms: number): number => ms * 1e-3 + 1e-3;

/** A scenario file beside the latency file: one group of LEAVES leaves, the network at 0, no timeouts. */
function scenarioFile(name: string, latency: unknown, seed: number): Scenario {
  const path = join(dir, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      name,
      seed,
      mode: 'virtual',
      network: { model: 'constant', ms: 0 },
      load: { arrival: 'constant', rate: 1000, auctions: AUCTIONS, warmupSec: 0 },
      auction: { tmaxMs: 10_000 },
      bidders: [{ name: 'dsp', count: LEAVES, latency }],
    }),
  );
  const r = loadScenarioFile(path);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.scenario;
}

function groupLatency(s: Scenario): P {
  const { summary } = runVirtual(s);
  const g = summary.groups['dsp']!;
  expect(g.onTime + g.noBid).toBe(N);
  return g.latency;
}

/**
 * Where an estimate of the q-quantile from `n` values may fall: the quantile function at q ± 4
 * standard errors of the level (`spread` times that for the difference of two such estimates), widened
 * by HdrHistogram's resolution.
 */
function band(quantile: (q: number) => number, q: number, n: number, spread = 1): { lo: number; hi: number } {
  const d = 4 * spread * Math.sqrt((q * (1 - q)) / n);
  const lo = quantile(Math.max(0, q - d));
  const hi = quantile(Math.min(1, q + d));
  return { lo: lo - hdrSlack(lo), hi: hi + hdrSlack(hi) };
}

describe('latency from measurements in virtual time, the network at 0', () => {
  it(
    "reproduces a 100,000-sample file's p50, p90 and p99 within 1%",
    () => {
      const rng = seedrandom('samples-file');
      const draw = latencySampler({ model: 'lognormal', medianMs: 20, p99Ms: 60 });
      const samples = Array.from({ length: 100_000 }, () => Math.round(draw(rng) * 1000) / 1000);
      writeFileSync(join(dir, 'latencies.csv'), `id,latency_ms\n${samples.map((v, i) => `${i},${v}`).join('\n')}\n`);
      const sorted = Float64Array.from(samples).sort();
      const run = groupLatency(
        scenarioFile('samples', { model: 'samples', file: 'latencies.csv', column: 'latency_ms' }, 5),
      );
      for (const [key, q] of LEVELS) {
        const h = (sorted.length - 1) * q;
        const lo = Math.floor(h);
        const file = sorted[lo]! + (h - lo) * (sorted[lo + 1]! - sorted[lo]!);
        expect(Math.abs(run[key] / file - 1), `${key}: run ${run[key]} ms, file ${file} ms`).toBeLessThan(0.01);
      }
    },
    TIMEOUT_MS,
  );

  it(
    "reproduces a written .hgrm's percentiles within its resolution and the sampling error",
    () => {
      const h = newHistogram();
      const rng = seedrandom('hgrm-file');
      const draw = latencySampler({ model: 'pareto', minMs: 8, alpha: 3 });
      for (let i = 0; i < 100_000; i++) recordMs(h, draw(rng));
      writeFileSync(join(dir, 'written.hgrm'), hgrmText(h));
      const s = scenarioFile('hgrm', { model: 'hgrm', file: 'written.hgrm' }, 6);
      const model = s.bidders[0]! as { latency: LatencySpec };
      const run = groupLatency(s);
      for (const [key, q] of LEVELS) {
        // HdrHistogram's value at the percentile; at p50 and p90, rows of the file, the model runs
        // through it (p99 falls between rows, where the model, like any reader of the file, interpolates).
        const fileValue = h.getValueAtPercentile(q * 100) / 1000;
        if (q !== 0.99) expect(latencyQuantile(model.latency, q), key).toBeCloseTo(fileValue, 9);
        const { lo, hi } = band((p) => latencyQuantile(model.latency, p), q, N);
        expect(run[key], `${key} in [${lo}, ${hi}]`).toBeGreaterThanOrEqual(lo);
        expect(run[key], `${key} in [${lo}, ${hi}]`).toBeLessThanOrEqual(hi);
        expect(Math.abs(run[key] / fileValue - 1), key).toBeLessThan(0.01);
      }
    },
    TIMEOUT_MS,
  );

  it(
    "round trip: a host's applied delays, read back as the group's model, reproduce that group's delays",
    () => {
      const first = scenarioFile('first', { model: 'lognormal', medianMs: 15, p99Ms: 70 }, 7);
      const applied = (s: Scenario): Histogram => {
        const { hostStats } = runVirtual(s);
        return hostDelaysByGroup(hostStats, () => 'dsp').get('dsp')!;
      };
      const before = applied(first);
      expect(before.totalCount).toBe(N);
      writeFileSync(join(dir, 'host-delays-dsp.hgrm'), hgrmText(before));
      const after = applied(scenarioFile('second', { model: 'hgrm', file: 'host-delays-dsp.hgrm' }, 8));
      expect(after.totalCount).toBe(N);
      const quantile = (p: number): number => before.getValueAtPercentile(p * 100) / 1000;
      for (const q of [0.5, 0.9, 0.99, 0.999]) {
        // Two samples of N each: the difference of their quantiles spreads √2 times one's.
        const { lo, hi } = band(quantile, q, N, Math.SQRT2);
        const got = after.getValueAtPercentile(q * 100) / 1000;
        expect(got, `q=${q} in [${lo}, ${hi}]`).toBeGreaterThanOrEqual(lo);
        expect(got, `q=${q} in [${lo}, ${hi}]`).toBeLessThanOrEqual(hi);
      }
    },
    TIMEOUT_MS,
  );
});
