// Virtual-time throughput: simulated bidder responses per second of CPU (process.cpuUsage, user +
// system), over the whole virtual path: arrivals, request factory, exchange, leaf decisions, links,
// event queue, auction, metrics and the summary. bench/run.ts forks this file with --child; alone:
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
  /** Runs after the cold one that are not counted as warm: V8 still deoptimises and recompiles there. */
  warmupRuns: number[];
  /** The median of the runs after those: the steady rate a sweep's workers reach. */
  warmPerCpuSec: number;
  warmRuns: number[];
}

/**
 * One cold run, `warmups` more, then `runs` measured ones, all of the same shape. A single cold figure
 * mostly measures the JIT: with --trace-deopt, the first run of a process deoptimises about 30
 * functions and the second still about 20 (each run makes new leaves, so call sites that had inlined
 * one leaf's samplers see others), the third and later a handful.
 */
export function benchVirtualSteady(opts: BenchVirtualOptions & { runs?: number; warmups?: number } = {}): SteadyVirtualResult {
  const cold = benchVirtual(opts);
  const rate = (): number => benchVirtual(opts).responsesPerCpuSec;
  const warmupRuns = Array.from({ length: opts.warmups ?? 1 }, rate);
  const warm = Array.from({ length: opts.runs ?? 3 }, rate);
  const sorted = [...warm].sort((x, y) => x - y);
  return { responses: cold.responses, coldPerCpuSec: cold.responsesPerCpuSec, warmupRuns, warmPerCpuSec: sorted[Math.floor(sorted.length / 2)]!, warmRuns: warm };
}

export type SteadyVirtualMessage = { type: 'result' } & SteadyVirtualResult;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === '--child') {
  // Forked by bench/run.ts, so the case runs in a process of its own as a sweep worker does, not in a
  // heap the live cases have filled: one message with the options in, one with the result out.
  process.once('message', (opts: BenchVirtualOptions & { runs?: number; warmups?: number }) => {
    try {
      const result: SteadyVirtualMessage = { type: 'result', ...benchVirtualSteady(opts) };
      process.send?.(result, undefined, undefined, () => process.exit(0));
    } catch (err) {
      process.send?.({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }, undefined, undefined, () => process.exit(1));
    }
  });
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { leaves: { type: 'string' }, auctions: { type: 'string' } } });
  const leaves = values.leaves !== undefined ? [Number(values.leaves)] : [4, 16, 64];
  benchVirtual({ leaves: 8, auctions: 5000 }); // warm the JIT
  for (const n of leaves) {
    const auctions = values.auctions !== undefined ? Number(values.auctions) : Math.round(1_000_000 / n);
    const r = benchVirtual({ leaves: n, auctions });
    process.stdout.write(`virtual: ${n} leaves, ${r.responses} responses in ${r.cpuSec.toFixed(2)} CPU s = ${r.responsesPerCpuSec.toLocaleString('en-US')} responses/CPU s\n`);
  }
}
