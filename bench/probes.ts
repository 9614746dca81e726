// How fast this VM is right now. Its speed moves within minutes as neighbours come and go; the
// bench's footer reads the integer probe, and bench/virtual.ts --drift reads both beside the virtual
// case run after run. Neither tracks that case closely enough to correct its figures by (README,
// Performance): figures are read beside a probe, not divided by it.

/** CPU ms of a fixed integer loop (ALU-bound; fits in registers): 200 M iterations by default, as the bench's footer. */
export function cpuProbeMs(iterations = 200_000_000): number {
  const before = process.cpuUsage();
  let x = 1;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  const used = process.cpuUsage(before);
  if (x === 0) process.stdout.write(''); // keep the loop from being dropped
  return (used.user + used.system) / 1000;
}

/** 64 MB: well past any last-level cache this VM's host would give one guest. */
const CHAIN_LENGTH = 1 << 24;

/**
 * CPU ns per dependent load from main memory (memory-latency-bound). The chain is one random cycle
 * through every slot (Sattolo's shuffle, from a fixed LCG so every process walks an equally hard
 * chain): each load's address is the previous load's value, so no prefetcher or out-of-order core
 * can overlap them. Building it takes about a third of a second; it is freed with the probe.
 */
export class MemoryProbe {
  private readonly chain = new Int32Array(CHAIN_LENGTH);

  constructor() {
    const a = this.chain;
    for (let i = 0; i < CHAIN_LENGTH; i++) a[i] = i;
    let s = 12345;
    for (let i = CHAIN_LENGTH - 1; i > 0; i--) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const j = Math.floor((s / 2 ** 32) * i); // j < i: one cycle through all slots
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  }

  ns(loads = 1_000_000): number {
    const a = this.chain;
    const before = process.cpuUsage();
    let p = 0;
    for (let i = 0; i < loads; i++) p = a[p]!;
    const used = process.cpuUsage(before);
    if (p === -1) process.stdout.write(''); // keep the loop from being dropped
    return ((used.user + used.system) * 1000) / loads;
  }
}

/** Pearson's correlation of two equally long series. */
export function correlation(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n !== ys.length || n < 2)
    throw new RangeError(`correlation needs two series of one length >= 2, got ${n} and ${ys.length}`);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]! / n;
    my += ys[i]! / n;
  }
  let c = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    c += dx * dy;
    vx += dx * dx;
    vy += dy * dy;
  }
  return c / Math.sqrt(vx * vy);
}
