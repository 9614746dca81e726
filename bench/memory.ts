// Case 5, run in its own process with --expose-gc (memory.ts is forked by run.ts): heap bytes per
// in-flight auction and per connected leaf, and whether the heap grows over a long run.
//   parent → { type: 'start', quick }   child → { type: 'result', ... } and exits.

import { getHeapSpaceStatistics } from 'node:v8';
import { runOpen, startRig } from './rig.js';
import { replyToParent } from './children.js';
import { sleep } from './baseline.js';

export interface MemoryResult {
  type: 'result';
  auctions: number;
  bytesPerAuction: number;
  leaves: number;
  bytesPerLeaf: number;
  shortSec: number;
  longSec: number;
  heapShortMb: number;
  heapMidMb: number;
  heapLongMb: number;
  rate: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Live heap bytes after a full collection, less V8's code space: compiled code grows as the JIT
 * optimises more of the program over a run, which is warm-up, not data held.
 */
async function heap(): Promise<number> {
  if (gc === undefined) throw new Error('memory.ts needs node --expose-gc');
  // Twice, with a turn between, so weak callbacks and finalisers have run.
  gc();
  await sleep(20);
  gc();
  let code = 0;
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'code_space') code = space.space_used_size;
  return process.memoryUsage().heapUsed - code;
}

/** Auctions held open: 10 leaves that never answer, a deadline far away. */
async function perAuction(count: number): Promise<number> {
  const rig = await startRig(
    { leaves: 10, tmaxMs: 1000, latency: { model: 'constant', ms: 1 }, silent: 1 },
    { tmaxMs: 600_000 },
  );
  try {
    // A first batch warms every path (JIT, buffers), then the measured one.
    for (let i = 0; i < 200; i++) rig.exchange.submit(rig.make(), rig.clock.now());
    await sleep(300);
    const before = await heap();
    for (let i = 0; i < count; i++) rig.exchange.submit(rig.make(), rig.clock.now());
    await sleep(500);
    const after = await heap();
    return (after - before) / count;
  } finally {
    await rig.stop();
  }
}

/** Leaves connected: the links, sockets and per-leaf statistics of `many` leaves against `few`. */
async function perLeaf(few: number, many: number): Promise<number> {
  const sizes: number[] = [];
  // The first rig pays for code and caches loaded once; only the next two are compared.
  for (const n of [few, few, many]) {
    const before = await heap();
    const rig = await startRig({ leaves: n, tmaxMs: 100, latency: { model: 'constant', ms: 1 } });
    await sleep(200);
    const after = await heap();
    sizes.push(after - before);
    await rig.stop();
  }
  return (sizes[2]! - sizes[1]!) / (many - few);
}

/** The heap after `shortSec` of steady load, half-way and after `longSec`; late answers and retention included. */
async function growth(rate: number, shortSec: number, longSec: number): Promise<[number, number, number]> {
  // Late answers are remembered for lateWindowMs; 2 s puts both marks past the window's fill-up.
  const rig = await startRig(
    { leaves: 10, tmaxMs: 50, latency: { model: 'lognormal', medianMs: 20, p99Ms: 60 } },
    { lateWindowMs: 2000 },
  );
  try {
    const marks: number[] = [];
    const run = runOpen(rig, rate, 0, longSec);
    const t0 = performance.now();
    for (const at of [shortSec, (shortSec + longSec) / 2, longSec - 0.5]) {
      await sleep(at * 1000 - (performance.now() - t0));
      marks.push(await heap());
    }
    await run;
    return [marks[0]!, marks[1]!, marks[2]!];
  } finally {
    await rig.stop();
  }
}

process.on('message', (msg: { type: string; quick: boolean }) => {
  if (msg.type !== 'start') return;
  void replyToParent(async (): Promise<MemoryResult> => {
    const quick = msg.quick;
    const auctions = quick ? 2000 : 10_000;
    const bytesPerAuction = await perAuction(auctions);
    const leaves = quick ? 100 : 400;
    const bytesPerLeaf = await perLeaf(10, 10 + leaves);
    const [shortSec, longSec, rate] = quick ? [3, 9, 500] : [5, 30, 500];
    const [s, m, l] = await growth(rate, shortSec, longSec);
    const result: MemoryResult = {
      type: 'result',
      auctions,
      bytesPerAuction,
      leaves,
      bytesPerLeaf,
      shortSec,
      longSec,
      heapShortMb: s / 2 ** 20,
      heapMidMb: m / 2 ** 20,
      heapLongMb: l / 2 ** 20,
      rate,
    };
    return result;
  });
});
process.on('disconnect', () => process.exit(0));
