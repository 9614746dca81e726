// Virtual-time throughput: simulated bidder responses per second of CPU (process.cpuUsage, user +
// system), over the whole virtual path: arrivals, request factory, exchange, leaf decisions, links,
// event queue, auction, metrics and the summary. bench/run.ts forks this file with --child; alone:
//   npx tsx bench/virtual.ts [--leaves N] [--auctions N] [--policies]
//                                                          responses per CPU s at a few fan-outs
//   node --single-threaded-gc --import tsx bench/virtual.ts --drift RUNS [--auctions N]
//                                                          how the rate moves, run after run

import { parseArgs } from 'node:util';
import { PerformanceObserver } from 'node:perf_hooks';
import { isEntry } from '../src/sim/cli/common.js';
import { validateScenario } from '../src/sim/scenario/scenario.js';
import { runVirtual } from '../src/sim/virtual/virtual-runner.js';
import { correlation, cpuProbeMs, MemoryProbe } from './probes.js';
import { replyToParent } from './children.js';
import { VIRTUAL_NODE_FLAGS } from '../src/sim/sweep/pool.js';

export interface BenchVirtualOptions {
  /** Leaves called per auction (fan-out). */
  leaves?: number;
  auctions?: number;
  /** Auctions per simulated second: sets how many are in flight at once. */
  rate?: number;
  tmaxMs?: number;
  seed?: number;
  /** Adaptive timeouts and throttling on, with their defaults (docs/scenarios.md, Fan-out policies). */
  policies?: boolean;
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
    auction: {
      type: 'second-price',
      tmaxMs: opts.tmaxMs ?? 100,
      allowanceMs: 5,
      floor: 0.1,
      ...(opts.policies === true && { adaptive: {}, throttle: {} }),
    },
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
export function benchVirtualSteady(
  opts: BenchVirtualOptions & { runs?: number; warmups?: number } = {},
): SteadyVirtualResult {
  const cold = benchVirtual(opts);
  const rate = (): number => benchVirtual(opts).responsesPerCpuSec;
  const warmupRuns = Array.from({ length: opts.warmups ?? 1 }, rate);
  const warm = Array.from({ length: opts.runs ?? 3 }, rate);
  const sorted = [...warm].sort((x, y) => x - y);
  return {
    responses: cold.responses,
    coldPerCpuSec: cold.responsesPerCpuSec,
    warmupRuns,
    warmPerCpuSec: sorted[Math.floor(sorted.length / 2)]!,
    warmRuns: warm,
  };
}

export type SteadyVirtualMessage = { type: 'result' } & SteadyVirtualResult;

if (isEntry(import.meta.url) && process.argv[2] === '--child') {
  // Forked by bench/run.ts, so the case runs in a process of its own as a sweep worker does, not in a
  // heap the live cases have filled: one message with the options in, one with the result out.
  process.once('message', (opts: BenchVirtualOptions & { runs?: number; warmups?: number }) => {
    void replyToParent((): SteadyVirtualMessage => ({ type: 'result', ...benchVirtualSteady(opts) }));
  });
} else if (isEntry(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      leaves: { type: 'string' },
      auctions: { type: 'string' },
      drift: { type: 'string' },
      policies: { type: 'boolean', default: false },
    },
  });
  if (values.drift !== undefined)
    await drift(Number(values.drift), values.auctions !== undefined ? Number(values.auctions) : 50_000);
  else sizes(values.leaves, values.auctions, values.policies);
}

/** Responses per CPU s at a few fan-outs, after one run to warm the JIT. */
function sizes(leavesArg: string | undefined, auctionsArg: string | undefined, policies: boolean): void {
  const leaves = leavesArg !== undefined ? [Number(leavesArg)] : [4, 16, 64];
  benchVirtual({ leaves: 8, auctions: 5000, policies }); // warm the JIT
  for (const n of leaves) {
    const auctions = auctionsArg !== undefined ? Number(auctionsArg) : Math.round(1_000_000 / n);
    const r = benchVirtual({ leaves: n, auctions, policies });
    process.stdout.write(
      `virtual: ${n} leaves, ${r.responses} responses in ${r.cpuSec.toFixed(2)} CPU s = ${r.responsesPerCpuSec.toLocaleString('en-US')} responses/CPU s\n`,
    );
  }
}

