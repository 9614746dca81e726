// Virtual-time throughput: simulated bidder responses per second of CPU (process.cpuUsage, user +
// system), over the whole virtual path: arrivals, request factory, exchange, leaf decisions, links,
// event queue, auction, metrics and the summary. bench/run.ts calls benchVirtual; alone:
//   npx tsx bench/virtual.ts [--leaves N] [--auctions N]

import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { validateScenario } from '../src/sim/scenario.js';
import { runVirtual } from '../src/sim/virtual/virtual-runner.js';

export interface BenchVirtualOptions {
  /** Leaves called per auction (fan-out). */
  leaves?: number;
  auctions?: number;
  /** Auctions per simulated second: sets how many are in flight at once. */
  rate?: number;
  tmaxMs?: number;
  seed?: number;
}

export interface BenchVirtualResult {
  /** Requests sent to leaves (each answered, timed out or lost): the unit of work. */
  responses: number;
  cpuSec: number;
  responsesPerCpuSec: number;
}

export function benchVirtual(opts: BenchVirtualOptions = {}): BenchVirtualResult {
  const leaves = opts.leaves ?? 16;
  const raw = {
    name: 'bench-virtual',
    seed: opts.seed ?? 1,
    mode: 'virtual',
    load: { arrival: 'poisson', rate: opts.rate ?? 2000, auctions: opts.auctions ?? 50_000, warmupSec: 0 },
    auction: { type: 'second-price', tmaxMs: opts.tmaxMs ?? 100, allowanceMs: 5, floor: 0.1 },
    bidders: [
      {
        name: 'dsp',
        count: leaves,
        latency: { model: 'lognormal', medianMs: 25, p99Ms: 90 },
        bid: { rate: 0.7, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 0.9 },
      },
    ],
  };
  const checked = validateScenario(raw);
  if (!checked.ok) throw new Error(checked.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  const before = process.cpuUsage();
  const result = runVirtual(checked.scenario);
  const used = process.cpuUsage(before);
  const cpuSec = (used.user + used.system) / 1e6;
  const responses = result.summary.bids.sent;
  return { responses, cpuSec, responsesPerCpuSec: Math.round(responses / cpuSec) };
}

export interface SteadyVirtualResult {
  responses: number;
  /** The first run in this process: JIT compilation included, as a one-off `npm run sim` pays it. */
  coldPerCpuSec: number;
  /** The median of the runs after it: the steady rate a sweep's workers reach. */
  warmPerCpuSec: number;
  warmRuns: number[];
}

/** One cold run, then `runs` more of the same shape; a single cold figure mostly measures the JIT. */
export function benchVirtualSteady(opts: BenchVirtualOptions & { runs?: number } = {}): SteadyVirtualResult {
  const cold = benchVirtual(opts);
  const warm: number[] = [];
  for (let i = 0; i < (opts.runs ?? 3); i++) warm.push(benchVirtual(opts).responsesPerCpuSec);
  const sorted = [...warm].sort((x, y) => x - y);
  return { responses: cold.responses, coldPerCpuSec: cold.responsesPerCpuSec, warmPerCpuSec: sorted[Math.floor(sorted.length / 2)]!, warmRuns: warm };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { leaves: { type: 'string' }, auctions: { type: 'string' } } });
  const leaves = values.leaves !== undefined ? [Number(values.leaves)] : [4, 16, 64];
  benchVirtual({ leaves: 8, auctions: 5000 }); // warm the JIT
  for (const n of leaves) {
    const auctions = values.auctions !== undefined ? Number(values.auctions) : Math.round(1_000_000 / n);
    const r = benchVirtual({ leaves: n, auctions });
    process.stdout.write(`virtual: ${n} leaves, ${r.responses} responses in ${r.cpuSec.toFixed(2)} CPU s = ${r.responsesPerCpuSec.toLocaleString('en-US')} responses/CPU s\n`);
  }
}