/**
 * The bench's virtual case `runs` times in one process, after a cold run and two warm-ups as the
 * bench has, each between readings of the probes of bench/probes.ts and with its collections counted
 * and timed. The same code does the same work in every run, so a rate that moves while the work does
 * not points at the machine. Prints each run, how the rate correlates with each probe, and how the
 * time outside the collector correlates with the time per collection: the collector does the same
 * kind of work in every run, so the two moving together is what a machine slowing down as a whole
 * would show (it is not proof: the JIT's choices change what is allocated and what survives).
 */
async function drift(runs: number, auctions: number): Promise<void> {
  if (!Number.isInteger(runs) || runs < 3)
    throw new RangeError(`--drift wants a whole number of runs >= 3, got ${runs}`);
  // As the bench's child runs. Then the collector also runs on this thread only, so its entries'
  // durations (wall time) are time this thread spent, within what preemption adds.
  const missing = VIRTUAL_NODE_FLAGS.filter((f) => !process.execArgv.includes(f));
  if (missing.length > 0) {
    throw new Error(
      `--drift measures what the bench measures, with node ${VIRTUAL_NODE_FLAGS.join(' ')}: node ${VIRTUAL_NODE_FLAGS.join(' ')} --import tsx bench/virtual.ts --drift ${runs}`,
    );
  }
  const probe = new MemoryProbe();
  for (let i = 0; i < 3; i++) benchVirtual({ auctions });
  let gcs = 0;
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcs++;
      gcMs += e.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const rates: number[] = [];
  const outsideGcSec: number[] = [];
  const msPerGc: number[] = [];
  const cpu: number[] = [];
  const mem: number[] = [];
  process.stdout.write('run  M responses/CPU s  CPU s  GCs  GC ms  integer probe ms  memory probe ns/load\n');
  for (let i = 0; i < runs; i++) {
    const cpuBefore = cpuProbeMs();
    const memBefore = probe.ns();
    gcs = 0;
    gcMs = 0;
    const r = benchVirtual({ auctions });
    // GC entries are delivered in a later task: let them in before reading the counts.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const runGcs = gcs;
    const runGcMs = gcMs;
    // Each probe is the mean of its readings before and after the run.
    cpu.push((cpuBefore + cpuProbeMs()) / 2);
    mem.push((memBefore + probe.ns()) / 2);
    rates.push(r.responsesPerCpuSec / 1e6);
    outsideGcSec.push(r.cpuSec - runGcMs / 1000);
    msPerGc.push(runGcMs / Math.max(1, runGcs));
    const cols = [
      rates[i]!.toFixed(3).padStart(19),
      r.cpuSec.toFixed(2).padStart(5),
      String(runGcs).padStart(4),
      runGcMs.toFixed(0).padStart(5),
      cpu[i]!.toFixed(0).padStart(16),
      mem[i]!.toFixed(0).padStart(20),
    ];
    process.stdout.write(`${String(i + 1).padStart(3)}  ${cols.join('  ')}\n`);
  }
  observer.disconnect();
  const range = (xs: number[], digits: number): string =>
    `${Math.min(...xs).toFixed(digits)} to ${Math.max(...xs).toFixed(digits)}`;
  process.stdout.write(
    `rate ${range(rates, 3)} M; integer probe ${range(cpu, 0)} ms; memory probe ${range(mem, 0)} ns\n`,
  );
  process.stdout.write(
    `correlation of the rate with the integer probe ${correlation(rates, cpu).toFixed(2)}, with the memory probe ${correlation(rates, mem).toFixed(2)}\n`,
  );
  process.stdout.write(
    `correlation of a run's CPU s outside the collector with its ms per collection ${correlation(outsideGcSec, msPerGc).toFixed(2)}\n`,
  );
}
